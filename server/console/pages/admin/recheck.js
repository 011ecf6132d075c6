// Re-check queue (#/recheck): the crisis lines whose check has lapsed, is overdue or is due
// within 30 days (GET /v1/admin/lines/due), soonest first, each with its verification record
// and a "Checked today" form: how it was checked (the service's own page, the service
// confirmed it, or other with a note), the source checked and a note. Recording publishes a
// version (POST /v1/admin/lines/{id}/checked, with the If-Match of the queue as read), then the
// queue is read again. A line whose facts changed is edited in the crisis lines view instead.
//
// To an operator who may read feedback (scope feedback:read), the queue shows what visitors
// reported of each line too (GET /v1/admin/lines/reports: counts by reason, distinct addresses
// in 24 hours, the latest comments, as text): a line flagged by reports from several addresses
// in a day comes first in the queue, due or not, marked in words with its count, so that it is
// re-checked ("Checked today") or its status switched (linestatus.js) from there. Lines
// reported but neither flagged nor due follow the queue in a section of their own.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("recheck");
  // Copy: the "console.recheck.*" keys of words/en.json and words/fr.json.
  // METHODS are the values of verified_how (snippets.VerifyMethods), each with its label.
  const METHODS = ["official_page", "service_confirmed", "other"];
  // REASONS are a report's reasons (feedback.ReportReasons), each with its label; DAYS the
  // window of reports read.
  const REASONS = { not_working: "reasonNotWorking", wrong_hours: "reasonWrongHours", other: "reasonOther" };
  const DAYS = 7;
  function reasonText(r) {
    return REASONS[r] ? t(REASONS[r]) : r;
  }
  function howText(m) {
    if (m === "official_page") return t("howOfficial");
    if (m === "service_confirmed") return t("howConfirmed");
    return m === "other" ? t("howOther") : m;
  }

  function render(main) {
    main.append(h("h1", null, t("title")), h("p", null, t("intro")));
    const box = h("div", null, h("p", null, t("loading")));
    main.appendChild(box);
    load(box);
  }

  // load(box, said, focusId): reads the queue (with the reports and the content when the
  // operator may read them) and shows it. said: the outcome of a check or a status just
  // recorded ({text, version}), shown above the queue, which takes the focus (the form that had
  // it is gone); focusId: a line whose status form was left, whose status button takes it.
  function load(box, said, focusId) {
    const rq = SP.can("feedback:read") ? SP.api("GET", "/v1/admin/lines/reports?days=" + DAYS) : null;
    const content = SP.content().catch(() => null);
    return Promise.all([SP.api("GET", "/v1/admin/lines/due"), rq, content]).then(([r, rep, cur]) => {
      if (!r.ok) {
        SP.clear(box).appendChild(h("p", { class: "fail", role: "alert" }, SP.errorText(r.error)));
        return;
      }
      show(box, r.json, r.etag, rep, cur);
      if (focusId) SP.focus(box.querySelector('[data-status-edit="' + CSS.escape(focusId) + '"]'));
      if (!said) return;
      const out = h("p", { class: said.version ? "ok" : "notice", "data-recorded": said.version || "" }, said.text);
      box.insertBefore(out, box.firstChild);
      SP.focus(out);
    });
  }

  // show(box, q, etag, rep, cur): the queue q as read (its ETag for the checks), the reports'
  // answer rep (null when the operator may not read them) and the content cur (null when
  // unread). Flagged lines come first, those not due made from their line in the content.
  function show(box, q, etag, rep, cur) {
    const due = q.lines || [], lines = (cur && cur.content.lines) || {};
    const byLine = {}, flagged = [];
    ((rep && rep.ok && rep.json.lines) || []).forEach((lr) => {
      byLine[lr.line] = lr;
    });
    Object.keys(byLine).forEach((id) => {
      if (!byLine[id].flagged) return;
      const d = due.find((x) => x.id === id), l = lines[id];
      if (d) flagged.push(d);
      else if (l) flagged.push(Object.assign({ id, state: "" }, l));
    });
    flagged.sort((a, b) => byLine[b.id].clients_24h - byLine[a.id].clients_24h || byLine[b.id].total - byLine[a.id].total);
    const queue = flagged.concat(due.filter((d) => flagged.indexOf(d) < 0));
    SP.clear(box).appendChild(h("p", { class: due.length ? "fail" : "ok", "data-due-count": due.length },
      due.length === 1 ? t("count1", q.due_within_days) : due.length ? t("countN", due.length, q.due_within_days) : t("count0", q.due_within_days)));
    if (flagged.length) {
      const fc = rep.json.flag_clients;
      box.appendChild(h("p", { class: "fail", "data-flagged-count": flagged.length },
        flagged.length === 1 ? t("flagged1", fc) : t("flaggedN", flagged.length, fc)));
    }
    queue.forEach((l) => {
      box.appendChild(item(box, l, etag, byLine[l.id], lines[l.id] && cur));
    });
    if (rep) box.appendChild(others(rep, queue));
  }

  // others(rep, queue): the section of the lines visitors reported that are not in the queue,
  // or why there is none.
  function others(rep, queue) {
    const hid = SP.id("rr");
    const sec = h("section", { "aria-labelledby": hid, "data-reports-other": true, class: "recheck" },
      h("h2", { id: hid }, t("otherTitle", DAYS)));
    if (!rep.ok) {
      sec.appendChild(h("p", { class: "notice" }, SP.errorText(rep.error)));
      return sec;
    }
    const rest = (rep.json.lines || []).filter((lr) => !queue.some((l) => l.id === lr.line));
    if (!rest.length) {
      sec.appendChild(h("p", null, rep.json.lines && rep.json.lines.length ? t("otherNone") : t("reportsNone", DAYS)));
      return sec;
    }
    sec.appendChild(h("p", null, t("otherIntro")));
    rest.forEach((lr) => {
      const lid = SP.id("rl");
      sec.appendChild(h("section", { "aria-labelledby": lid, "data-reported-line": lr.line },
        h("h3", { id: lid }, lr.name || lr.line, " ", h("small", null, lr.line)),
        reports(lr, null)));
    });
    return sec;
  }

  // reports(lr, level): what visitors reported of a line, under a heading of that level (none
  // when null: the section's heading says it); its comments under the level below. Counts and
  // flags are said in words; comments are text.
  function reports(lr, level) {
    const sub = level ? level + 1 : 4, cid = SP.id("rc");
    const comments = lr.comments || [];
    return h("div", { class: "reports", "data-reports": lr.line, "data-flagged": lr.flagged ? String(lr.clients_24h) : null },
      level ? h("h" + level, null, t("reportsTitle", DAYS)) : null,
      h("p", null, lr.total === 1 ? t("total1") : t("totalN", lr.total), " ",
        lr.clients_24h === 1 ? t("clients1") : lr.clients_24h ? t("clientsN", lr.clients_24h) : t("clients0")),
      h("ul", { class: "reasons" }, Object.keys(REASONS).map((r) => {
        return h("li", { "data-reason": r }, t("reasonCount", reasonText(r), (lr.reasons || {})[r] || 0));
      })),
      h("h" + sub, { id: cid }, t("commentsTitle")),
      comments.length
        ? h("ul", { class: "comments", "aria-labelledby": cid }, comments.map((c) => {
          return h("li", { "data-report-comment": c.id },
            h("p", { class: "said" }, c.comment),
            h("p", { class: "hint" }, h("time", { datetime: c.received_at }, SP.time(c.received_at)), " · ", reasonText(c.reason), " · ",
              t("commentFrom", c.partner, c.page), c.region ? " · " + c.region : ""));
        }))
        : h("p", null, t("noComments")));
  }

  // when(l): where the line stands, in words (never by colour alone).
  function when(l) {
    if (!l.state) return t("notDue", l.verified_on);
    if (l.state === "lapsed") return t("lapsed", l.verified_on);
    if (l.state === "overdue") return l.days === 0 ? t("dueToday") : t("overdue", l.due, -l.days);
    return l.days === 1 ? t("due1", l.due) : t("dueN", l.due, l.days);
  }

  function record(l) {
    const rows = [
      [t("lastChecked"), h("time", { datetime: l.verified_on }, l.verified_on)],
      [t("how"), l.verified_how ? howText(l.verified_how) : t("unknown")],
      l.verified_note ? [t("note"), l.verified_note] : null,
      [t("by"), l.verified_by || t("unknown")],
      [t("source"), l.source ? h("a", { href: l.source, rel: "noopener noreferrer", target: "_blank" }, l.source) : t("unknown")],
    ];
    return h("dl", { class: "record" }, rows.filter(Boolean).map((r) => {
      return [h("dt", null, r[0]), h("dd", null, r[1])];
    }));
  }

  // item(box, l, etag, lr, cur): one line of the queue with its record, its reports lr (when
  // any were read), the "Checked today" form and, with the content cur, its status and the
  // button that switches it.
  function item(box, l, etag, lr, cur) {
    const hid = SP.id("rq"), p = "lines." + l.id + ".", name = SP.text(l.name);
    const how = h("select", { name: "how", "data-field": p + "verified_how" },
      h("option", { value: "" }, t("howPick")),
      METHODS.map((m) => {
        return h("option", { value: m }, howText(m));
      }));
    const src = h("input", { type: "url", name: "source", value: l.source || "", "data-field": p + "source", autocomplete: "off", spellcheck: "false" });
    const note = h("input", { type: "text", name: "note", "data-field": p + "verified_note", autocomplete: "off", maxlength: "200" });
    const btn = h("button", { type: "submit", class: "primary", "data-action": "checked" }, t("checkedToday"), h("span", { class: "vh" }, " " + name));
    const form = h("form", { novalidate: true, "aria-label": t("formLabel", name), "data-check-form": l.id },
      SP.field(t("fHow"), how),
      SP.field(t("fSource"), src, t("fSourceHint")),
      SP.field(t("fNote"), note, t("fNoteHint")),
      h("p", { class: "actions" }, btn));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      SP.clearErrors(form);
      if (!how.value) {
        SP.fieldErrors(form, { field: p + "verified_how", message: t("howRequired") });
        return;
      }
      const body = { how: how.value, source: src.value.trim() };
      if (note.value.trim()) body.note = note.value.trim();
      btn.disabled = true;
      SP.api("POST", "/v1/admin/lines/" + encodeURIComponent(l.id) + "/checked", { body, ifMatch: etag }).then((r) => {
        btn.disabled = false;
        if (r.status === 412) {
          // Someone published since the queue was read: read it again, the form with it.
          load(box, { text: t("stale") });
          return;
        }
        if (!r.ok) {
          SP.fieldErrors(form, r.error);
          return;
        }
        load(box, { text: t("recorded", name, r.json.version), version: r.json.version });
      });
    });
    let status = null;
    if (cur) {
      const sbtn = h("button", { type: "button", class: "small", "data-status-edit": l.id, onclick() {
        SP.statusForm(box, cur, l.id, (said) => {
          load(box, said, said ? null : l.id);
        });
      } }, t("statusButton"), h("span", { class: "vh" }, " " + name));
      status = h("p", { class: "actions" }, h("span", { "data-line-status": cur.content.lines[l.id].status || "active" },
        t("statusNow", SP.statusText(cur.content.lines[l.id]) || t("statusActive"))), sbtn);
    }
    return h("section", { "aria-labelledby": hid, "data-due-line": l.id, "data-state": l.state || "current", class: lr && lr.flagged ? "recheck flagged" : "recheck" },
      h("h2", { id: hid }, name, " ", h("small", null, l.id)),
      lr && lr.flagged ? h("p", { class: "fail" }, h("strong", { "data-flag": lr.clients_24h }, t("flagged", lr.clients_24h))) : null,
      h("p", { class: l.state === "due" || !l.state ? "notice" : "fail" }, h("strong", { "data-due-when": true }, when(l))),
      record(l),
      status,
      lr ? reports(lr, 3) : null,
      form);
  }

  SP.view("recheck", { label: "recheck.title", scopes: ["content"], render });
})();
