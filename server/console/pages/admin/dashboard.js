// Feedback dashboard (#/feedback, the first view of /admin/feedback): a filter, then the server's
// report of rates per partner and page (an HTML fragment rendered and escaped by the Go server:
// tables and SVG charts, no script), the triage queue of comments (crisis-flagged first, each
// markable as reviewed by the signed-in operator) and a CSV of exactly the filtered records. The
// filter lives in the address (#/feedback/<query>), so a view can be shared between operators.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("feedback");
  // FILTER are the query parameters every feedback route reads (one parser on the server).
  const FILTER = ["partner", "page", "from", "to", "found", "helpful", "crisis", "comment", "reviewed"];
  // Copy: the "console.feedback.*" keys of words/en.json and words/fr.json.

  // one(n): whether n takes the singular (French: 0 and 1; English: 1).
  function one(n) {
    return n === 1 || (n === 0 && SP.lang === "fr");
  }

  // day(d): YYYY-MM-DD of a Date, in UTC (the server's days are UTC days).
  function day(d) {
    return d.toISOString().slice(0, 10);
  }

  function render(main, params) {
    const q = new URLSearchParams(params[0] || "");
    if (!params[0]) {
      // A first visit shows the last 30 days rather than every record ever kept.
      q.set("from", day(new Date(Date.now() - 29 * 864e5)));
      q.set("to", day(new Date()));
    }
    let applied = null;
    const sel = (name, label, opts) => {
      return SP.field(label, h("select", { name, "data-field": name }, opts.map((o) => {
        return h("option", { value: o[0], selected: (q.get(name) || "") === o[0] }, t(o[1]));
      })));
    };
    const yn = [["", "any"], ["yes", "yes"], ["no", "no"]];
    const check = (name, label) => {
      const id = SP.id("fc");
      return h("div", { class: "check" }, h("input", { type: "checkbox", id, name, "data-field": name, checked: q.get(name) === "yes" }),
        h("label", { for: id }, t(label)));
    };
    const partner = h("select", { name: "partner", "data-field": "partner" }, h("option", { value: "" }, t("allPartners")));
    const fid = SP.id("ff");
    const form = h("form", { class: "filters", novalidate: true, "aria-labelledby": fid },
      h("h2", { id: fid }, t("filter")),
      h("div", { class: "row" },
        SP.field(t("fPartner"), partner),
        SP.field(t("fPage"), h("input", { type: "text", name: "page", "data-field": "page", value: q.get("page") || "", spellcheck: "false", autocomplete: "off" }), t("fPageHint")),
        SP.field(t("fFrom"), h("input", { type: "date", name: "from", "data-field": "from", "aria-describedby": fid + "-utc", value: q.get("from") || "" })),
        SP.field(t("fTo"), h("input", { type: "date", name: "to", "data-field": "to", "aria-describedby": fid + "-utc", value: q.get("to") || "" }))),
      h("p", { class: "hint", id: fid + "-utc", "data-utc": true }, t("utcNote")),
      h("div", { class: "row" }, sel("found", t("fFound"), yn), sel("helpful", t("fHelpful"), yn), sel("reviewed", t("fReviewed"), yn),
        sel("bucket", t("fBucket"), [["day", "day"], ["week", "week"]])),
      h("div", { class: "checks" }, check("crisis", "fCrisis"), check("comment", "fComment")),
      h("p", { class: "actions" },
        h("button", { type: "submit", class: "primary", "data-action": "apply" }, t("apply")),
        h("button", { type: "button", "data-action": "csv", "aria-describedby": fid + "-csv", onclick: csv }, t("csv")),
        h("span", { id: fid + "-csv", class: "hint" }, t("csvHint"))));
    const report = h("div", { class: "report", "data-report-box": true });
    const list = h("div", { "data-comments": true });
    const cid = SP.id("fm");
    main.appendChild(h("h1", null, t("feedback")));
    main.appendChild(form);
    // The triage queue first: a crisis-flagged comment must not wait below the charts.
    main.appendChild(h("section", { "aria-labelledby": cid }, h("h2", { id: cid }, t("comments")), list));
    main.appendChild(report);

    // Partners for the select: from the content where the token may read it (an operator
    // limited to some partners reads only theirs there), else their own partners, else from the
    // feedback itself (a feedback:read token sees the partners that have answers).
    const mine = SP.limited();
    const known = SP.can("content", "notice")
      ? SP.content().then((c) => {
        return SP.partners(c.content).map((p) => {
          return [p, c.content.partners[p].name + " (" + p + ")"];
        });
      })
      : mine ? Promise.resolve(mine.map((p) => {
        return [p, p];
      })) : SP.api("GET", "/v1/admin/feedback/stats").then((r) => {
        const seen = {};
        ((r.json && r.json.rows) || []).forEach((x) => {
          seen[x.partner] = 1;
        });
        return Object.keys(seen).sort().map((p) => {
          return [p, p];
        });
      });
    known.catch(() => {
      return [];
    }).then((ps) => {
      const want = q.get("partner") || "";
      if (want && !ps.some((p) => {
        return p[0] === want;
      })) ps.push([want, want]);
      ps.forEach((p) => {
        partner.appendChild(h("option", { value: p[0], selected: p[0] === want }, p[1]));
      });
      apply();
    });

    // filterOf(form): the filter query (without bucket and lang).
    function filterOf() {
      const f = new URLSearchParams(), el = form.elements;
      FILTER.forEach((k) => {
        const v = el[k].type === "checkbox" ? (el[k].checked ? "yes" : "") : el[k].value.trim();
        if (v) f.set(k, v);
      });
      return f;
    }

    function apply(e) {
      if (e) e.preventDefault();
      SP.clearErrors(form);
      const f = filterOf(), b = form.elements.bucket.value;
      const share = new URLSearchParams(f);
      share.set("bucket", b);
      try {
        history.replaceState(null, "", "#/feedback/" + encodeURIComponent(share.toString()));
      } catch (err) {}
      document.querySelectorAll("[data-lang-link]").forEach((a) => {
        a.href = a.href.replace(/#.*$/, "") + location.hash;
      });
      const rep = SP.api("GET", "/v1/admin/feedback/report?" + f + (f.toString() ? "&" : "") + "bucket=" + b + "&lang=" + SP.lang, { accept: "text/html" });
      const com = SP.api("GET", "/v1/admin/feedback/comments?" + f + (f.toString() ? "&" : "") + "limit=200");
      return Promise.all([rep, com]).then((rs) => {
        const bad = rs.filter((r) => {
          return !r.ok;
        })[0];
        if (bad) {
          applied = null;
          SP.fieldErrors(form, bad.error);
          return;
        }
        applied = f;
        fragment(report, rs[0].text);
        comments(list, rs[1].json);
        if (e) SP.status(t(one(rs[1].json.total) ? "updated1" : "updated", rs[1].json.total));
      });
    }
    form.addEventListener("submit", apply);

    // csv fetches the export of the applied filter with the token (a plain link could not send
    // it) and saves it through a Blob URL.
    function csv(e) {
      const btn = e.currentTarget;
      if (!applied) return;
      btn.disabled = true;
      SP.api("GET", "/v1/admin/feedback?format=csv" + (applied.toString() ? "&" + applied : ""), { accept: "text/csv" }).then((r) => {
        btn.disabled = false;
        if (!r.ok) return SP.fieldErrors(form, { message: t("notDone") + SP.message(r.error) });
        const name = "feedback-" + day(new Date()) + ".csv";
        const url = URL.createObjectURL(new Blob([r.text], { type: "text/csv;charset=utf-8" }));
        const a = h("a", { href: url, download: name, class: "vh", tabindex: "-1" }, name);
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => {
          URL.revokeObjectURL(url);
        }, 60000);
        const n = rows(r.text) - 1;
        SP.status(t(one(n) ? "downloaded1" : "downloaded", name, n));
      });
    }
  }

  // fragment(box, html): the report, parsed inertly (DOMParser runs no script and loads nothing)
  // and moved in. The server escapes every value; script, style and event attributes are dropped
  // all the same, so that nothing in it could run under a weaker policy either.
  function fragment(box, html) {
    const d = new DOMParser().parseFromString(html, "text/html");
    d.querySelectorAll("script,style,iframe,object,embed,link,meta,base,form").forEach((n) => {
      n.remove();
    });
    d.querySelectorAll("*").forEach((n) => {
      [].slice.call(n.attributes).forEach((a) => {
        if (/^on|^style$/i.test(a.name) || /^\s*javascript:/i.test(a.value)) n.removeAttribute(a.name);
      });
    });
    // A table wider than the page scrolls in its box: the box takes the keyboard focus (to
    // scroll it) and is named by the table's caption.
    d.querySelectorAll(".sp-report-scroll").forEach((n) => {
      const c = n.querySelector("caption");
      n.setAttribute("tabindex", "0");
      n.setAttribute("role", "region");
      if (c) n.setAttribute("aria-label", c.textContent);
    });
    SP.clear(box);
    [].slice.call(d.body.childNodes).forEach((n) => {
      box.appendChild(document.adoptNode(n));
    });
  }

  // rows(csv): how many records a CSV holds with its header (line breaks inside quotes are
  // part of a field).
  function rows(s) {
    let n = 0, q = false;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '"') q = !q;
      else if (s[i] === "\n" && !q) n++;
    }
    return n;
  }

  // utcDay(iso): the UTC day of a time, the day the filter counts it in.
  function utcDay(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "" : day(d);
  }

  function answer(v) {
    return v === true ? t("yes") : v === false ? t("no") : t("unanswered");
  }

  function lineItems(ls) {
    return ls.map((l) => {
      const how = [];
      if (l.call) how.push(t("call", l.call));
      if (l.text) how.push(l.keyword ? t("textKw", l.keyword, l.text) : t("text", l.text));
      return h("li", null, h("strong", null, l.name), how.length ? " – " + how.join(", ") : "",
        l.chat_url ? [" – ", h("a", { href: l.chat_url, rel: "noopener noreferrer", target: "_blank" }, t("chat"), h("span", { class: "vh" }, " – " + l.name))] : null);
    });
  }

  function comments(box, j) {
    const cs = (j && j.comments) || [];
    SP.clear(box);
    box.appendChild(h("p", { "data-total": j.total }, j.total === 1 ? t("commentsN1", j.total) : j.total ? t("commentsN", j.total) : t("comments0"),
      j.total > cs.length ? [" ", t("commentsMore", cs.length)] : null));
    if (!cs.length) return;
    box.appendChild(h("ol", { class: "triage" }, cs.map((c) => {
      const tid = SP.id("ct");
      const state = h("div", { class: "state" });
      function reviewed(by, at) {
        SP.clear(state).appendChild(h("p", { class: "ok", tabindex: "-1", "data-reviewed-by": by }, t("reviewedBy", by, SP.time(at))));
        return state.firstChild;
      }
      if (c.reviewed_by) reviewed(c.reviewed_by, c.reviewed_at);
      else
        state.appendChild(h("button", { type: "button", class: "small", "aria-describedby": tid, "data-review": c.id, onclick(e) {
          const btn = e.currentTarget;
          btn.disabled = true;
          SP.api("POST", "/v1/admin/feedback/" + encodeURIComponent(c.id) + "/review").then((r) => {
            if (!r.ok) {
              btn.disabled = false;
              const m = state.querySelector(".err") || state.appendChild(h("p", { class: "err", role: "alert" }));
              m.textContent = t("notDone") + SP.message(r.error);
              return;
            }
            const msg = t("reviewedBy", r.json.reviewed_by, SP.time(r.json.reviewed_at));
            reviewed(r.json.reviewed_by, r.json.reviewed_at).focus();
            SP.status(msg);
          });
        } }, t("markReviewed"), h("span", { class: "vh" }, " – " + SP.time(c.received_at))));
      return h("li", { class: c.crisis ? "crisis" : null, "data-id": c.id, "data-crisis": c.crisis ? "yes" : "no" },
        h("div", { class: "said" },
          c.crisis ? h("p", { class: "flag" }, h("strong", null, t("crisisFlag"))) : null,
          h("p", { class: "meta" }, t("meta", SP.time(c.received_at), utcDay(c.received_at), c.partner, c.page), " · ", t("foundA", answer(c.found)), " · ",
            t("helpfulA", answer(c.helpful))),
          h("blockquote", { id: tid, lang: c.locale || null }, h("p", null, c.comment || "")),
          state),
        c.crisis && c.lines && c.lines.length
          ? h("div", { class: "lines" }, h("h3", null, t("linesFor")), h("ul", null, lineItems(c.lines)))
          : null);
    })));
  }

  // partners: an operator limited to some partners reads theirs (the edge filters every route).
  SP.view("feedback", { label: "feedback.feedback", scopes: ["feedback:read"], partners: true, render });
})();
