/* Signpost widget: the components Banner, Resources, Feedback and QuickExit, each drawn into
   its root from what it is given and from the Widget it belongs to (widget.js). The second of the
   widget's three files (base.js, components.js, widget.js: bundle.go). */

/** The crisis banner, drawn into root: the first line's name, its call and text buttons, the
    emergency number, and one disclosure holding the region's full sentence and every line.
    Its height is fixed per breakpoint (widget.css) so that a partner can reserve it.
    @param {Node} root  its host's shadow root, or the feedback form's crisis box
    @param {Widget} widget  the rendering it belongs to
    @param {BannerView} view  what it shows: the baked view, then the edge's */
function Banner(root, widget, view) {
  let config = widget.config, words = TEXT[config.locale], lines = view.lines, first = lines[0], emergency = (view.emergency || [])[0];
  let box = el("section", "banner", "", root, { "aria-label": words.crisis, lang: config.locale }), notice = view.notice;
  if (notice && notice.message) {
    let url = safeURL(notice.url), note = el("p", "notice", notice.message + (url ? " " : ""), box), left = Date.parse(notice.expires_at) - Date.now();
    if (url) link(note, url, words.info);
    // An expired notice leaves an open page by itself (timers past ~24 days would fire at once).
    if (left < 2e9) setTimeout(() => note.remove(), left);
  }
  if (first) {
    let head = el("p", "head", "", box);
    el("span", "name", first.name, head);
    if (first.hours) el("span", "meta", " · " + first.hours, head);
    if (first.status_message) el("p", "err", first.status_message, box);
  } else el("p", "msg", view.message, box);
  let actions = el("div", "acts", "", box);
  if (first) drawLineLinks(actions, first, widget, "b");
  // Where no emergency number serves the region (Nunavut), what to do instead, in its place.
  if (emergency) link(actions, "tel:" + digits(emergency), words.em + " " + emergency, "b em", emergency);
  else if (view.emergency_note) el("p", "b em emn", view.emergency_note, actions);
  if (!first && view.directory && safeURL(view.directory.url)) link(actions, view.directory.url, view.directory.label, "b");
  if (!first) return;
  // The disclosure: the "more" button and the panel it opens, on the region's sentence, every
  // line and the visitor's choice of region; open as the last banner was (Widget.open).
  let more = lines.length - 1, panel = el("div", "panel", "", box);
  let button = el("button", "b more", fill(words.more[Math.min(more, 2)], "0", more), actions, { type: "button", "aria-expanded": "false", "aria-controls": panel.id = newId() });
  let sentence = el("p", "msg", view.message, panel, { tabindex: "-1" }), choice = view.choice;
  let toggle = () => { button.setAttribute("aria-expanded", /** @type {*} */ (panel.hidden)); panel.hidden = !panel.hidden; };
  panel.hidden = true;
  drawLines(panel, lines, widget, 1);
  button.onclick = () => { toggle(); widget.open = panel.hidden ? 0 : 1; };
  // The visitor's own choice: their country's places; kept on this device, sent only as
  // the snippet's region. Applied with a button (a select that changed the page as it
  // moved would move a keyboard user's focus away); the banner then opens on its sentence.
  // Not where the page names the region itself: data-region wins over a choice.
  if (choice && choice.places && !config.pinned) {
    let form = el("form", "where", "", panel), select = el("select", "", "", el("label", "", choice.label, form));
    choice.places.forEach((option) => { el("option", "", option.name, select).value = option.code; });
    select.value = config.entry;
    el("button", "b", choice.show, form);
    form.onsubmit = (event) => { event.preventDefault(); widget.pick(select.value); };
    if (config.chosen) el("button", "b more", choice.forget, form, { type: "button" }).onclick = () => widget.pick("");
  }
  if (widget.open) {
    toggle();
    if (widget.open > 1) sentence.focus();
  }
}

/** The partner's featured resources, drawn into root: a card each, with its pictogram, title
    link, summary, and type and size.
    @param {ShadowRoot} root
    @param {Widget} widget
    @param {ResourceView[]} resources */
function Resources(root, widget, resources) {
  let locale = widget.config.locale, grid = el("ul", "grid", "", el("section", "res", "", root, { "aria-label": TEXT[locale].res, lang: locale }));
  resources.forEach((resource) => {
    let card = el("li", "card", "", grid), icon = doc.createElementNS("http://www.w3.org/2000/svg", "svg");
    attr(icon, { viewBox: "0 0 24 24", "aria-hidden": "true" });
    attr(icon.appendChild(doc.createElementNS(icon.namespaceURI, "path")), { d: resource.icon || "" });
    card.appendChild(icon);
    if (safeURL(resource.url)) link(el("p", "t", "", card), resource.url, resource.title);
    el("p", "", resource.summary, card);
    el("p", "meta", resource.meta, card);
  });
}

/** The feedback form, drawn into root: two yes/no questions, a comment watched for crisis
    words (the crisis lines then show at once), an optional follow-up address, and a field
    only bots fill in. It posts to the edge, which says whether the comment reads like a
    crisis too; its state (when it opened, whether the crisis lines show) is its own.
    @param {ShadowRoot} root
    @param {Widget} widget
    @param {FeedbackView} words  the form's words in the visitor's language, and the crisis phrases
    @param {BannerView} view  the banner's, whose lines it shows when a comment reads like a crisis */
function Feedback(root, widget, words, view) {
  let config = widget.config, openedAt = Date.now(), crisisShown = false;
  let form = el("form", "fb", "", root, { "aria-label": TEXT[config.locale].fb, lang: config.locale, novalidate: "" });

  /** A yes/no question: a fieldset of two radio buttons, valued 1 and 0.
      @param {"found" | "helpful"} name */
  let question = (name) => {
    let set = el("fieldset", "", "", form);
    el("legend", "", words[name], set);
    /** @type {["yes" | "no", string][]} */ ([["yes", "1"], ["no", "0"]]).forEach((option) => {
      let label = el("label", "opt", "", set);
      el("input", "", "", label, { type: "radio", name, value: option[1] });
      label.append(" " + words[option[0]]);
    });
  };
  /** A labelled field.
      @param {Node} parent
      @param {"input" | "textarea"} tag
      @param {string} label
      @param {Record<string, string>} attributes */
  let field = (parent, tag, label, attributes) => {
    el("label", "lab", label, parent, { "for": attributes.id = newId() });
    return /** @type {HTMLInputElement} */ (el(tag, "", "", parent, attributes));
  };
  /** The crisis lines (or, where the region has none, the whole banner), announced.
      @param {Node} parent */
  let showCrisis = (parent) => {
    let box = el("div", "crisis", "", parent, { role: "alert" });
    el("p", "msg", words.crisis_intro, box);
    if (view.lines.length) drawLines(box, view.lines, widget);
    else Banner(box, widget, view);
  };
  /** @param {string} selector */
  let find = (selector) => /** @type {HTMLInputElement} */ (form.querySelector(selector));

  question("found");
  question("helpful");
  let comment = field(form, "textarea", words.comment, { maxlength: "1000", rows: "3", "aria-describedby": "spc" });
  let counter = el("p", "meta", "0/1000", form, { id: "spc" }), crisisAt = el("div", "", "", form);
  let honeypot = el("input", "", "", el("div", "hp", "", form, { "aria-hidden": "true" }), { name: "website", tabindex: "-1", autocomplete: "off" });
  let followupLabel = el("label", "opt", "", form), followup = el("input", "", "", followupLabel, { type: "checkbox" });
  followupLabel.append(" " + words.followup);
  let emailBox = el("div", "", "", form);
  emailBox.hidden = true;
  let email = field(emailBox, "input", words.email, { type: "email", autocomplete: "email", "aria-describedby": "spe" });
  let emailError = el("p", "err", "", emailBox, { id: "spe" });
  el("p", "note", words.not_monitored, form);
  let button = el("button", "b", words.send, form, { type: "submit" }), status = el("p", "st", "", form, { role: "status" });

  // A comment that reads like a crisis (whole words, any case, accents ignored; the server
  // applies the same list the same way) shows the crisis lines at once.
  comment.oninput = () => {
    let text = " " + comment.value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim() + " ";
    counter.textContent = comment.value.length + "/1000";
    if (!crisisShown && (words.phrases || []).some((phrase) => text.includes(" " + phrase + " "))) {
      showCrisis(crisisAt);
      crisisShown = true;
    }
  };
  followup.onchange = () => { emailBox.hidden = !followup.checked; };
  // Checks the answers, then posts them; a wrong address or a refusal says so in place.
  form.onsubmit = (event) => {
    event.preventDefault();
    let found = find("[name=found]:checked"), helpful = find("[name=helpful]:checked");
    status.textContent = emailError.textContent = "";
    email.removeAttribute("aria-invalid");
    if (!found && !helpful) {
      status.textContent = words.answer_required;
      return find("input").focus();
    }
    let address = followup.checked ? email.value.trim() : "";
    if (followup.checked && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
      emailError.textContent = words.email_invalid;
      email.setAttribute("aria-invalid", "true");
      return email.focus();
    }
    button.disabled = true;
    // A question not answered goes as null and no address as "": the intake reads both as absent.
    request(config.api + "/feedback", JSON.stringify({
      partner: config.partner, page: location.pathname, locale: config.locale,
      found: found && found.value === "1", helpful: helpful && helpful.value === "1",
      comment: comment.value.trim(), followup: followup.checked, email: address,
      website: honeypot.value, elapsed_ms: Date.now() - openedAt
    }), (code, answer, retryAfter) => {
      button.disabled = false;
      if (code === 202) {
        form.replaceChildren();
        let thanks = el("p", "st", words.thanks, form, { role: "status", tabindex: "-1" });
        if (answer && answer.crisis) showCrisis(form);
        return thanks.focus();
      }
      if (code === 400 && answer && answer.error && answer.error.field === "email") {
        emailError.textContent = words.email_invalid;
        return email.focus();
      }
      status.textContent = code === 429 ? fill(words.rate_limited, "seconds", Math.max(1, +(/** @type {string} */ (retryAfter)) || 60)) : words.send_failed;
    });
  };
}

/** The quick-exit button, drawn into root, and Shift pressed three times: either hides the
    page at once and leaves it for a neutral one. It listens to the page's keys until
    destroyed; when Shift was pressed is its own.
    @param {ShadowRoot} root
    @param {Widget} widget
    @returns {{destroy: () => void}} */
function QuickExit(root, widget) {
  let locale = widget.config.locale, words = TEXT[locale];
  let box = el("aside", "exit", "", root, { lang: locale, "aria-label": words.exit });
  let button = el("button", "b", words.exit, box, { type: "button", "aria-describedby": "spx" });
  // The Shift hint is hidden by widget.css where no keyboard is likely (a touch phone).
  let hint = el("span", "meta", "", box, { id: "spx" });
  el("span", "kb", words.kb + " ", hint);
  hint.append(words.hist);
  /** @type {number[]} when Shift was pressed, within the last 5 seconds (ms) */
  let presses = [];
  /** Hides the page at once, then leaves without adding a history entry. */
  let leave = () => {
    doc.documentElement.style.setProperty("display", "none", "important");
    location.replace(widget.config.exitURL);
  };
  /** Shift pressed three times within 5 seconds, not while typing, not with another key.
      @param {KeyboardEvent} event */
  let onKey = (event) => {
    let target = /** @type {HTMLElement | null} */ (event.composedPath()[0]), now = Date.now();
    if (event.key !== "Shift" || event.repeat) presses = [];
    else if (!target || !(/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) {
      presses = presses.filter((at) => now - at < 5000).concat(now);
      if (presses.length > 2) leave();
    }
  };
  /** The page shown again from the back-forward cache, after leaving.
      @param {PageTransitionEvent} event */
  let onShow = (event) => { if (event.persisted) doc.documentElement.style.removeProperty("display"); };
  button.onclick = leave;
  doc.addEventListener("keydown", onKey, true);
  page.addEventListener("pageshow", onShow);
  return {
    /** Stops listening to the page. */
    destroy() {
      doc.removeEventListener("keydown", onKey, true);
      page.removeEventListener("pageshow", onShow);
    }
  };
}
