/* Signpost widget. The crisis banner renders synchronously from data baked into this bundle,
   before any network request, so that it shows even when the edge, Redis or the network fails.
   Everything a partner or operator wrote is rendered with textContent, never parsed as HTML. */
(() => {
  "use strict";
  var w = window, d = document, perf = w.performance;
  var script = /** @type {HTMLScriptElement} */ (d.currentScript);
  var prev = w.Signpost;
  if (prev && prev.version) return; // included twice: the first copy renders
  mark("start");

  var D = bare(__SIGNPOST_DATA__);
  var CSS = __SIGNPOST_CSS__;
  var TEXT = __SIGNPOST_TEXT__;

  var cfg, view, sheet, phrases, hosts = [], presses = [], live = false, keep = 0;

  /** Deep copy into objects without a prototype: a page that adds to Object.prototype cannot
      make a missing field (a line's tel, say) appear. */
  function bare(v) {
    if (Array.isArray(v)) return v.map(bare);
    if (v && typeof v == "object") {
      var o = Object.create(null);
      Object.keys(v).forEach((k) => { o[k] = bare(v[k]); });
      return o;
    }
    return v;
  }

  function mark(n) { try { perf.mark("signpost:" + n); } catch (e) {} }

  function tr(t) { return t ? t[cfg.loc] || t.en || "" : ""; }

  function fill(s, k, v) { return s.replace("{" + k + "}", v); }

  function digits(n) { return String(n || "").replace(/[^0-9+]/g, ""); }

  var uid = 0;
  function id() { return "sp" + ++uid; }

  function el(tag, cls, text, parent) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function attr(e, a) {
    Object.keys(a).forEach((k) => { e.setAttribute(k, a[k]); });
    return e;
  }

  /** A link whose accessible name is its visible text (WCAG 2.5.3). A number written without
      separators (988, 686868) is also given digit by digit as the link's description, so that
      a screen reader does not read "nine hundred and eighty-eight" alone. */
  function link(parent, href, text, cls, num) {
    var a = attr(el("a", cls, "", parent), { href: href }), i = num ? text.indexOf(num) : -1;
    if (i < 0) a.textContent = text;
    else {
      // The number never breaks across lines ("1-866-" / "277-3553"); one span holds the
      // whole text, so that a flex button keeps its spaces.
      var t = el("span", "", text.slice(0, i), a);
      el("span", "n", num, t);
      t.append(text.slice(i + num.length));
    }
    if (/^\d{2,}$/.test(num || "")) {
      var s = attr(el("span", "", num.split("").join(" "), parent), { id: id(), hidden: "" });
      a.setAttribute("aria-describedby", s.id);
    }
    return a;
  }

  function lang(s) {
    s = String(s || "").toLowerCase().split(/[-_]/)[0];
    return TEXT[s] ? s : "";
  }

  function code(s) { return /^[a-z]{2}(-[a-z0-9]{1,3})?$/i.test(s || "") ? s.toUpperCase() : ""; }

  /** The region entry that serves a code: the code, else its country, else none. Every entry
      has its emergency numbers in the bundle; only the regions partners serve have their lines. */
  function entry(c) { return c in D.emergency ? c : c.slice(0, 2) in D.emergency ? c.slice(0, 2) : ""; }

  /** The region of the browser's time zone from the zones baked in (those of the countries
      whose lines are): its country, or the province or territory it lies wholly in (CA-NU);
      "?" when the zone says nothing (UTC, Etc/*), "" for any other zone, which the edge places.
      zone holds the zone's name, which the snippet request sends. */
  var zone = "";
  function zoneCode() {
    try {
      var z = Intl.DateTimeFormat().resolvedOptions().timeZone || "", c = /^(Etc\/|UTC$|GMT$)|^$/.test(z) ? "?" : "";
      zone = c ? "" : z;
      Object.keys(D.tz).forEach((k) => {
        D.tz[k].split(" ").forEach((g) => {
          var i = g.lastIndexOf("/") + 1;
          g.slice(i).split(",").forEach((city) => { if (g.slice(0, i) + city == z) c = k; });
        });
      });
      return c;
    } catch (e) { return "?"; }
  }

  /** Where a visitor located at z (zoneCode) is placed under the partner's default, as the
      edge's snippets.Place: a province or territory wherever the default is; the default when
      only its country is known or nothing is; another country as it is. */
  function place(z, def) { return z == "?" ? def : !z ? "" : z.length > 2 || z != def.slice(0, 2) ? z : def; }

  /** The visitor's own choice of region, kept on this device only (UI state). */
  function choice(v) {
    try {
      var s = w.localStorage, k = "signpost-region";
      if (v == null) return s.getItem(k);
      v ? s.setItem(k, v) : s.removeItem(k);
    } catch (e) {}
  }

  /** WCAG AA needs 4.5:1 for text on white: an accent that fails it is not used. */
  function accent(a) {
    if (!/^#[0-9a-f]{6}$/i.test(a || "")) return "";
    var L = [1, 3, 5].map((i) => {
      var v = parseInt(a.substr(i, 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 1.05 / (0.2126 * L[0] + 0.7152 * L[1] + 0.0722 * L[2] + 0.05) >= 4.5 ? a : "";
  }

  function safeURL(u) { return /^https?:\/\//i.test(u || "") ? u : ""; }

  function config() {
    var ds = (script && script.dataset) || {}, p = D.partners[ds.partner] || bare({});
    var comps = (ds.components || (p.components || []).join(",") || "banner").split(",").map((s) => s.trim());
    // data-region, else the visitor's own choice, else the partner's default placed by the
    // time zone (a UK visitor on a Canadian site must not get 988; America/Iqaluit is Nunavut,
    // which has no 9-1-1); a zone not baked in leaves the region to the edge (TimeZones.Region),
    // and the banner neutral until it answers. Only the first two are sent as region=.
    var own = code(ds.region) || code(choice()), region = own || place(zoneCode(), code(p.region)); // Intl costs ~50 ms cold
    return {
      partner: ds.partner || "",
      loc: lang(ds.locale) || lang(d.documentElement.lang) || "en",
      region: region, key: entry(region), own: own, pin: code(ds.region), chosen: !code(ds.region) && own,
      comps: comps,
      accent: accent(ds.accent) || accent(p.accent),
      exit: safeURL(ds.exitUrl) || safeURL(p.exit_url) || "https://www.google.com/",
      // Where the edge answers: "/v1" on the edge's origin (a draft preview bakes in its own).
      api: script && script.src ? new URL(script.src).origin + __SIGNPOST_API__ : ""
    };
  }

  /** The banner's view from the baked data, in the shape of the server's snippet. A region whose
      lines are not baked in gets the neutral message with its own emergency numbers until the
      snippet brings its lines: never a guessed number. */
  function baked() {
    var r = D.regions[cfg.key];
    if (!r) return bare({ message: tr(D.unknown.message), emergency: [D.emergency[cfg.key]], lines: [], directory: { url: D.unknown.directory_url, label: tr(D.unknown.directory_label) } });
    return bare({
      message: tr(r.message), emergency: [D.emergency[cfg.key]], emergency_note: tr(r.note),
      lines: r.lines.map((id) => {
        var l = D.lines[id];
        return { id: id, name: tr(l.name), call: l.call, tel: l.tel || digits(l.call), call_hint: tr(l.call_hint), text: l.text, sms: digits(l.text), keyword: l.keyword, chat_url: l.chat_url, hours: tr(l.hours), audience: tr(l.audience) };
      })
    });
  }

  /** Finds the component's host: the partner's placeholder, else a new element of our own name
      (page selectors such as `div` do not reach it), placed as the embed contract says. Quick
      exit's own goes last in the body, where it moves nothing and sticks to the bottom of the
      screen (widget.css). */
  function host(name, after) {
    var h = /** @type {HTMLElement} */ (d.querySelector('[data-signpost="' + name + '"]'));
    if (!h) {
      h = d.createElement("signpost-" + name);
      h.setAttribute("data-signpost", name);
      h.setAttribute("data-signpost-own", "");
      var b = d.body, s = after || script;
      if (!after && name == "banner") b.insertBefore(h, b.firstChild);
      else if (name != "exit" && s && s.parentNode && b.contains(s)) s.parentNode.insertBefore(h, s.nextSibling);
      else b.appendChild(h);
    }
    hosts.push(h);
    var r;
    try { r = h.shadowRoot || h.attachShadow({ mode: "open" }); } catch (e) { r = el("signpost-" + name, "", "", h).attachShadow({ mode: "open" }); }
    r.replaceChildren();
    try {
      sheet = sheet || new CSSStyleSheet();
      sheet.replaceSync(CSS);
      r.adoptedStyleSheets = [sheet];
    } catch (e) { el("style", "", CSS, r); }
    h.setAttribute("lang", cfg.loc);
    if (cfg.accent) h.style.setProperty("--sp-accent", cfg.accent);
    return r;
  }

  /** Renders crisis lines in full: name, who for, tel:/sms:/chat links, hours, languages. */
  function lines(parent, ls) {
    var ul = el("ul", "lines", "", parent);
    ls.forEach((l) => {
      var li = el("li", "line", "", ul);
      el("span", "name", l.name, li);
      if (l.audience) el("span", "meta", l.audience, li);
      acts(li, l, "");
      el("span", "meta", l.hours, li);
      if (l.ways) el("span", "meta", l.ways, li);
    });
    return ul;
  }

  /** A line's call, text and chat links, each counted when used; cls styles them as buttons. */
  function acts(parent, l, cls) {
    var S = TEXT[cfg.loc], on = (e, a) => { a.onclick = () => count(e, l.id); };
    if (l.tel) on("tel", link(parent, "tel:" + l.tel, S.call + " " + l.call + (l.call_hint && !cls ? ", " + l.call_hint : ""), cls, l.call));
    if (l.sms) on("sms", link(parent, "sms:" + l.sms, l.keyword ? fill(fill(S.textKw, "0", l.keyword), "1", l.text) : S.text + " " + l.text, cls, l.text));
    if (l.chat_url && safeURL(l.chat_url) && !cls) on("chat", link(parent, l.chat_url, S.chat));
  }

  /** The banner as first shown: the first line's name, its call and text buttons, the emergency
      number, and one disclosure holding the region's full sentence and every line. Its height
      is fixed per breakpoint (widget.css) so that a partner can reserve it. */
  function banner(root) {
    var S = TEXT[cfg.loc], ls = view.lines, first = ls[0], em = (view.emergency || [])[0];
    var box = attr(el("section", "banner", "", root), { "aria-label": S.crisis, lang: cfg.loc });
    if (view.notice && view.notice.message) {
      var u = safeURL(view.notice.url), n = el("p", "notice", view.notice.message + (u ? " " : ""), box), left = Date.parse(view.notice.expires_at) - Date.now();
      if (u) link(n, u, S.info);
      // An expired notice leaves an open page by itself (timers past ~24 days would fire at once).
      if (left < 2e9) setTimeout(() => n.remove(), left);
    }
    if (first) {
      var h = el("p", "head", "", box);
      el("span", "name", first.name, h);
      if (first.hours) el("span", "meta", " · " + first.hours, h);
    } else el("p", "msg", view.message, box);
    var row = el("div", "acts", "", box);
    if (first) acts(row, first, "b");
    // Where no emergency number serves the region (Nunavut), what to do instead, in its place.
    if (em) link(row, "tel:" + digits(em), S.em + " " + em, "b em", em);
    else if (view.emergency_note) el("p", "b em emn", view.emergency_note, row);
    if (!first && view.directory && safeURL(view.directory.url)) link(row, view.directory.url, view.directory.label, "b");
    if (first) {
      var k = ls.length - 1, p = el("div", "panel", "", box), b = attr(el("button", "b more", fill(S.more[Math.min(k, 2)], "0", k), row), { type: "button", "aria-expanded": "false", "aria-controls": p.id = id() });
      var m = attr(el("p", "msg", view.message, p), { tabindex: "-1" }), c = view.choice, toggle = () => { b.setAttribute("aria-expanded", p.hidden); p.hidden = !p.hidden; };
      p.hidden = true;
      lines(p, ls);
      b.onclick = () => { toggle(); keep = /** @type {*} */ (!p.hidden); };
      // The visitor's own choice: their country's places; kept on this device, sent only as
      // the snippet's region. Applied with a button (a select that changed the page as it
      // moved would move a keyboard user's focus away); the banner then opens on its sentence.
      // Not where the page names the region itself: data-region wins over a choice.
      if (c && c.places && !cfg.pin) {
        var f = el("form", "where", "", p), sel = el("select", "", "", el("label", "", c.label, f));
        c.places.forEach((x) => { el("option", "", x.name, sel).value = x.code; });
        sel.value = cfg.key;
        el("button", "b", c.show, f);
        f.onsubmit = (e) => { e.preventDefault(); pick(sel.value); };
        if (cfg.chosen) attr(el("button", "b more", c.forget, f), { type: "button" }).onclick = () => pick("");
      }
      if (keep) {
        toggle();
        if (keep > 1) m.focus();
      }
    }
  }

  /** Keeps (or, with "", forgets) the visitor's choice and draws the banner for it. */
  function pick(v) {
    choice(v);
    keep = 2;
    render();
  }

  function resources(root, rs) {
    var S = TEXT[cfg.loc], box = attr(el("section", "res", "", root), { "aria-label": S.res, lang: cfg.loc });
    var ul = el("ul", "grid", "", box);
    rs.forEach((r) => {
      var li = el("li", "card", "", ul), svg = d.createElementNS("http://www.w3.org/2000/svg", "svg");
      attr(svg, { viewBox: "0 0 24 24", "aria-hidden": "true" });
      attr(svg.appendChild(d.createElementNS(svg.namespaceURI, "path")), { d: r.icon || "" });
      li.appendChild(svg);
      if (safeURL(r.url)) link(el("p", "t", "", li), r.url, r.title);
      el("p", "", r.summary, li);
      el("p", "meta", r.meta, li);
    });
  }

  /** True when the comment reads like a crisis: whole words, any case, accents ignored. The
      server applies the same list the same way. */
  function crisisText(s) {
    var t = " " + s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim() + " ";
    return (phrases || []).some((p) => t.indexOf(" " + p + " ") >= 0);
  }

  function crisisBox(parent, intro) {
    var box = attr(el("div", "crisis", "", parent), { role: "alert" });
    el("p", "msg", intro, box);
    if (view.lines.length) lines(box, view.lines);
    else banner(box);
    return box;
  }

  function yesNo(form, f, name) {
    var fs = el("fieldset", "", "", form);
    el("legend", "", f[name], fs);
    [["yes", 1], ["no", 0]].forEach((o) => {
      var lab = el("label", "opt", "", fs);
      attr(el("input", "", "", lab), { type: "radio", name: name, value: o[1] });
      lab.append(" " + f[o[0]]);
    });
  }

  function field(form, tag, label, a) {
    var i = a.id = id();
    attr(el("label", "lab", label, form), { "for": i });
    return attr(el(tag, "", "", form), a);
  }

  function feedback(root, f) {
    var S = TEXT[cfg.loc], t0 = Date.now(), shown = false;
    var form = attr(el("form", "fb", "", root), { "aria-label": S.fb, lang: cfg.loc, novalidate: "" });
    yesNo(form, f, "found");
    yesNo(form, f, "helpful");
    var c = field(form, "textarea", f.comment, { maxlength: "1000", rows: "3", "aria-describedby": "spc" });
    var count = attr(el("p", "meta", "0/1000", form), { id: "spc" });
    var alertAt = el("div", "", "", form);
    var hp = attr(el("div", "hp", "", form), { "aria-hidden": "true" });
    attr(el("input", "", "", hp), { name: "website", tabindex: "-1", autocomplete: "off" });
    var fl = el("label", "opt", "", form), fu = attr(el("input", "", "", fl), { type: "checkbox" });
    fl.append(" " + f.followup);
    var em = el("div", "", "", form);
    em.hidden = true;
    var email = field(em, "input", f.email, { type: "email", autocomplete: "email", "aria-describedby": "spe" });
    var emErr = attr(el("p", "err", "", em), { id: "spe" });
    el("p", "note", f.not_monitored, form);
    var btn = attr(el("button", "b", f.send, form), { type: "submit" });
    var status = attr(el("p", "st", "", form), { role: "status" });

    c.oninput = () => {
      count.textContent = c.value.length + "/1000";
      if (!shown && crisisText(c.value)) shown = crisisBox(alertAt, f.crisis_intro);
    };
    fu.onchange = () => { em.hidden = !fu.checked; };
    form.onsubmit = (e) => {
      e.preventDefault();
      var found = form.querySelector("[name=found]:checked"), helpful = form.querySelector("[name=helpful]:checked");
      status.textContent = emErr.textContent = "";
      email.removeAttribute("aria-invalid");
      if (!found && !helpful) {
        status.textContent = f.answer_required;
        return form.querySelector("input").focus();
      }
      var mail = fu.checked ? email.value.trim() : "";
      if (fu.checked && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(mail)) {
        emErr.textContent = f.email_invalid;
        email.setAttribute("aria-invalid", "true");
        return email.focus();
      }
      btn.disabled = true;
      request(cfg.api + "/feedback", JSON.stringify({
        partner: cfg.partner, page: location.pathname, locale: cfg.loc,
        found: found ? found.value == "1" : undefined, helpful: helpful ? helpful.value == "1" : undefined,
        comment: c.value.trim(), followup: fu.checked, email: mail || undefined,
        website: form.querySelector("[name=website]").value, elapsed_ms: Date.now() - t0
      }), (code, body, retry) => {
        btn.disabled = false;
        if (code == 202) {
          form.replaceChildren();
          var st = attr(el("p", "st", f.thanks, form), { role: "status", tabindex: "-1" });
          if (body && body.crisis) crisisBox(form, f.crisis_intro);
          return st.focus();
        }
        if (code == 400 && body && body.error && body.error.field == "email") {
          emErr.textContent = f.email_invalid;
          return email.focus();
        }
        status.textContent = code == 429 ? fill(f.rate_limited, "seconds", Math.max(1, parseInt(retry, 10) || 60)) : f.send_failed;
      });
    };
  }

  /** Fetches JSON. A POST goes as text/plain (no preflight) with keepalive, so it survives the
      visitor leaving the page. Any failure, including a page's broken fetch, is code 0. */
  function request(url, body, cb) {
    var done = 0;
    function end(code, json, retry) { if (!done++) cb(code, json && bare(json), retry); }
    try {
      fetch(url, body ? { method: "POST", body: body, keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain;charset=UTF-8" } } : { credentials: "omit" })
        .then((r) => r.json().then((j) => end(r.status, j, r.headers.get("Retry-After")), () => end(r.status)))
        .then(null, () => end(0));
    } catch (e) { end(0); }
  }

  /** Usage counts without tracking: partner, region entry, event and line, nothing else; after
      the banner, never before it; none under Do Not Track or Global Privacy Control, and none
      from an opaque origin (a sandboxed frame such as the builder's preview: the edge refuses
      them). */
  function count(e, l) {
    var n = navigator;
    try {
      if (cfg.api && cfg.partner && w.origin != "null" && n.doNotTrack != "1" && n.globalPrivacyControl !== true) n.sendBeacon(cfg.api + "/beacon", JSON.stringify({ partner: cfg.partner, region: cfg.key, event: e, line: l }));
    } catch (x) {}
  }

  function quickExit(root) {
    var S = TEXT[cfg.loc], box = attr(el("aside", "exit", "", root), { lang: cfg.loc, "aria-label": S.exit });
    var b = attr(el("button", "b", S.exit, box), { type: "button", "aria-describedby": "spx" });
    // The Shift hint is hidden by widget.css where no keyboard is likely (a touch phone).
    var m = attr(el("span", "meta", "", box), { id: "spx" });
    el("span", "kb", S.kb + " ", m);
    m.append(S.hist);
    b.onclick = leave;
  }

  /** Hides the page at once, then leaves without adding a history entry. */
  function leave() {
    d.documentElement.style.setProperty("display", "none", "important");
    location.replace(cfg.exit);
  }

  /** Shift pressed three times within 5 seconds, not while typing, not with another key. */
  function onKey(e) {
    var t = e.composedPath ? e.composedPath()[0] : e.target, now = Date.now();
    if (e.key != "Shift" || e.repeat) return (presses = []);
    if (t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable)) return;
    presses = presses.filter((p) => now - p < 5000).concat(now);
    if (presses.length > 2) leave();
  }

  function onShow(e) { if (e.persisted) d.documentElement.style.removeProperty("display"); }

  function has(c) { return cfg.comps.indexOf(c) >= 0; }

  function render() {
    destroy();
    cfg = config();
    view = baked();
    var b = host("banner");
    banner(b);
    mark("banner");
    if (cfg.own) zoneCode(); // the visitor's clock, for lines' opening hours
    if (has("exit")) {
      quickExit(host("exit", b.host));
      d.addEventListener("keydown", onKey, true);
      w.addEventListener("pageshow", onShow);
      live = true;
    }
    if (!cfg.api || !cfg.partner) return;
    // region= only for data-region or the visitor's choice: otherwise the edge places the
    // visitor (a CDN's location header, the time zone, the partner's default). The time zone
    // also says a line's opening hours on the visitor's clock.
    var at = hosts;
    request(cfg.api + "/snippets/" + encodeURIComponent(cfg.partner) + "?locale=" + cfg.loc + (cfg.own ? "&region=" + cfg.own : "") + (zone ? "&tz=" + encodeURIComponent(zone) : ""), null, (code, s) => {
      // An answer to a rendering since destroyed or drawn again is dropped.
      var ok = at == hosts && code == 200 && s && s.banner;
      if (ok) cfg.key = s.region || "";
      if (at == hosts) count("shown");
      if (!ok) return;
      // Drawn again from the edge's answer: its region's own lines, their hours now, the
      // places to choose from, a notice; the same height, the disclosure as it was.
      view = s.banner;
      view.notice = s.notice;
      banner(host("banner"));
      mark("edge");
      keep = keep && 1;
      var after = script;
      if (has("resources") && s.resources && s.resources.length) {
        var r = host("resources");
        resources(r, s.resources);
        after = r.host;
      }
      phrases = s.feedback && s.feedback.phrases;
      if (has("feedback") && s.feedback) feedback(host("feedback", after), s.feedback);
    });
  }

  function destroy() {
    hosts.forEach((h) => {
      if (h.hasAttribute("data-signpost-own")) h.remove();
      // What the partner's element held (a server-rendered banner) shows again.
      else if (h.shadowRoot) h.shadowRoot.replaceChildren(d.createElement("slot"));
    });
    hosts = [];
    if (live) {
      d.removeEventListener("keydown", onKey, true);
      w.removeEventListener("pageshow", onShow);
      live = false;
    }
  }

  /** The global: Signpost("render"), Signpost.render(), .destroy(), .version. Calls queued
      before load (window.Signpost.q, as Plausible's snippet does) run once ready. */
  function api(cmd) {
    var f = api[cmd];
    if (Object.prototype.hasOwnProperty.call(api, cmd) && typeof f == "function") f.apply(api, [].slice.call(arguments, 1));
  }
  api.version = D.version;
  api.render = render;
  api.destroy = destroy;
  w.Signpost = api;

  function start() {
    render();
    ((prev && prev.q) || []).forEach((a) => { api.apply(null, a); });
  }
  if (d.body) start();
  else d.addEventListener("DOMContentLoaded", start);
})();
