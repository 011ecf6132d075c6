// Re-check queue (#/recheck): the crisis lines whose check has lapsed, is overdue or is due
// within 30 days (GET /v1/admin/lines/due), soonest first, each with its verification record
// and a "Checked today" form: how it was checked (the service's own page, the service
// confirmed it, or other with a note), the source checked and a note. Recording publishes a
// version (POST /v1/admin/lines/{id}/checked, with the If-Match of the queue as read), then the
// queue is read again. A line whose facts changed is edited in the crisis lines view instead.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("recheck");
  // Copy: the "console.recheck.*" keys of words/en.json and words/fr.json.
  // METHODS are the values of verified_how (snippets.VerifyMethods), each with its label.
  const METHODS = ["official_page", "service_confirmed", "other"];
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

  // load(box, said): reads the queue and shows it. said: the outcome of a check just recorded
  // ({text, version}), shown above the queue, which takes the focus (the form that had it is
  // gone).
  function load(box, said) {
    return SP.api("GET", "/v1/admin/lines/due").then((r) => {
      if (!r.ok) {
        SP.clear(box).appendChild(h("p", { class: "fail", role: "alert" }, SP.errorText(r.error)));
        return;
      }
      show(box, r.json, r.etag);
      if (!said) return;
      const out = h("p", { class: said.version ? "ok" : "notice", "data-recorded": said.version || "" }, said.text);
      box.insertBefore(out, box.firstChild);
      SP.focus(out);
    });
  }

  function show(box, q, etag) {
    const lines = q.lines || [];
    SP.clear(box).appendChild(h("p", { class: lines.length ? "fail" : "ok", "data-due-count": lines.length },
      lines.length === 1 ? t("count1", q.due_within_days) : lines.length ? t("countN", lines.length, q.due_within_days) : t("count0", q.due_within_days)));
    lines.forEach((l) => {
      box.appendChild(item(box, l, etag));
    });
  }

  // when(l): where the line stands, in words (never by colour alone).
  function when(l) {
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

  function item(box, l, etag) {
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
    return h("section", { "aria-labelledby": hid, "data-due-line": l.id, "data-state": l.state, class: "recheck" },
      h("h2", { id: hid }, name, " ", h("small", null, l.id)),
      h("p", { class: l.state === "due" ? "notice" : "fail" }, h("strong", { "data-due-when": true }, when(l))),
      record(l),
      form);
  }

  SP.view("recheck", { label: "recheck.title", scopes: ["content"], render });
})();
