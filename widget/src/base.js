/* Signpost widget: its state and helpers. The bundle builder (bundle.go) joins base.js,
   components.js and widget.js, in that order, in one strict-mode function: each declares into
   that one scope, and widget.js, last, starts the widget (its opening comment is the overview).
   Each is checked on its own as a script (tsc, ESLint: eslint.config.js). */

let page = window, doc = document, perf = page.performance;
let script = /** @type {HTMLScriptElement | null} */ (doc.currentScript);
/** window.Signpost as this copy found it: the calls a page queued before load (Signpost.q), or
    the global of another copy of the widget, included before this one (it has a version). */
let previous = page.Signpost;
// Included twice, the first copy renders; the second marks, defines and draws nothing (the
// start-up at the end of widget.js). Written out twice rather than kept in a variable: ~8 B
// less gzipped.
if (!(previous && previous.version)) mark("start");

/** @type {WidgetData} */
let D = bare(__SIGNPOST_DATA__);
var TEXT = __SIGNPOST_TEXT__;

/**
 * @typedef {keyof typeof TEXT} Locale  a language the widget speaks ("en", "fr")
 * @typedef {typeof TEXT.en} Words  the widget's own words in one language
 * @typedef {Record<string, string>} Localized  an operator's text in each language, by locale
 */

/**
 * The data baked into the bundle (snippets.Loaded.WidgetData).
 * @typedef {Object} WidgetData
 * @property {string} version  the content version
 * @property {Record<string, BakedRegion>} regions  the region entries partners serve
 * @property {Record<string, string>} emergency  every entry's first emergency number ("" for none)
 * @property {Record<string, BakedLine>} lines  the lines of those regions, by id
 * @property {{message: Localized, directory_url: string, directory_label: Localized}} unknown  what a region without lines shows
 * @property {Record<string, Partner>} partners  every partner's public defaults, by id
 * @property {Record<string, string>} tz  region code: the time zones that place a visitor there ("America/Regina,Swift_Current")
 *
 * @typedef {{message: Localized, lines: string[], note?: Localized}} BakedRegion
 * @typedef {{name: Localized, call?: string, tel?: string, call_hint?: Localized, text?: string, keyword?: string, chat_url?: string, hours?: Localized, audience?: Localized}} BakedLine
 * @typedef {{region?: string, components?: string[], accent?: string, exit_url?: string}} Partner
 */

/**
 * The edge's snippet (snippets.SnippetView) and its parts; the widget draws the banner's from
 * the baked data (bakedView) until the snippet answers.
 * @typedef {{region?: string, banner?: BannerView, resources?: ResourceView[], feedback?: FeedbackView, notice?: NoticeView | null}} Snippet
 * @typedef {{message: string, emergency?: string[], emergency_note?: string, lines: LineView[], directory?: {url: string, label: string}, choice?: ChoiceView, notice?: NoticeView | null}} BannerView
 * @typedef {{id: string, name: string, call?: string, tel?: string, call_hint?: string, text?: string, sms?: string, keyword?: string, chat_url?: string, hours?: string, audience?: string, ways?: string, status_message?: string, report?: {url: string, label: string}}} LineView
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
    let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
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
  /** @param {Localized} [text] */
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
    // A string body is sent as text/plain;charset=UTF-8 by every fetch (the Fetch standard's
    // body extraction), as sendBeacon sends the beacon's: no header to write.
    fetch(url, body ? { method: "POST", body, keepalive: true, credentials: "omit" } : { credentials: "omit" })
      .then((response) => response.json().then((answer) => end(response.status, answer, response.headers.get("Retry-After")), () => end(response.status)))
      .then(null, () => end(0));
  } catch (e) { end(0); }
}

/** Renders crisis lines in full: name, who for, tel:/sms:/chat links, hours, languages; in
    the banner's disclosure, once the edge has answered, each line's "Report a problem with
    this line", which opens the frame page on its report form in a new tab (target=_blank has
    meant noopener in every browser of the target since 2021).
    @param {Node} parent
    @param {LineView[]} lines
    @param {Widget} widget  the rendering that counts the links' use
    @param {number} [reports]  1: with the report links */
function drawLines(parent, lines, widget, reports) {
  let list = el("ul", "lines", "", parent);
  lines.forEach((line) => {
    let item = el("li", "line", "", list);
    el("span", "name", line.name, item);
    if (line.status_message) el("p", "err", line.status_message, item);
    if (line.audience) el("span", "meta", line.audience, item);
    drawLineLinks(item, line, widget, "");
    el("span", "meta", line.hours, item);
    if (line.ways) el("span", "meta", line.ways, item);
    // The report's address is a path on the edge: the script's origin.
    if (reports && line.report) link(item, /** @type {*} */ (new URL(line.report.url, /** @type {HTMLScriptElement} */ (script).src)), line.report.label).target = "_blank";
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
