// Emergency notices: a short message at the top of the banner (a line down, a changed number),
// for the partners and regions chosen, until it expires. Active notices are listed with the time
// they have left, and can be withdrawn at once.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("notices");
  // Copy: the "console.notices.*" keys of words/en.json and words/fr.json.

  // left(ms): "2 h 5 min".
  function left(ms) {
    const m = Math.floor(ms / 60000), d = Math.floor(m / 1440), hr = Math.floor((m % 1440) / 60), out = [];
    if (d) out.push(t("dUnit", d));
    if (hr) out.push(t("hUnit", hr));
    if (m % 60 && !d) out.push(t("mUnit", m % 60));
    return out.length ? out.join(" ") : t("lessMin");
  }
  // offset(): the browser's UTC offset, "+02:00" / "−05:00".
  function offset(d) {
    const o = -d.getTimezoneOffset(), a = Math.abs(o);
    return (o < 0 ? "−" : "+") + String(Math.floor(a / 60)).padStart(2, "0") + ":" + String(a % 60).padStart(2, "0");
  }
  // utc(local): an <input type=datetime-local> value (in the browser's zone) as RFC 3339 UTC.
  function utc(v) {
    const d = v ? new Date(v) : null;
    return d && !isNaN(d) ? d.toISOString().replace(/\.\d+Z$/, "Z") : "";
  }

  SP.view("notices", {
    label: "notices.notices",
    scopes: ["notice"],
    render(main) {
      let timer = null;
      main.append(h("h1", null, t("notices")), h("p", null, t("noticesIntro")));
      const body = h("div", null, h("p", null, t("loading")));
      main.appendChild(body);
      function load() {
        return SP.content().then((cur) => {
          clearInterval(timer);
          timer = show(body, cur, load);
        }, (e) => {
          SP.clear(body).appendChild(h("p", { class: "fail", role: "alert" }, SP.errorText(e)));
        });
      }
      load();
      return () => clearInterval(timer);
    },
  });

  function show(body, cur, reload) {
    const c = cur.content, notices = c.notices || [];
    const activeH = h("h2", { id: "sp-active-h", tabindex: "-1" }, t("active"));
    const list = h("ul", { class: "list", "aria-labelledby": "sp-active-h", "data-notices": true });
    function names(ids, all, label) {
      return ids && ids.length ? ids.map(label).join(", ") : all;
    }
    // The list is redrawn every 30 s: times left count down, expired notices drop out.
    function draw() {
      const now = Date.now();
      SP.clear(list);
      notices.forEach((n) => {
        const exp = Date.parse(n.expires_at);
        if (!(exp > now)) return;
        const msg = SP.text(n.message);
        list.appendChild(h("li", { "data-id": n.id },
          h("span", { class: "what" }, msg,
            h("small", null, t("shownTo", names(n.partners, t("everyone"), (p) => {
              return (c.partners[p] || { name: p }).name;
            }), names(n.regions, t("everywhere"), String))),
            h("small", { "data-left": true }, t("expiresAt", SP.time(n.expires_at), left(exp - now)))),
          h("button", { type: "button", class: "small danger", "data-action": "withdraw", onclick() {
            withdraw(n);
          } }, t("withdraw"), h("span", { class: "vh" }, " " + msg))));
      });
      if (!list.firstChild) list.appendChild(h("li", { "data-empty": true }, t("noActive")));
    }
    function withdraw(n) {
      if (!confirm(t("withdrawQ", SP.text(n.message)))) return;
      const wbox = h("div");
      list.insertAdjacentElement("afterend", wbox);
      const send = (v) => {
        return SP.api("DELETE", "/v1/admin/notice?id=" + encodeURIComponent(n.id), { ifMatch: v });
      };
      (function attempt(v) {
        send(v).then((r) => {
          if (r.ok) {
            SP.status(t("withdrawn", r.json.version));
            return reload().then(() => {
              SP.focus(document.getElementById("sp-active-h"));
            });
          }
          if (r.status === 412)
            return SP.conflict(r.error, () => {
              return SP.content().then((nc) => {
                attempt(nc.version);
              });
            }, v);
          wbox.appendChild(h("p", { class: "fail", role: "alert" }, SP.errorText(r.error)));
        });
      })(cur.version);
    }

    // The form. Validation names a new notice by its index: it is appended.
    const P = "notices[" + notices.length + "].";
    const en = h("textarea", { name: "en", lang: "en", "data-field": P + "message.en", rows: "3" });
    const fr = h("textarea", { name: "fr", lang: "fr", "data-field": P + "message.fr", rows: "3" });
    const url = h("input", { type: "url", name: "url", "data-field": P + "url", autocomplete: "off" });
    function checks(name, legend, hint, items) {
      const hid = SP.id("hint");
      return h("fieldset", { "data-field": P + name, "aria-describedby": hid }, h("legend", null, legend), h("p", { class: "hint", id: hid }, hint),
        h("div", { class: "checks" }, items.map((it) => {
          const id = SP.id("c");
          return h("div", { class: "check" }, h("input", { type: "checkbox", id, name, value: it[0] }), h("label", { for: id }, it[1]));
        })));
    }
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    const when = h("input", { type: "datetime-local", name: "expires", step: "1", "data-field": P + "expires_at", required: true });
    const sent = h("p", { class: "hint", id: SP.id("hint"), "data-utc": true });
    const box = h("div");
    const form = h("form", { novalidate: true, "aria-labelledby": "sp-new-h", "data-notice-form": true },
      h("h2", { id: "sp-new-h" }, t("newNotice")),
      h("fieldset", null, h("legend", null, t("message")), SP.field(t("msgEn"), en), SP.field(t("msgFr"), fr, t("msgFrHint"))),
      SP.field(t("noticeUrl"), url, t("noticeUrlHint")),
      checks("partners", t("partners"), t("partnersHint"), SP.partners(c).map((p) => {
        return [p, c.partners[p].name + " (" + p + ")"];
      })),
      checks("regions", t("regions"), t("regionsHint"), Object.keys(c.regions || {}).sort().map((r) => {
        return [r, r];
      })),
      SP.field(t("expires"), when, t("expiresHint", zone, offset(new Date()))), sent,
      h("p", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-action": "preview" }, t("preview"))));
    when.setAttribute("aria-describedby", when.getAttribute("aria-describedby") + " " + sent.id);
    function showUTC() {
      const u = utc(when.value);
      sent.textContent = u ? t("expiresUTC", u) : "";
    }
    when.addEventListener("input", showUTC);
    when.addEventListener("change", showUTC);
    function checked(name) {
      return [].map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), (i) => {
        return i.value;
      });
    }
    const id = "n-" + Date.now().toString(36);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const n = { id, message: { en: en.value.trim() }, expires_at: utc(when.value) };
      if (fr.value.trim()) n.message.fr = fr.value.trim();
      if (url.value.trim()) n.url = url.value.trim();
      const ps = checked("partners"), rs = checked("regions");
      if (ps.length) n.partners = ps;
      if (rs.length) n.regions = rs;
      // Checked here too, in the operator's words: the API only knows "required".
      const errs = [];
      if (!n.message.en) errs.push({ field: P + "message.en", message: "required" });
      if (!n.expires_at) errs.push({ field: P + "expires_at", message: "required" });
      else if (Date.parse(n.expires_at) <= Date.now()) errs.push({ field: P + "expires_at", message: t("expiresPast") });
      if (errs.length) return SP.fieldErrors(form, { errors: errs });
      SP.save({
        form, box, version: cur.version, preview: { partner: ps[0], region: rs[0] },
        send(dry, v) {
          return SP.api("PUT", "/v1/admin/notice" + SP.q(dry), { body: n, ifMatch: v });
        },
        reread() {
          return SP.content().then((nc) => {
            cur = nc;
            return nc.version;
          });
        },
        done() {
          reload().then(() => {
            SP.focus(document.getElementById("sp-active-h"));
          });
        },
      });
    });
    SP.clear(body).append(activeH, list, form, box);
    SP.guard("notice", form);
    draw();
    return setInterval(draw, 30000);
  }
})();
