// Crisis lines (#/lines): every region's lines in order, with where each fact comes from and when
// it was last checked, and its hours; lines due for a re-check (within 30 days of their next
// check, or past it: the Re-check queue, recheck.js) are marked and counted. The line form
// edits every field of a line (hours as data: 24/7 or weekly hours in the
// line's zone with dated exceptions; languages on request; interpreters; accessible ways in)
// and keeps those it does not know (lineBody). An edit is reviewed first (a dry run: the diff of
// the document and the real widget built from it) and only then saved, with the If-Match of the
// version the operator was looking at. A line's status (active, degraded, retired) is marked in
// the list and switched on its own form (linestatus.js), published at once.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("lines");
  // A line is due for a re-check DUE_WITHIN before its next check: next_check, else
  // CHECK_MONTHS after verified_on (snippets' verify.go, whose warnings these are).
  const CHECK_MONTHS = 12, DUE_WITHIN = 30 * 864e5;
  // TEXTS are the line's bilingual fields.
  const TEXTS = ["name", "call_hint", "hours", "audience"];
  // Copy: the "console.lines.*" keys of words/en.json and words/fr.json.
  // NUMBERS are the fields that reach a line: changing one without a new verified date needs the
  // operator to say they checked it.
  const NUMBERS = ["call", "call_tel", "text", "keyword", "chat_url"];
  // OWNED are the keys of a line (snippets.Line's JSON) the form shows and edits. PUT
  // /v1/admin/lines/{id} removes every field its body leaves out, so lineBody carries every other
  // key of the line as the content has it: a field the form does not know is kept, not deleted.
  const OWNED = ["name", "country", "call", "call_tel", "call_hint", "text", "keyword", "chat_url", "hours", "schedule", "audience",
    "languages", "languages_on_request", "interpreters", "access", "source", "verified_on"];
  // LISTS are the lists of codes edited as one text box ("cr, oj, iu"); a 422 on one item
  // ("languages[1]") is shown beside the box.
  const LISTS = ["languages", "languages_on_request"];
  // ALWAYS is the schedule of a line open at every hour, as the content writes it.
  const ALWAYS = "24/7";

  // stale(l): whether line l is due for a re-check (a line without a readable date is).
  function stale(l) {
    let next = Date.parse((l.next_check || "") + "T00:00:00Z");
    if (isNaN(next)) {
      const d = new Date(l.verified_on + "T00:00:00Z");
      d.setUTCMonth(d.getUTCMonth() + CHECK_MONTHS);
      next = d.getTime();
    }
    return !(next - Date.now() > DUE_WITHIN);
  }

  // regionsOf(content): region code -> line ids, and line id -> the regions listing it.
  function listing(c) {
    const by = {};
    Object.keys(c.regions || {}).sort().forEach((r) => {
      (c.regions[r].lines || []).forEach((id) => {
        (by[id] = by[id] || []).push(r);
      });
    });
    return by;
  }

  function numbers(l) {
    const out = [];
    if (l.call) out.push(h("li", null, t("call", l.call), l.call_hint && SP.text(l.call_hint) ? " (" + SP.text(l.call_hint) + ")" : ""));
    if (l.text) out.push(h("li", null, l.keyword ? t("textKw", l.keyword, l.text) : t("text", l.text)));
    if (l.chat_url) out.push(h("li", null, t("chat"), " ", h("a", { href: l.chat_url, rel: "noopener noreferrer", target: "_blank" }, l.chat_url)));
    return h("ul", { class: "plain" }, out);
  }

  // hours(l): the line's hours as the list shows them: "24/7", or its weekly entries, zone and
  // exceptions; then its note.
  function hours(l) {
    const s = l.schedule, note = SP.text(l.hours), out = [];
    if (s === ALWAYS) out.push(h("li", { "data-hours": "always" }, t("always")));
    else if (s) {
      (s.weekly || []).forEach((w) => {
        out.push(h("li", { "data-hours": "weekly" }, w));
      });
      if (s.zone) out.push(h("li", { "data-hours": "zone" }, t("inZone", s.zone)));
      if ((s.except || []).length) out.push(h("li", { "data-hours": "except" }, t("except", s.except.join("; "))));
    }
    if (note) out.push(h("li", { "data-hours": "note" }, note));
    return h("ul", { class: "plain" }, out);
  }

  function render(main, params) {
    const box = h("div", null, h("p", null, t("loading")));
    main.appendChild(h("h1", null, t("lines")));
    main.appendChild(box);
    SP.content().then((cur) => {
      if (params[0] && cur.content.lines[params[0]]) editForm(box, cur, params[0]);
      else list(box, cur);
    }, (e) => {
      SP.clear(box).appendChild(h("p", { class: "fail" }, SP.errorText(e)));
    });
  }

  function list(box, cur, focusId) {
    const c = cur.content, lines = c.lines || {}, by = listing(c);
    const ids = Object.keys(lines).sort(), old = ids.filter((id) => {
      return stale(lines[id]);
    });
    SP.clear(box);
    box.appendChild(h("p", null, t("linesIntro")));
    box.appendChild(h("p", { class: old.length ? "fail" : "ok", "data-stale-count": old.length },
      old.length === 1 ? t("stale1") : old.length ? t("staleN", old.length) : t("stale0")));
    let focus = null;
    const add = h("button", { type: "button", "data-action": "new-line", onclick() {
      editForm(box, cur, null);
    } }, t("newLine"));
    box.appendChild(h("p", { class: "actions" }, add));
    if (focusId === "+new") focus = add;
    function table(code, which, caption) {
      const hid = SP.id("lr");
      const rows = which.map((id, i) => {
        const l = lines[id];
        if (!l) return null;
        const lineStale = stale(l);
        const btn = h("button", { type: "button", class: "small", "data-edit": id, onclick() {
          editForm(box, cur, id);
        } }, t("edit"), h("span", { class: "vh" }, " " + SP.text(l.name)));
        // A line's status is switched on its own: published at once, in an outage.
        const sbtn = h("button", { type: "button", class: "small", "data-status-edit": id, onclick() {
          SP.statusForm(box, cur, id, (said) => {
            SP.content().then((now) => {
              list(box, now, said ? null : id);
              if (!said) return;
              const out = h("p", { class: said.version ? "ok" : "notice", "data-status-saved": said.version || "" }, said.text);
              box.insertBefore(out, box.firstChild);
              SP.focus(out);
            });
          });
        } }, t("statusButton"), h("span", { class: "vh" }, " " + SP.text(l.name)));
        if (id === focusId && !focus) focus = btn;
        return h("tr", { "data-line": id, class: lineStale ? "stale" : null },
          h("td", null, String(i + 1)),
          h("th", { scope: "row" }, SP.text(l.name), h("small", null, id),
            SP.statusText(l) ? h("strong", { class: "flag", "data-line-status": l.status }, SP.statusText(l)) : null),
          h("td", null, numbers(l)),
          h("td", null, hours(l)),
          h("td", null, l.source ? h("a", { href: l.source, rel: "noopener noreferrer", target: "_blank" }, l.source) : ""),
          h("td", null, h("time", { datetime: l.verified_on }, l.verified_on),
            lineStale ? [" ", h("strong", { class: "flag", "data-stale": true }, t("needsCheck"))] : null),
          h("td", null, btn, " ", sbtn));
      });
      const order = code ? h("button", { type: "button", class: "small", "data-order": code, onclick() {
        regionOrder(box, cur, code);
      } }, t("order"), h("span", { class: "vh" }, " (" + t("region", code) + ")")) : null;
      if (code && focusId === "@" + code) focus = order;
      return h("section", { "aria-labelledby": hid, "data-region": code || "" },
        h("h2", { id: hid }, code ? t("region", code) : t("unlisted")),
        order ? h("p", { class: "actions" }, order) : null,
        h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": caption }, h("table", { class: "data lines" },
          h("caption", null, caption),
          h("thead", null, h("tr", null, ["colPos", "colLine", "colNumbers", "colHours", "colSource", "colVerified", "colEdit"].map((k) => {
            return h("th", { scope: "col" }, t(k));
          }))),
          h("tbody", null, rows))));
    }
    Object.keys(c.regions || {}).sort().forEach((code) => {
      box.appendChild(table(code, c.regions[code].lines || [], t("regionCap", code)));
    });
    const loose = ids.filter((id) => {
      return !by[id];
    });
    if (loose.length) box.appendChild(table("", loose, t("unlistedCap")));
    if (focus) focus.focus();
  }

  // sentenceBox: the banner sentence of region code, in English and French boxes named by their
  // content path ("regions.CA.message.en", where a 422 puts its errors), filled with message.
  function sentenceBox(code, message, hint) {
    const f = "regions." + code + ".message";
    return h("fieldset", { "data-field": f, "data-region-msg": code }, h("legend", null, t("fRegionMsg", code)), h("p", { class: "hint" }, hint),
      ["en", "fr"].map((l) => {
        const ta = h("textarea", { name: f + "." + l, lang: l, rows: "3", "data-field": f + "." + l });
        ta.value = (message || {})[l] || "";
        return SP.field(t(l), ta);
      }));
  }
  // sentenceOf(box): what a sentenceBox says, as the API takes it (an empty language left out).
  function sentenceOf(box) {
    const o = {};
    ["en", "fr"].forEach((l) => {
      const x = box.querySelector("textarea[lang=" + l + "]").value.trim();
      if (x) o[l] = x;
    });
    return o;
  }

  // regionOrder: the lines region code lists, in order, edited with the keyboard-operable list
  // the featured resources use; reviewed (diff and the real widget for the region) before it is
  // published with If-Match.
  function regionOrder(box, cur, code) {
    let c = cur.content, lines = c.lines || {};
    let saved = ((c.regions[code] || {}).lines || []).slice(), order = saved.slice();
    const hid = SP.id("ro");
    const ol = h("ol", { class: "list", "aria-labelledby": hid, "data-region-order": code, "data-field": "regions." + code + ".lines" });
    const addSel = h("select", { id: SP.id("ra"), "data-keep": true }), addBtn = h("button", { type: "button", "data-action": "add" }, t("addButton"));
    const addBox = h("div", { class: "actions" }), dirty = h("div"), rbox = h("div");
    // The banner sentence is edited with the list: a line taken out and the sentence naming its
    // number are published together.
    let said = (c.regions[code] || {}).message || {};
    const sentence = sentenceBox(code, said, t("orderMsgHint"));
    const form = h("form", { novalidate: true, "aria-labelledby": hid, "data-order-form": code },
      h("h2", { id: hid, tabindex: "-1" }, t("orderTitle", code)), h("p", null, t("orderIntro")), ol, addBox, sentence, dirty);
    function sentenceChanged() {
      const o = sentenceOf(sentence);
      return ["en", "fr"].some((l) => {
        return (o[l] || "") !== (said[l] || "");
      });
    }
    sentence.addEventListener("input", () => {
      SP.stale(form, true);
      draw();
    });
    const back = h("button", { type: "button", "data-action": "back", onclick() {
      if (changed() && !confirm(t("discardQ"))) return;
      list(box, cur, "@" + code);
    } }, t("back"));
    SP.clear(box).append(form, rbox, h("p", { class: "actions" }, back));
    function changed() {
      return order.join() !== saved.join() || sentenceChanged();
    }
    SP.guard("lineOrder", () => {
      return form.isConnected && changed();
    });
    const draw = SP.orderList({
      list: ol, addBox, addSel, addBtn, dirty, form, fallback: back, t,
      order() {
        return order;
      },
      title(id) {
        return lines[id] ? SP.text(lines[id].name) : id;
      },
      detail(id) {
        const l = lines[id] || {};
        return [id, l.call, l.text].filter(Boolean).join(" · ");
      },
      rest() {
        return Object.keys(lines).sort().filter((id) => {
          return order.indexOf(id) < 0;
        }).map((id) => {
          return [id, SP.text(lines[id].name) + " (" + id + ")"];
        });
      },
      changed,
      review,
      discard() {
        order = saved.slice();
        sentence.querySelectorAll("textarea").forEach((ta) => {
          ta.value = said[ta.lang] || "";
        });
        SP.clear(rbox);
      },
    });
    function review() {
      const snapshot = order.slice(), body = { lines: snapshot };
      if (sentenceChanged()) body.message = sentenceOf(sentence);
      SP.save({
        form, box: rbox, version: cur.version,
        preview: { partner: partnerFor(c, code), locale: SP.lang, region: code },
        send(dry, v) {
          return SP.api("PUT", "/v1/admin/regions/" + encodeURIComponent(code) + "/lines" + SP.q(dry), { body, ifMatch: v });
        },
        // On a conflict the operator's list is re-applied on top of the newer content.
        reread() {
          return SP.content().then((n) => {
            cur = n;
            c = n.content;
            lines = c.lines || {};
            saved = ((c.regions[code] || {}).lines || []).slice();
            said = (c.regions[code] || {}).message || {};
            draw();
            return n.version;
          });
        },
        done(r) {
          saved = snapshot;
          SP.content().then((n) => {
            list(box, n, "@" + code);
            box.insertBefore(h("p", { class: "ok", "data-saved": r.json.version }, t("saved", r.json.version)), box.firstChild);
          });
        },
      });
    }
    draw();
    SP.focus(form.querySelector("h2"));
  }

  // lineBody(form, line): the line as PUT /v1/admin/lines/{id} takes it (snippets.Line's JSON):
  // the fields the form owns (OWNED) as the form says them, every other key as line (the line as
  // the content has it now; none for a new line) says it.
  function lineBody(form, line) {
    const v = (n) => {
      return form.elements[n].value.trim();
    };
    const b = {};
    Object.keys(line || {}).forEach((k) => {
      if (OWNED.indexOf(k) < 0 && line[k] !== null && line[k] !== undefined) b[k] = line[k];
    });
    // A new verified date is a new check: the old check's record (how, its note, the next
    // check's date) does not describe it, who made it does. How is recorded from the Re-check
    // queue ("Checked today").
    if (!line || v("verified_on") !== line.verified_on) {
      ["verified_how", "verified_note", "next_check"].forEach((k) => {
        delete b[k];
      });
      if (SP.me) b.verified_by = SP.me.name;
    }
    TEXTS.forEach((k) => {
      const o = {};
      ["en", "fr"].forEach((l) => {
        if (v(k + "." + l)) o[l] = v(k + "." + l);
      });
      if (Object.keys(o).length) b[k] = o;
    });
    ["country", "call", "call_tel", "text", "keyword", "chat_url", "source", "verified_on"].forEach((k) => {
      if (v(k)) b[k] = v(k);
    });
    LISTS.forEach((k) => {
      const codes = v(k).split(/[\s,]+/).filter(Boolean);
      if (codes.length) b[k] = codes;
    });
    if (form.elements.interpreters.checked) b.interpreters = true;
    const access = [].filter.call(form.querySelectorAll("input[name=access]"), (c) => {
      return c.checked;
    }).map((c) => {
      return c.value;
    });
    if (access.length) b.access = access;
    const sched = scheduleOf(form);
    if (sched) b.schedule = sched;
    // The banner sentences the form shows (after a 422 naming them) go with the line.
    [].forEach.call(form.querySelectorAll("[data-region-msg]"), (box) => {
      (b.region_messages = b.region_messages || {})[box.getAttribute("data-region-msg")] = sentenceOf(box);
    });
    return b;
  }

  // scheduleOf(form): the schedule the form gives: "24/7", {zone, weekly, except} (one entry a
  // line of their boxes, empty ones left out), or null for none (the note says the hours).
  function scheduleOf(form) {
    const mode = (form.querySelector("input[name=schedule]:checked") || {}).value;
    if (mode === ALWAYS) return ALWAYS;
    if (mode !== "weekly") return null;
    const o = {}, zone = form.elements["schedule.zone"].value.trim();
    if (zone) o.zone = zone;
    ["weekly", "except"].forEach((k) => {
      const xs = form.elements["schedule." + k].value.split("\n").map((x) => {
        return x.trim();
      }).filter(Boolean);
      if (xs.length) o[k] = xs;
    });
    return o;
  }

  // editForm edits line id, or makes a new line when id is null: its identifier is asked for
  // then, and the fields' error paths follow it once it is known.
  function editForm(box, cur, id) {
    const isNew = !id, l = isNew ? {} : cur.content.lines[id], by = isNew ? [] : listing(cur.content)[id] || [];
    let fp = "lines." + (id || "+new");
    const p = fp + ".";
    function input(name, label, o) {
      o = o || {};
      let val = name.indexOf(".") > 0 ? (l[name.split(".")[0]] || {})[name.split(".")[1]] : l[name];
      if (LISTS.indexOf(name) >= 0) val = (l[name] || []).join(", ");
      const el = h("input", { type: o.type || "text", name, value: val || "", "data-field": p + name, spellcheck: o.spell ? null : "false",
        autocomplete: "off", lang: o.lang || null });
      return SP.field(label, el, o.hint);
    }
    function pair(k, legend, hint) {
      return h("fieldset", { "data-field": p + k }, h("legend", null, legend), hint ? h("p", { class: "hint" }, hint) : null,
        h("div", { class: "row" }, input(k + ".en", t("en"), { lang: "en", spell: 1 }), input(k + ".fr", t("fr"), { lang: "fr", spell: 1 })));
    }
    // entries(name, label, hint, list): a text area of one entry a line, named by its content path.
    function entries(name, label, hint, values) {
      const ta = h("textarea", { name, rows: "3", "data-field": p + name, spellcheck: "false", autocomplete: "off" });
      ta.value = (values || []).join("\n");
      return SP.field(label, ta, hint);
    }
    function check(name, value, label, on) {
      const cid = SP.id("c");
      const type = name === "schedule" ? "radio" : "checkbox";
      return h("div", { class: "check" }, h("input", { type, id: cid, name, value, checked: !!on }), h("label", { for: cid }, label));
    }
    // The hours: 24/7, weekly hours in the line's zone with dated exceptions, or none (the note
    // alone says when it answers); the weekly boxes show only when chosen, and keep what they
    // hold while hidden.
    const sc = l.schedule, weekly = sc && sc !== ALWAYS ? sc : null;
    const mode = sc === ALWAYS ? ALWAYS : weekly ? "weekly" : "";
    const weeklyBox = h("div", { "data-weekly": true, hidden: !weekly },
      SP.field(t("fZone"), h("input", { type: "text", name: "schedule.zone", value: (weekly && weekly.zone) || "", "data-field": p + "schedule.zone",
        spellcheck: "false", autocomplete: "off" }), t("fZoneHint")),
      entries("schedule.weekly", t("fWeekly"), t("fWeeklyHint"), weekly && weekly.weekly),
      entries("schedule.except", t("fExcept"), t("fExceptHint"), weekly && weekly.except));
    const hoursBox = h("fieldset", { "data-hours-group": true }, h("legend", null, t("fHours")),
      h("fieldset", { "data-field": p + "schedule" }, h("legend", null, t("fWhen")),
        check("schedule", ALWAYS, t("fAlways"), mode === ALWAYS),
        check("schedule", "weekly", t("fWeeklyHours"), mode === "weekly"),
        check("schedule", "", t("fNoSchedule"), mode === "")),
      weeklyBox,
      pair("hours", t("fHoursNote"), t("fHoursNoteHint")));
    hoursBox.addEventListener("change", (e) => {
      if (e.target.name === "schedule") weeklyBox.hidden = e.target.value !== "weekly";
    });
    // The accessible ways in, each labelled as visitors read it; a code the edge does not know
    // (none is valid) is kept, shown as it is.
    const kinds = Object.keys(SP.access).sort();
    (l.access || []).forEach((a) => {
      if (kinds.indexOf(a) < 0) kinds.push(a);
    });
    const ahint = SP.id("hint");
    const accessBox = h("fieldset", { "data-field": p + "access", "aria-describedby": ahint }, h("legend", null, t("fAccess")),
      h("p", { class: "hint", id: ahint }, t("fAccessHint")),
      h("div", { class: "checks" }, kinds.map((k) => {
        return check("access", k, SP.access[k] || k, (l.access || []).indexOf(k) >= 0);
      })));
    const interp = check("interpreters", "true", t("fInterpreters"), l.interpreters);
    interp.querySelector("input").setAttribute("data-field", p + "interpreters");
    const hid = SP.id("le");
    const review = h("div");
    const note = h("input", { type: "text", name: "note", autocomplete: "off" });
    const msgs = h("div");
    const idInput = isNew ? h("input", { type: "text", name: "id", "data-field": "id", spellcheck: "false", autocomplete: "off", required: true }) : null;
    const form = h("form", { novalidate: true, "aria-labelledby": hid, "data-line-form": id || "+new" },
      h("h2", { id: hid }, isNew ? t("newTitle") : t("editTitle", SP.text(l.name))),
      isNew ? SP.field(t("fId"), idInput, t("fIdHint")) : h("p", null, by.length ? t("listedIn", by.join(", ")) : t("listedNone")),
      pair("name", t("fName")),
      input("country", t("fCountry")),
      h("fieldset", { "data-field": fp }, h("legend", null, t("fNumbers")), h("p", { class: "hint" }, t("fNumbersHint")),
        h("div", { class: "row" }, input("call", t("fCall")), input("call_tel", t("fCallTel"))),
        h("div", { class: "row" }, input("call_hint.en", t("fCallHint") + " (" + t("en") + ")", { lang: "en", spell: 1 }),
          input("call_hint.fr", t("fCallHint") + " (" + t("fr") + ")", { lang: "fr", spell: 1 })),
        h("div", { class: "row" }, input("text", t("fText")), input("keyword", t("fKeyword"))),
        input("chat_url", t("fChat"), { type: "url" })),
      hoursBox,
      pair("audience", t("fAudience")),
      input("languages", t("fLanguages")),
      input("languages_on_request", t("fLangsOnRequest"), { hint: t("fLangsOnRequestHint") }),
      interp,
      accessBox,
      input("source", t("fSource"), { type: "url" }),
      input("verified_on", t("fVerified"), { type: "date", hint: t("fVerifiedHint") }),
      msgs,
      SP.field(t("fNote"), note),
      h("p", { class: "actions" },
        h("button", { type: "submit", class: "primary", "data-action": "review" }, t("review")),
        h("button", { type: "button", "data-action": "back", onclick() {
          list(box, cur, id || "+new");
        } }, t("back"))),
      review);
    let reviewed = null;
    // A change after the review makes the review stale: it goes, and Save with it.
    form.addEventListener("input", (e) => {
      if (reviewed && e.target !== note && !review.contains(e.target)) {
        reviewed = null;
        SP.clear(review);
      }
    });
    function path(dry) {
      return "/v1/admin/lines/" + encodeURIComponent(id) + (dry ? "?dry_run=1" : "");
    }
    // failed handles an answer that is not a success: fields, conflicts, anything else.
    function failed(r, base, retry) {
      if (r.status === 412) return SP.conflict(r.error, retry, base);
      if (r.status === 422) (r.error.errors || []).forEach((problem) => {
        const m = /^regions\.([^.]+)\.message\b/.exec(problem.field || "");
        if (m) regionMsg(m[1]);
      });
      SP.fieldErrors(form, r.status === 422 ? fixPaths(r.error) : { message: t("failed") + SP.message(r.error) });
    }
    // regionMsg shows the banner sentence of region code (once), to change with the line: a
    // banner may name only its region's numbers, so a number change and the sentence naming the
    // old number are published together.
    function regionMsg(code) {
      if (msgs.querySelector('[data-region-msg="' + CSS.escape(code) + '"]')) return;
      msgs.appendChild(sentenceBox(code, ((cur.content.regions || {})[code] || {}).message, t("fRegionMsgHint")));
    }
    function save(body, etag, base) {
      return SP.api("PUT", path(false), { body, ifMatch: etag, note: note.value.trim() }).then((r) => {
        if (!r.ok) return failed(r, base, () => {
          // Re-applied on top of the newer content: the form's fields over its line.
          return SP.content().then((c) => {
            return save(lineBody(form, (c.content.lines || {})[id]), c.etag, c.version);
          });
        });
        const msg = isNew ? t("newSaved", r.json.version) : t("saved", r.json.version);
        SP.status(msg);
        return SP.content().then((c) => {
          list(box, c, id);
          box.insertBefore(h("p", { class: "ok", "data-saved": r.json.version }, msg), box.firstChild);
        });
      });
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      SP.clearErrors(form);
      SP.clear(review);
      if (isNew && !newID()) return;
      const body = lineBody(form, (cur.content.lines || {})[id]), etag = cur.etag, base = cur.version;
      SP.api("PUT", path(true), { body, ifMatch: etag }).then((r) => {
        if (!r.ok) return failed(r, base, () => {
          return SP.content().then((c) => {
            cur = c;
            form.requestSubmit();
          });
        });
        const rows = (r.json.diff && r.json.diff.rows) || [];
        const rid = SP.id("rv"), pv = h("div");
        const changed = rows.some((x) => {
          return x.op !== "same" && x.op !== "skip";
        });
        reviewed = body;
        // A number changed under the same verified date must be confirmed as checked before
        // Save; a verified date whose re-check is due is flagged as in the list.
        const was = cur.content.lines[id] || l;
        const numChanged = !isNew && body.verified_on === was.verified_on && NUMBERS.some((k) => {
          return (body[k] || "") !== (was[k] || "");
        });
        const wid = SP.id("lw"), cid = SP.id("lc");
        const saveBtn = changed ? h("button", { type: "button", class: "primary", "data-action": "save", disabled: numChanged,
          "aria-describedby": numChanged ? wid : null, onclick(ev) {
            ev.target.disabled = true;
            save(reviewed, etag, base).then(() => {
              ev.target.disabled = false;
            });
          } }, t("saveLine")) : null;
        review.appendChild(h("section", { class: "review", "aria-labelledby": rid, "data-review": true },
          h("h3", { id: rid, tabindex: "-1" }, t("reviewTitle")),
          h("p", null, changed ? t("reviewText") : t("unchanged")),
          changed && numChanged ? [h("p", { class: "fail", id: wid, "data-number-warning": true }, t("numChanged")),
            h("div", { class: "check" }, h("input", { type: "checkbox", id: cid, "data-action": "number-checked", onchange(ev) {
              saveBtn.disabled = !ev.target.checked;
            } }), h("label", { for: cid }, t("numConfirm")))] : null,
          changed && body.verified_on && stale(body) ? h("p", { class: "fail", "data-review-stale": true }, t("reviewStale", body.verified_on)) : null,
          SP.diffTable(rows, { caption: t("reviewCap", r.json.base_version || base) }),
          pv,
          h("p", { class: "actions" },
            saveBtn,
            h("button", { type: "button", "data-action": "keep-editing", onclick() {
              SP.clear(review);
              reviewed = null;
              form.elements["name.en"].focus();
            } }, t("keepEditing")))));
        if (r.json.preview) SP.preview(pv, r.json.preview, { partner: partnerFor(cur.content, by[0]), locale: SP.lang, region: by[0] || "" });
        SP.focus(review.querySelector("h3"));
      });
    });
    // newID takes the new line's identifier from its field, or says what is wrong with it; the
    // fields' error paths ("lines.<id>.call") follow it.
    function newID() {
      const v = idInput.value.trim(), bad = !SP.validID(v) ? t("idBad") : cur.content.lines[v] ? t("idTaken") : "";
      if (bad) {
        SP.fieldErrors(form, { errors: [{ field: "id", message: bad }] });
        return false;
      }
      id = v;
      [].forEach.call(form.querySelectorAll("[data-field]"), (el) => {
        const f = el.getAttribute("data-field");
        if (f === fp || f.indexOf(fp + ".") === 0) el.setAttribute("data-field", "lines." + id + f.slice(fp.length));
      });
      fp = "lines." + id;
      return true;
    }
    SP.clear(box).appendChild(form);
    SP.focus(form.querySelector("h2"));
  }

  // fixPaths points list items' paths ("languages[1]", "schedule.weekly[2]", "access[0]") at the
  // field holding the whole list.
  function fixPaths(e) {
    return Object.assign({}, e, {
      errors: (e.errors || []).map((p) => {
        return Object.assign({}, p, {
          field: String(p.field || "").replace(/(\.(?:languages|languages_on_request|access|schedule\.weekly|schedule\.except))\[\d+\]$/, "$1"),
        });
      }),
    });
  }

  // partnerFor(content, region): a partner whose default region is region (the preview shows the
  // line as its visitors see it), else the first.
  function partnerFor(c, region) {
    const ps = SP.partners(c);
    return ps.filter((p) => {
      const pr = c.partners[p].region;
      return region && (pr === region || pr === region.slice(0, 2));
    })[0] || ps[0];
  }

  SP.view("lines", { label: "lines.lines", scopes: ["content"], render });
})();
