/* Signpost widget. The crisis banner renders synchronously from data baked into this bundle,
   before any network request, so that it shows even when the edge, Redis or the network fails.
   Everything a partner or operator wrote is rendered with textContent, never parsed as HTML.

   It is made of components, as GOV.UK Frontend's JavaScript is: each is drawn into its root (a
   host's shadow root) by the function named for it, from what it is given and from the Widget,
   the rendering, it belongs to; what a component keeps (a form's state, the Shift presses) is
   its own, in that function's scope.
     Banner     the crisis lines: drawn from the baked data, then again from the edge's answer
     Resources  the partner's featured resources (from the edge's answer)
     Feedback   the feedback form (from the edge's answer)
     QuickExit  the quick-exit button and its Shift-Shift-Shift shortcut; returns its object,
                whose destroy stops it listening to the page
   Widget makes one rendering and returns its object: it reads the configuration, mounts the
   components into their hosts, asks the edge for the snippet, and gives the hosts back when
   destroyed. window.Signpost renders (a new Widget replaces the last one) and destroys.

   Written for the bundle's gzip budget (bundle_test.go) as much as for the reader: components
   are functions over closures rather than classes (the minifier shortens local names, never
   properties), and variables are declared with let, which the minifier merges (const costs ~30 B
   gzipped). */
(() => {
  "use strict";
  let page = window, doc = document, perf = page.performance;
  let script = /** @type {HTMLScriptElement | null} */ (doc.currentScript);
  let previous = page.Signpost;
  if (previous && previous.version) return; // included twice: the first copy renders
  mark("start");

  /** @type {WidgetData} */
  let D = bare(__SIGNPOST_DATA__);
  var TEXT = __SIGNPOST_TEXT__;

  /**
   * @typedef {keyof typeof TEXT} Locale  a language the widget speaks ("en", "fr")
   * @typedef {typeof TEXT.en} Words  the widget's own words in one language
   * @typedef {Record<string, string>} Text  an operator's text in each language, by locale
   */

  /**
   * The data baked into the bundle (snippets.Loaded.WidgetData).
   * @typedef {Object} WidgetData
   * @property {string} version  the content version
   * @property {Record<string, BakedRegion>} regions  the region entries partners serve
   * @property {Record<string, string>} emergency  every entry's first emergency number ("" for none)
   * @property {Record<string, BakedLine>} lines  the lines of those regions, by id
   * @property {{message: Text, directory_url: string, directory_label: Text}} unknown  what a region without lines shows
   * @property {Record<string, Partner>} partners  every partner's public defaults, by id
   * @property {Record<string, string>} tz  region code: the time zones that place a visitor there ("America/Regina,Swift_Current")
   *
   * @typedef {{message: Text, lines: string[], note?: Text}} BakedRegion
   * @typedef {{name: Text, call?: string, tel?: string, call_hint?: Text, text?: string, keyword?: string, chat_url?: string, hours?: Text, audience?: Text}} BakedLine
   * @typedef {{region?: string, components?: string[], accent?: string, exit_url?: string}} Partner
   */

  /**
   * The edge's snippet (snippets.SnippetView) and its parts; the widget draws the banner's from
   * the baked data (bakedView) until the snippet answers.
   * @typedef {{region?: string, banner?: BannerView, resources?: ResourceView[], feedback?: FeedbackView, notice?: NoticeView | null}} Snippet
   * @typedef {{message: string, emergency?: string[], emergency_note?: string, lines: LineView[], directory?: {url: string, label: string}, choice?: ChoiceView, notice?: NoticeView | null}} BannerView
   * @typedef {{id: string, name: string, call?: string, tel?: string, call_hint?: string, text?: string, sms?: string, keyword?: string, chat_url?: string, hours?: string, audience?: string, ways?: string}} LineView
   * @typedef {{label: string, show: string, forget: string, places?: {code: string, name: string}[]}} ChoiceView
   * @typedef {{message: string, url?: string, expires_at: string}} NoticeView
   * @typedef {{title: string, summary: string, url: string, meta: string, icon?: string}} ResourceView
   * @typedef {{found: string, helpful: string, comment: string, followup: string, email: string, not_monitored: string,
   *   thanks: string, yes: string, no: string, send: string, answer_required: string, email_invalid: string,
   *   crisis_intro: string, rate_limited: string, send_failed: string, phrases?: string[]}} FeedbackView
   */

  /**
   * What one rendering shows and where it sends: the script's data-* attributes, else the
   * partner's defaults baked in.
   * @typedef {Object} Config
   * @property {string} partner  the partner's id (data-partner), "" for none
   * @property {Locale} locale  the visitor's language (data-locale, else the page's)
   * @property {string} entry  the region entry whose lines are shown: where the visitor is
   *   placed at first, then the one the edge answered with; "" for none
   * @property {string} pinned  the region data-region names: a visitor's choice is not offered
   * @property {string} chosen  the visitor's own choice, when the page names no region; the
   *   one or the other is the only region sent to the edge (region=), else the edge places the
   *   visitor
   * @property {string} zone  the browser's time zone, sent to the edge (tz=), once read
   * @property {string[]} components  the components to draw (data-components)
   * @property {string} accent  the accent colour, when it contrasts enough
   * @property {string} exitURL  where quick exit leaves for
   * @property {string} api  where the edge answers ("https://edge.example/v1"), "" for nowhere
   */

  /** Deep copy into objects without a prototype: a page that adds to Object.prototype cannot
      make a missing field (a line's tel, say) appear.
      @param {any} value  JSON data
      @returns {any} */
  function bare(value) {
    if (Array.isArray(value)) return value.map(bare);
    if (value && typeof value === "object") {
      let copy = Object.create(null);
      Object.keys(value).forEach((key) => { copy[key] = bare(value[key]); });
      return copy;
    }
    return value;
  }

  /** A performance mark, "signpost:" + name, where the browser takes it.
      @param {string} name */
  function mark(name) { try { perf.mark("signpost:" + name); } catch (e) {} }

  /** Puts v in the placeholder {k} of s.
      @param {string} s
      @param {string} k
      @param {string | number} v  a number is written in digits
      @returns {string} */
  function fill(s, k, v) { return s.replace("{" + k + "}", /** @type {string} */ (v)); }

  /** The digits of a phone number ("1-866-277-3553": "18662773553"), for tel: and sms:.
      @param {string} [number] */
  function digits(number) { return (number || "").replace(/[^0-9+]/g, ""); }

  let lastId = 0;
  /** An id no other element of the page has. */
  function newId() { return "sp" + ++lastId; }

  /** A new element, appended to parent when given.
      @template {string} K
      @param {K} tag
      @param {string} [className]
      @param {string} [text]  its text content, set as text only
      @param {Node} [parent]
      @param {Record<string, string>} [attributes]  set after the class, in order
      @returns {K extends keyof HTMLElementTagNameMap ? HTMLElementTagNameMap[K] : HTMLElement} */
  function el(tag, className, text, parent, attributes) {
    let e = /** @type {any} */ (doc.createElement(tag));
    if (className) e.className = className;
    if (text) e.textContent = text;
    if (parent) parent.appendChild(e);
    return attributes ? attr(e, attributes) : e;
  }

  /** Sets an element's attributes, in order.
      @template {Element} E
      @param {E} e
      @param {Record<string, string>} attributes
      @returns {E} */
  function attr(e, attributes) {
    Object.keys(attributes).forEach((name) => { e.setAttribute(name, attributes[name]); });
    return e;
  }

  /** A link whose accessible name is its visible text (WCAG 2.5.3). A number written without
      separators (988, 686868) is also given digit by digit as the link's description, so that
      a screen reader does not read "nine hundred and eighty-eight" alone.
      @param {Node} parent
      @param {string} href
      @param {string} text
      @param {string} [className]
      @param {string} [number]  the number text holds, kept on one line
      @returns {HTMLAnchorElement} */
  function link(parent, href, text, className, number) {
    let a = el("a", className, "", parent, { href }), at = number ? text.indexOf(number) : -1;
    if (at < 0) a.textContent = text;
    else {
      // The number never breaks across lines ("1-866-" / "277-3553"); one span holds the
      // whole text, so that a flex button keeps its spaces.
      let whole = el("span", "", text.slice(0, at), a);
      el("span", "n", number, whole);
      whole.append(text.slice(at + /** @type {string} */ (number).length));
    }
    if (number && /^\d{2,}$/.test(number)) a.setAttribute("aria-describedby", el("span", "", number.split("").join(" "), parent, { id: newId(), hidden: "" }).id);
    return a;
  }

  /** The language of a locale ("fr-CA": "fr") when the widget speaks it, else "".
      @param {string} [locale]
      @returns {Locale | ""} */
  function lang(locale) {
    let s = (locale || "").toLowerCase().split(/[-_]/)[0];
    return /** @type {Record<string, Words>} */ (TEXT)[s] ? /** @type {Locale} */ (s) : "";
  }

  /** A region code in capitals ("ca-bc": "CA-BC"), "" for anything else.
      @param {string | null} [s] */
  function regionCode(s) { return s && /^[a-z]{2}(-[a-z0-9]{1,3})?$/i.test(s) ? s.toUpperCase() : ""; }

  /** The region entry that serves a code: the code, else its country, else none. Every entry
      has its emergency numbers in the bundle; only the regions partners serve have their lines.
      @param {string} c  a region code */
  function entry(c) { return c in D.emergency ? c : c.slice(0, 2) in D.emergency ? c.slice(0, 2) : ""; }

  /** The browser's time zone, "" where it names no place (UTC, Etc/*) or Intl fails. */
  function timeZone() {
    try {
      let zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      return /^(Etc\/|UTC$|GMT$)/.test(zone) ? "" : zone;
    } catch (e) { return ""; }
  }

  /** The region of a time zone from the zones baked in (those of the countries whose lines
      are): its country, or the province or territory it lies wholly in (CA-NU); "?" where the
      zone says nothing (""), "" for any other zone, which the edge places.
      @param {string} zone */
  function zoneRegion(zone) {
    let region = zone ? "" : "?";
    Object.keys(D.tz).forEach((code) => {
      D.tz[code].split(" ").forEach((zones) => {
        let at = zones.lastIndexOf("/") + 1;
        zones.slice(at).split(",").forEach((city) => { if (zones.slice(0, at) + city === zone) region = code; });
      });
    });
    return region;
  }

  /** Where a visitor located at z (zoneRegion) is placed under the partner's default, as the
      edge's snippets.Place: a province or territory wherever the default is; the default when
      only its country is known or nothing is; another country as it is.
      @param {string} z
      @param {string} def */
  function place(z, def) { return z === "?" ? def : !z ? "" : z.length > 2 || z !== def.slice(0, 2) ? z : def; }

  /** The visitor's own choice of region, kept on this device only (UI state): read without
      a region, kept with one, forgotten with "".
      @param {string} [region]
      @returns {string | null | undefined} */
  function savedChoice(region) {
    try {
      let store = page.localStorage, key = "signpost-region";
      if (region == null) return store.getItem(key);
      if (region) store.setItem(key, region);
      else store.removeItem(key);
    } catch (e) {}
  }

  /** WCAG AA needs 4.5:1 for text on white: an accent that fails it is not used.
      @param {string} [a]  a colour, #rrggbb */
  function accent(a) {
    if (!a || !/^#[0-9a-f]{6}$/i.test(a)) return "";
    let L = [1, 3, 5].map((i) => {
      let v = parseInt(a.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 1.05 / (0.2126 * L[0] + 0.7152 * L[1] + 0.0722 * L[2] + 0.05) >= 4.5 ? a : "";
  }

  /** An http(s) URL as it is, anything else "" (never a javascript: link).
      @param {string} [url] */
  function safeURL(url) { return url && /^https?:\/\//i.test(url) ? url : ""; }

  /** The configuration of a rendering, read afresh each time.
      @returns {Config} */
  function readConfig() {
    let data = (script && script.dataset) || /** @type {DOMStringMap} */ ({});
    /** @type {Partner} */
    let partner = D.partners[/** @type {string} */ (data.partner)] || bare({});
    // data-region, else the visitor's own choice, else the partner's default placed by the
    // time zone (a UK visitor on a Canadian site must not get 988; America/Iqaluit is Nunavut,
    // which has no 9-1-1); a zone not baked in leaves the region to the edge (TimeZones.Region),
    // and the banner neutral until it answers. Only the first two are sent as region=.
    let pinned = regionCode(data.region), chosen = pinned ? "" : regionCode(savedChoice());
    let zone = pinned || chosen ? "" : timeZone(); // Intl costs ~50 ms cold
    let region = pinned || chosen || place(zoneRegion(zone), regionCode(partner.region));
    return {
      partner: data.partner || "",
      locale: lang(data.locale) || lang(doc.documentElement.lang) || "en",
      entry: entry(region), pinned, chosen, zone,
      components: (data.components || (partner.components || []).join(",") || "banner").split(",").map((name) => name.trim()),
      accent: accent(data.accent) || accent(partner.accent),
      exitURL: safeURL(data.exitUrl) || safeURL(partner.exit_url) || "https://www.google.com/",
      // Where the edge answers: "/v1" on the edge's origin (a draft preview bakes in its own).
      api: script && script.src ? new URL(script.src).origin + __SIGNPOST_API__ : ""
    };
  }

  /** The banner's view from the baked data, in the shape of the server's snippet. A region whose
      lines are not baked in gets the neutral message with its own emergency numbers until the
      snippet brings its lines: never a guessed number.
      @param {Config} config
      @returns {BannerView} */
  function bakedView(config) {
    let region = D.regions[config.entry], emergency = [D.emergency[config.entry]];
    /** @param {Text} [text] */
    let tr = (text) => text ? text[config.locale] || text.en || "" : "";
    if (!region) return bare({ message: tr(D.unknown.message), emergency, lines: [], directory: { url: D.unknown.directory_url, label: tr(D.unknown.directory_label) } });
    return bare({
      message: tr(region.message), emergency, emergency_note: tr(region.note),
      lines: region.lines.map((lineId) => {
        let line = D.lines[lineId];
        // The line as baked (call, text, keyword, chat_url), its words in the visitor's language.
        return Object.assign(bare(line), { id: lineId, name: tr(line.name), tel: line.tel || digits(line.call), call_hint: tr(line.call_hint), sms: digits(line.text), hours: tr(line.hours), audience: tr(line.audience) });
      })
    });
  }

  /**
   * Fetches JSON. A POST goes as text/plain (no preflight) with keepalive, so it survives the
   * visitor leaving the page. Any failure, including a page's broken fetch, is status 0.
   * @param {string} url
   * @param {string | null} body  the JSON to post, null to get
   * @param {(status: number, answer?: any, retryAfter?: string | null) => void} done  called once,
   *   with the answer copied bare
   */
  function request(url, body, done) {
    let called = 0;
    /** @type {typeof done} */
    let end = (status, answer, retryAfter) => { if (!called++) done(status, answer && bare(answer), retryAfter); };
    try {
      fetch(url, body ? { method: "POST", body, keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain;charset=UTF-8" } } : { credentials: "omit" })
        .then((response) => response.json().then((answer) => end(response.status, answer, response.headers.get("Retry-After")), () => end(response.status)))
        .then(null, () => end(0));
    } catch (e) { end(0); }
  }

  /** Renders crisis lines in full: name, who for, tel:/sms:/chat links, hours, languages.
      @param {Node} parent
      @param {LineView[]} lines
      @param {Widget} widget  the rendering that counts the links' use */
  function drawLines(parent, lines, widget) {
    let list = el("ul", "lines", "", parent);
    lines.forEach((line) => {
      let item = el("li", "line", "", list);
      el("span", "name", line.name, item);
      if (line.audience) el("span", "meta", line.audience, item);
      drawLineLinks(item, line, widget, "");
      el("span", "meta", line.hours, item);
      if (line.ways) el("span", "meta", line.ways, item);
    });
  }

  /** A line's call, text and chat links, each counted when used. With buttonClass they are the
      banner's buttons: no call hint, no chat.
      @param {Node} parent
      @param {LineView} line
      @param {Widget} widget
      @param {string} buttonClass  "" for the links of a full list */
  function drawLineLinks(parent, line, widget, buttonClass) {
    let words = TEXT[widget.config.locale];
    /** @param {string} event @param {HTMLAnchorElement} a */
    let counted = (event, a) => { a.onclick = () => widget.count(event, line.id); };
    if (line.tel) counted("tel", link(parent, "tel:" + line.tel, words.call + " " + line.call + (line.call_hint && !buttonClass ? ", " + line.call_hint : ""), buttonClass, line.call));
    if (line.sms) counted("sms", link(parent, "sms:" + line.sms, line.keyword ? fill(fill(words.textKw, "0", line.keyword), "1", /** @type {string} */ (line.text)) : words.text + " " + line.text, buttonClass, line.text));
    if (line.chat_url && safeURL(line.chat_url) && !buttonClass) counted("chat", link(parent, line.chat_url, words.chat));
  }

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
    drawLines(panel, lines, widget);
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
      request(config.api + "/feedback", JSON.stringify({
        partner: config.partner, page: location.pathname, locale: config.locale,
        found: found ? found.value === "1" : undefined, helpful: helpful ? helpful.value === "1" : undefined,
        comment: comment.value.trim(), followup: followup.checked, email: address || undefined,
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
        status.textContent = code === 429 ? fill(words.rate_limited, "seconds", Math.max(1, parseInt(/** @type {string} */ (retryAfter), 10) || 60)) : words.send_failed;
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
      let target = /** @type {HTMLElement | null} */ (event.composedPath ? event.composedPath()[0] : event.target), now = Date.now();
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

  /**
   * One rendering of the widget, as the components see it.
   * @typedef {Object} Widget
   * @property {Config} config  what it shows and where it sends
   * @property {number} open  the banner's disclosure: 0 closed, 1 open, 2 open on its sentence (a
   *   choice was just applied); kept from one rendering to the next
   * @property {(event: string, line?: string) => void} count  counts a use (Widget's count)
   * @property {(region: string) => void} pick  applies the visitor's choice of region (Widget's pick)
   * @property {() => void} destroy  gives the hosts back (Widget's destroy)
   */

  /** One rendering of the widget: it reads the configuration, draws the banner from the baked
      data at once, asks the edge for the snippet and draws the banner again from its answer,
      with the other components; destroy gives the hosts back. The rendering's own state (its
      hosts, its quick exit) is this function's.
      @param {number} open  the banner's disclosure as the last rendering left it
      @returns {Widget} */
  function Widget(open) {
    let config = readConfig(), has = (/** @type {string} */ name) => config.components.includes(name);
    /** @type {Widget} */
    let widget = { config, open, count, pick, destroy: unmount };
    /** @type {HTMLElement[]} the hosts this rendering drew in, until destroyed */
    let hosts = [];
    /** @type {ReturnType<typeof QuickExit> | undefined} the quick exit, listening to the page */
    let exit;

    /** Finds the component's host: the partner's placeholder, else a new element of our own
        name (page selectors such as `div` do not reach it), placed as the embed contract says.
        Quick exit's own goes last in the body, where it moves nothing and sticks to the bottom
        of the screen (widget.css). Returns its shadow root, emptied and styled.
        @param {string} name  the component's name (data-signpost)
        @param {Element | null} [after]  the element a new host follows, else the script
        @returns {ShadowRoot} */
    function mount(name, after) {
      let host = /** @type {HTMLElement | null} */ (doc.querySelector('[data-signpost="' + name + '"]'));
      if (!host) {
        host = el("signpost-" + name, "", "", undefined, { "data-signpost": name, "data-signpost-own": "" });
        let body = /** @type {HTMLElement} */ (doc.body), before = after || script;
        if (!after && name === "banner") body.insertBefore(host, body.firstChild);
        else if (name !== "exit" && before && before.parentNode && body.contains(before)) before.parentNode.insertBefore(host, before.nextSibling);
        else body.appendChild(host);
      }
      hosts.push(host);
      /** @type {ShadowRoot} */
      let root;
      try { root = host.shadowRoot || host.attachShadow({ mode: "open" }); } catch (e) { root = el("signpost-" + name, "", "", host).attachShadow({ mode: "open" }); }
      root.replaceChildren();
      try {
        sheet = sheet || new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } catch (e) { el("style", "", CSS, root); }
      host.setAttribute("lang", config.locale);
      if (config.accent) host.style.setProperty("--sp-accent", config.accent);
      return root;
    }

    /** Usage counts without tracking: partner, region entry, event and line, nothing else; after
        the banner, never before it; none under Do Not Track or Global Privacy Control, and none
        from an opaque origin (a sandboxed frame such as the builder's preview: the edge refuses
        them).
        @param {string} event  "shown", or the link used: "tel", "sms", "chat"
        @param {string} [line]  the line's id */
    function count(event, line) {
      let nav = navigator;
      try {
        if (config.api && config.partner && page.origin !== "null" && nav.doNotTrack !== "1" && nav.globalPrivacyControl !== true) nav.sendBeacon(config.api + "/beacon", JSON.stringify({ partner: config.partner, region: config.entry, event, line }));
      } catch (e) {}
    }

    /** Keeps (or, with "", forgets) the visitor's choice of region and renders for it, the
        banner open on its sentence.
        @param {string} region */
    function pick(region) {
      savedChoice(region);
      widget.open = 2;
      render();
    }

    /** Gives the hosts back: ours go, a partner's shows again what it held (a server-rendered
        banner); quick exit stops listening. */
    function unmount() {
      hosts.forEach((host) => {
        if (host.hasAttribute("data-signpost-own")) host.remove();
        else if (host.shadowRoot) host.shadowRoot.replaceChildren(doc.createElement("slot"));
      });
      hosts = [];
      if (exit) exit.destroy();
    }

    let bannerRoot = mount("banner");
    Banner(bannerRoot, widget, bakedView(config));
    mark("banner");
    let asked = config.pinned || config.chosen;
    if (asked) config.zone = timeZone(); // the visitor's clock, for lines' opening hours
    if (has("exit")) exit = QuickExit(mount("exit", bannerRoot.host), widget);
    if (config.api && config.partner) {
      // region= only for data-region or the visitor's choice: otherwise the edge places the
      // visitor (a CDN's location header, the time zone, the partner's default). The time zone
      // also says a line's opening hours on the visitor's clock.
      let drawn = hosts;
      request(config.api + "/snippets/" + encodeURIComponent(config.partner) + "?locale=" + config.locale + (asked ? "&region=" + asked : "") + (config.zone ? "&tz=" + encodeURIComponent(config.zone) : ""), null, (/** @type {number} */ code, /** @type {Snippet} */ snippet) => {
        // An answer to a rendering since destroyed is dropped.
        let live = drawn === hosts, view = live && code === 200 && snippet && snippet.banner;
        if (view) config.entry = snippet.region || "";
        if (live) count("shown");
        if (!view) return;
        // Drawn again from the edge's answer: its region's own lines, their hours now, the
        // places to choose from, a notice; the same height, the disclosure as it was.
        view.notice = snippet.notice;
        Banner(mount("banner"), widget, view);
        mark("edge");
        widget.open = widget.open && 1;
        /** @type {Element | null} */
        let after = script;
        if (has("resources") && snippet.resources && snippet.resources.length) {
          let root = mount("resources");
          Resources(root, widget, snippet.resources);
          after = root.host;
        }
        if (has("feedback") && snippet.feedback) Feedback(mount("feedback", after), widget, snippet.feedback, view);
      });
    }
    return widget;
  }

  /** @type {CSSStyleSheet | undefined} the components' stylesheet, which their shadow roots share */
  let sheet;
  /** @type {Widget | undefined} the last rendering, destroyed or not */
  let rendering;

  /** Renders afresh: the last rendering gives its hosts back, and a new one draws, its banner's
      disclosure as the last one left it. */
  function render() {
    destroy();
    rendering = Widget(rendering ? rendering.open : 0);
  }

  /** Gives the last rendering's hosts back (Signpost.destroy). */
  function destroy() {
    if (rendering) rendering.destroy();
  }

  /** The global: Signpost("render"), Signpost.render(), .destroy(), .version. Calls queued
      before load (window.Signpost.q, as Plausible's snippet does) run once ready.
      @param {string} command
      @param {...*} args */
  function api(command, ...args) {
    let method = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (api))[command];
    if ({}.hasOwnProperty.call(api, command) && typeof method === "function") method.apply(api, args);
  }
  api.version = D.version;
  api.render = render;
  api.destroy = destroy;
  page.Signpost = api;

  function start() {
    render();
    ((previous && previous.q) || []).forEach((/** @type {[string, ...*]} */ call) => { api.apply(null, call); });
  }
  // The stylesheet, last: apart from the code it compresses better (~27 B gzipped).
  let CSS = __SIGNPOST_CSS__;
  if (doc.body) start();
  else doc.addEventListener("DOMContentLoaded", start);
})();
