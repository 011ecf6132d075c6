// A crisis line's status (from the crisis lines view, lines.js): active, degraded with a short
// message giving the alternate way in ("Calls are failing. Text 988 instead.") in English and
// French and an optional end, or retired (never shown; a region still listing it is refused).
// Switching publishes a version at once (PUT /v1/admin/lines/{id}/status, with the If-Match of
// the content as read): in an outage there is no time for a review, and the edge checks the
// message as it checks every text visitors read (its numbers included), errors beside their
// fields.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("status");
  // Copy: the "console.status.*" keys of words/en.json and words/fr.json.
  // STATUSES are the values of a line's status (snippets.LineStatuses).
  const STATUSES = ["active", "degraded", "retired"];

  // SP.statusText(l): the line's status in words for the lines table ("" when active).
  SP.statusText = (l) => {
    if (l.status === "retired") return t("retiredNow");
    if (l.status !== "degraded") return "";
    const msg = SP.text(l.status_message);
    return l.status_until ? t("degradedUntil", l.status_until, msg) : t("degradedNow", msg);
  };

  // untilValue(s): an RFC 3339 time as a datetime-local value in the browser's zone.
  function untilValue(s) {
    const d = new Date(s || "");
    if (isNaN(d)) return "";
    return new Date(d.getTime() - d.getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
  }

  // SP.statusForm(box, cur, id, done): the form switching line id's status; done(said) goes
  // back to the list with the outcome ({text, version}), or without one when abandoned.
  SP.statusForm = (box, cur, id, done) => {
    const l = cur.content.lines[id], p = "lines." + id + ".", name = SP.text(l.name), hid = SP.id("st");
    const radios = STATUSES.map((s) => {
      const r = h("input", { type: "radio", name: "status", value: s, id: SP.id("sr") });
      r.checked = (l.status || "active") === s;
      return h("div", { class: "opt" }, r, h("label", { for: r.id }, t(s)), h("p", { class: "hint", id: r.id + "-hint" }, t(s + "Hint")));
    });
    radios.forEach((d) => {
      d.firstChild.setAttribute("aria-describedby", d.firstChild.id + "-hint");
    });
    const msgs = ["en", "fr"].map((lang) => {
      const ta = h("textarea", { name: "message-" + lang, lang, rows: "2", maxlength: "160", "data-field": p + "status_message." + lang });
      ta.value = (l.status_message || {})[lang] || "";
      return ta;
    });
    const until = h("input", { type: "datetime-local", name: "until", value: untilValue(l.status_until), "data-field": p + "status_until" });
    const degraded = h("fieldset", { "data-field": p + "status_message" }, h("legend", null, t("fMessage")),
      h("p", { class: "hint" }, t("fMessageHint")),
      msgs.map((ta) => {
        return SP.field(t(ta.lang), ta);
      }),
      SP.field(t("fUntil"), until, t("fUntilHint")));
    const btn = h("button", { type: "submit", class: "primary", "data-action": "set-status" }, t("save"));
    const back = h("button", { type: "button", "data-action": "back", onclick() {
      done();
    } }, t("back"));
    const form = h("form", { novalidate: true, "aria-labelledby": hid, "data-status-form": id },
      h("h2", { id: hid, tabindex: "-1" }, t("title", name)),
      h("p", null, t("intro")),
      h("fieldset", { "data-field": p + "status" }, h("legend", null, t("fStatus")), radios),
      degraded,
      h("p", { class: "actions" }, btn, " ", back));
    const chosen = () => form.querySelector("input[name=status]:checked").value;
    const show = () => {
      degraded.hidden = chosen() !== "degraded";
    };
    form.addEventListener("change", show);
    show();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      SP.clearErrors(form);
      const body = { status: chosen() };
      if (body.status === "degraded") {
        body.message = {};
        msgs.forEach((ta) => {
          if (ta.value.trim()) body.message[ta.lang] = ta.value.trim();
        });
        const d = new Date(until.value);
        if (until.value && !isNaN(d)) body.until = d.toISOString().replace(/\.\d+Z$/, "Z");
      }
      btn.disabled = true;
      SP.api("PUT", "/v1/admin/lines/" + encodeURIComponent(id) + "/status", { body, ifMatch: cur.etag }).then((r) => {
        btn.disabled = false;
        if (r.status === 412) {
          done({ text: t("stale") });
          return;
        }
        if (!r.ok) {
          // The API's own refusals name the body's fields: shown beside the form's.
          const err = r.error || {};
          if (err.field === "until") err.field = p + "status_until";
          if (err.field === "message") err.field = p + "status_message";
          SP.fieldErrors(form, err);
          return;
        }
        done({ text: t("saved", name, t(body.status), r.json.version), version: r.json.version });
      });
    });
    SP.clear(box).appendChild(form);
    SP.focus(form.querySelector("h2"));
  };
})();
