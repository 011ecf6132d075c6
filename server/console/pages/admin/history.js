// History (#/history): every content version with its author, note and time; the side-by-side
// diff of any two; and rollback, which publishes an earlier version's content as a new version
// (nothing is rewritten) after the operator has confirmed which version, by whom and when.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("history");
  // Copy: the "console.history.*" keys of words/en.json and words/fr.json.

  function render(main) {
    const box = h("div", null, h("p", null, t("loading")));
    main.appendChild(h("h1", null, t("history")));
    main.appendChild(box);
    load(box);
  }

  // load(box, then): reads the history and shows it; then(box parts) runs once it is shown.
  function load(box, then) {
    SP.api("GET", "/v1/admin/content/history").then((r) => {
      if (!r.ok) return SP.clear(box).appendChild(h("p", { class: "fail" }, SP.errorText(r.error)));
      show(box, r.json.versions || []);
      if (then) then();
    });
  }

  // active(version body): the notices of a version that have not expired, by id.
  function active(j) {
    const out = {}, now = Date.now();
    (((j || {}).content || {}).notices || []).forEach((n) => {
      if (Date.parse(n.expires_at) > now) out[n.id] = n;
    });
    return out;
  }

  // noticeChanges(current, target): the emergency notices a rollback from current to target
  // publishes again, withdraws or changes, one sentence each.
  function noticeChanges(cj, tj) {
    const a = active(cj), b = active(tj), out = [];
    Object.keys(b).sort().forEach((id) => {
      if (!a[id]) out.push(h("li", { "data-notice-on": id }, t("noticeOn", id, SP.text(b[id].message))));
      else if (JSON.stringify(a[id]) !== JSON.stringify(b[id])) out.push(h("li", { "data-notice-changed": id }, t("noticeChanged", id, SP.text(b[id].message))));
    });
    Object.keys(a).sort().forEach((id) => {
      if (!b[id]) out.push(h("li", { "data-notice-off": id }, t("noticeOff", id, SP.text(a[id].message))));
    });
    return out.length ? h("ul", { "data-notices": true }, out) : h("p", { "data-notices": true }, t("noticeSame"));
  }

  function show(box, vs) {
    const cur = vs.length ? vs[0] : null;
    const outcome = h("div"), confirmBox = h("div"), diffBox = h("div");
    const canRoll = SP.can("content");
    function diff(from, to) {
      SP.clear(diffBox).appendChild(h("p", null, t("loading")));
      return SP.api("GET", "/v1/admin/content/diff?from=" + from + "&to=" + to).then((r) => {
        const hid = SP.id("hd");
        SP.clear(diffBox).appendChild(h("section", { "aria-labelledby": hid, "data-diff": from + "-" + to },
          h("h2", { id: hid, tabindex: "-1" }, t("diffTitle", from, to)),
          r.ok ? SP.diffTable(r.json.rows, { from, to }) : h("p", { class: "fail" }, SP.errorText(r.error))));
        fromSel.value = String(from);
        toSel.value = String(to);
        SP.focus(diffBox.querySelector("h2"));
      });
    }
    function rollback(v, opener) {
      const hid = SP.id("rb");
      function cancel() {
        SP.clear(confirmBox);
        SP.focus(opener);
      }
      function go(btn) {
        btn.disabled = true;
        send(v, cur.version);
      }
      // send posts the rollback with the version the operator confirmed against; a 412 (someone
      // published meanwhile) shows what changed and, if asked, sends it again on top.
      function send(target, current) {
        return SP.api("POST", "/v1/admin/content/rollback", { body: { version: target.version }, ifMatch: current }).then((r) => {
          if (r.status === 412)
            return SP.conflict(r.error, () => {
              return SP.api("GET", "/v1/admin/content/history").then((hr) => {
                return send(target, hr.ok && hr.json.versions.length ? hr.json.versions[0].version : current);
              });
            }, current);
          if (!r.ok) {
            SP.clear(confirmBox).appendChild(h("p", { class: "fail", tabindex: "-1" }, t("rollFailed") + SP.message(r.error)));
            return SP.focus(confirmBox.firstChild);
          }
          SP.status(t("rolled", r.json.version));
          const root = box;
          load(root, () => {
            const msg = h("p", { class: "ok", "data-rolled": r.json.version, tabindex: "-1" }, t("rolled", r.json.version));
            root.querySelector("[data-outcome]").appendChild(msg);
            msg.focus();
          });
        });
      }
      // The confirmation shows what the rollback changes (the diff from the current version to
      // v) and which emergency notices it publishes again or withdraws, before it is asked.
      SP.clear(confirmBox).appendChild(h("p", { "data-confirm-loading": v.version }, t("loading")));
      const get = (n) => {
        return SP.api("GET", "/v1/admin/content/versions/" + n, { accept: "application/json" });
      };
      Promise.all([SP.api("GET", "/v1/admin/content/diff?from=" + cur.version + "&to=" + v.version), get(cur.version), get(v.version)]).then((rs) => {
        const bad = rs.filter((r) => {
          return !r.ok;
        })[0];
        SP.clear(confirmBox).appendChild(h("section", { class: "review", role: "group", "aria-labelledby": hid, "data-confirm": v.version },
          h("h2", { id: hid, tabindex: "-1" }, t("confirmTitle", v.version)),
          h("p", null, t("confirmText", v.version, v.author || "?", SP.time(v.created_at), cur.version), v.note ? [" ", t("confirmNote", SP.note(v.note))] : null),
          bad ? h("p", { class: "fail" }, t("rollUnknown"), SP.message(bad.error)) : [
            h("h3", null, t("notices")),
            noticeChanges(rs[1].json, rs[2].json),
            SP.diffTable(rs[0].json.rows, { caption: t("rollDiff", cur.version, v.version) })],
          h("p", { class: "actions" },
            h("button", { type: "button", class: "primary", "data-action": "confirm-rollback", onclick(e) {
              go(e.target);
            } }, t("confirm", v.version)),
            h("button", { type: "button", "data-action": "cancel", onclick: cancel }, t("cancel")))));
        SP.focus(confirmBox.querySelector("h2"));
      });
    }
    const rows = vs.map((v, i) => {
      const prev = vs[i + 1];
      return h("tr", { "data-version": v.version },
        h("th", { scope: "row" }, t("vN", v.version), i === 0 ? [" ", h("strong", { class: "flag cur" }, t("current"))] : null),
        h("td", null, v.author || ""),
        h("td", null, SP.note(v.note || "")),
        h("td", null, h("time", { datetime: v.created_at }, SP.time(v.created_at))),
        h("td", { class: "actions" },
          prev ? h("button", { type: "button", class: "small", "data-compare": v.version, onclick() {
            diff(prev.version, v.version);
          } }, t("comparePrev"), h("span", { class: "vh" }, t("comparePrevFor", v.version, prev.version))) : null,
          canRoll && i > 0 ? h("button", { type: "button", class: "small danger", "data-rollback": v.version, onclick(e) {
            rollback(v, e.currentTarget);
          } }, t("rollTo", v.version)) : null));
    });
    const opts = (sel) => {
      return vs.map((v) => {
        return h("option", { value: String(v.version), selected: v.version === sel }, t("vN", v.version) + (v.author ? " – " + v.author : ""));
      });
    };
    const fromSel = h("select", { name: "from" }, opts(vs[1] ? vs[1].version : cur && cur.version));
    const toSel = h("select", { name: "to" }, opts(cur && cur.version));
    const cid = SP.id("hc");
    const cmp = h("form", { class: "compare", "aria-labelledby": cid, novalidate: true },
      h("h2", { id: cid }, t("compare")),
      h("div", { class: "row" }, SP.field(t("from"), fromSel), SP.field(t("to"), toSel)),
      h("p", null, h("button", { type: "submit", "data-action": "compare" }, t("show"))));
    cmp.addEventListener("submit", (e) => {
      e.preventDefault();
      diff(+fromSel.value, +toSel.value);
    });
    SP.clear(box);
    box.appendChild(h("p", null, t("historyIntro")));
    outcome.setAttribute("data-outcome", "");
    box.appendChild(outcome);
    box.appendChild(h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": t("versionsCap") }, h("table", { class: "data", "data-history": true },
      h("caption", null, t("versionsCap")),
      h("thead", null, h("tr", null, ["colVersion", "colAuthor", "colNote", "colTime", "colActions"].map((k) => {
        return h("th", { scope: "col" }, t(k));
      }))),
      h("tbody", null, rows))));
    box.appendChild(confirmBox);
    if (vs.length > 1) box.appendChild(cmp);
    box.appendChild(diffBox);
  }

  SP.view("history", { label: "history.history", scopes: ["content", "notice"], render });
})();
