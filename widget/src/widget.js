/* Signpost widget. The crisis banner renders synchronously from data baked into this bundle,
   before any network request, so that it shows even when the edge, Redis or the network fails.
   Everything a partner or operator wrote is rendered with textContent, never parsed as HTML. */
(() => {
  "use strict";
  var w = window, d = document, perf = w.performance;
  var script = d.currentScript;
  var prev = w.Signpost;
  if (prev && prev.version) return; // included twice: the first copy renders
  mark("start");

  var D = bare(__SIGNPOST_DATA__);
  var CSS = __SIGNPOST_CSS__;
  var TEXT = {
    en: {
      crisis: "Crisis support", call: "Call", text: "Text", textKw: "Text {k} to {n}", chat: "Chat online",
      res: "Featured resources", fb: "Feedback",
      exit: "Quick exit", exitNote: "Or press Shift 3 times. Your browser history is not erased."
    },
    fr: {
      crisis: "Aide en situation de crise", call: "Appeler le", text: "Texter le", textKw: "Textez {k} au {n}", chat: "Clavarder en ligne",
      res: "Ressources en vedette", fb: "Rétroaction",
      exit: "Sortie rapide", exitNote: "Ou appuyez 3 fois sur Maj. L'historique du navigateur n'est pas effacé."
    }
  };
  var ICONS = {
    pdf: "M6 2h9l5 5v15H6zm3 11h6m-6 4h6",
    video: "M3 5h18v14H3zm7 4v6l5-3z",
    webinar: "M3 4h18v12H3zm5 16h8m-4-4v4",
    toolkit: "M3 7h18v13H3zm5 0V4h8v3",
    page: "M4 3h16v18H4zm4 5h8m-8 4h8",
    course: "M2 9l10-5 10 5-10 5zm4 2v5c3 2 9 2 12 0v-5"
  };

  var cfg, view, sheet, hosts = [], presses = [], live = false;

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

  /** Spells a number digit by digit, so screen readers do not read 988 as nine hundred... */
  function spell(n) { return digits(n).split("").join(" "); }

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

  function link(parent, href, text, label) {
    var a = attr(el("a", "", text, parent), { href: href });
    if (label) a.setAttribute("aria-label", label);
    return a;
  }

  function lang(s) {
    s = String(s || "").toLowerCase().split(/[-_]/)[0];
    return TEXT[s] ? s : "";
  }

  function code(s) { return /^[a-z]{2}(-[a-z0-9]{1,3})?$/i.test(s || "") ? s.toUpperCase() : ""; }

  /** The region entry that serves a code: the code, else its country, else none. */
  function entry(c) { return D.regions[c] ? c : D.regions[c.slice(0, 2)] ? c.slice(0, 2) : ""; }

  /** The country of the browser's time zone, never a subdivision: a country with an entry, ""
      for a real zone of a country without one, "?" when the zone says nothing (UTC, Etc/*). */
  function zoneCountry() {
    try {
      var z = Intl.DateTimeFormat().resolvedOptions().timeZone || "", c = /^(Etc\/|UTC$|GMT$)|^$/.test(z) ? "?" : "";
      Object.keys(D.tz).forEach((k) => {
        D.tz[k].split(" ").forEach((g) => {
          var i = g.lastIndexOf("/") + 1;
          g.slice(i).split(",").forEach((city) => { if (g.slice(0, i) + city == z) c = k; });
        });
      });
      return c;
    } catch (e) { return "?"; }
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
    // data-region, else the partner's default unless the time zone places the visitor in
    // another country (a UK visitor on a Canadian site must not get 988), else that country;
    // ZZ (ISO 3166: unknown) when the zone is of a country with no entry.
    var def = code(p.region), tz = code(ds.region) ? "" : zoneCountry(); // Intl costs ~50 ms cold
    var region = code(ds.region) || (def && (tz == "?" || tz == def.slice(0, 2)) ? def : tz == "?" ? "" : tz || "ZZ");
    return {
      partner: ds.partner || "",
      loc: lang(ds.locale) || lang(d.documentElement.lang) || "en",
      region: region, key: entry(region),
      comps: comps,
      accent: accent(ds.accent) || accent(p.accent),
      exit: safeURL(ds.exitUrl) || safeURL(p.exit_url) || "https://www.google.com/",
      // Where the edge answers: "/v1" on the edge's origin (a draft preview bakes in its own).
      api: script && script.src ? new URL(script.src).origin + __SIGNPOST_API__ : ""
    };
  }

  /** The banner's view from the baked data, in the shape of the server's snippet. */
  function baked() {
    var r = D.regions[cfg.key];
    if (!r) return bare({ message: tr(D.unknown.message), lines: [], directory: { url: D.unknown.directory_url, label: tr(D.unknown.directory_label) } });
    return bare({
      message: tr(r.message),
      lines: r.lines.map((id) => {
        var l = D.lines[id];
        return { id: id, name: tr(l.name), call: l.call, tel: l.tel || digits(l.call), call_hint: tr(l.call_hint), text: l.text, sms: digits(l.text), keyword: l.keyword, chat_url: l.chat_url, hours: tr(l.hours), audience: tr(l.audience) };
      })
    });
  }

  /** Finds the component's host: the partner's placeholder, else a new element of our own name
      (page selectors such as `div` do not reach it), placed as the embed contract says. */
  function host(name, after) {
    var h = d.querySelector('[data-signpost="' + name + '"]');
    if (!h) {
      h = d.createElement("signpost-" + name);
      h.setAttribute("data-signpost", name);
      h.setAttribute("data-signpost-own", "");
      var b = d.body, s = after || script;
      if (!after && name == "banner") b.insertBefore(h, b.firstChild);
      else if (s && s.parentNode && b.contains(s)) s.parentNode.insertBefore(h, s.nextSibling);
      else b.appendChild(h);
    }
    hosts.push(h);
    var r;
    try { r = h.shadowRoot || h.attachShadow({ mode: "open" }); } catch (e) { r = el("signpost-" + name, "", "", h).attachShadow({ mode: "open" }); }
    while (r.firstChild) r.removeChild(r.firstChild);
    try {
      sheet = sheet || new CSSStyleSheet();
      sheet.replaceSync(CSS);
      r.adoptedStyleSheets = [sheet];
    } catch (e) { el("style", "", CSS, r); }
    h.setAttribute("lang", cfg.loc);
    if (cfg.accent) h.style.setProperty("--sp-accent", cfg.accent);
    return r;
  }

  /** Renders crisis lines: name, who for, tel:/sms:/chat links (each counted when used), hours. */
  function lines(parent, ls) {
    var S = TEXT[cfg.loc], ul = el("ul", "lines", "", parent);
    ls.forEach((l) => {
      var li = el("li", "line", "", ul), hint = l.call_hint ? ", " + l.call_hint : "", on = (e, a) => a.addEventListener("click", () => count(e, l.id));
      el("span", "name", l.name, li);
      if (l.audience) el("span", "meta", l.audience, li);
      if (l.tel) on("tel", link(li, "tel:" + l.tel, S.call + " " + l.call + hint, S.call + " " + spell(l.call) + hint));
      if (l.sms) {
        var t = (n) => l.keyword ? fill(fill(S.textKw, "k", l.keyword), "n", n) : S.text + " " + n;
        on("sms", link(li, "sms:" + l.sms, t(l.text), t(spell(l.text))));
      }
      if (l.chat_url && safeURL(l.chat_url)) on("chat", link(li, l.chat_url, S.chat));
      el("span", "meta", l.hours, li);
    });
    return ul;
  }

  function banner(root) {
    var box = attr(el("section", "banner", "", root), { "aria-label": TEXT[cfg.loc].crisis, lang: cfg.loc });
    if (view.notice && view.notice.message) {
      var n = el("p", "notice", view.notice.message, box), left = Date.parse(view.notice.expires_at) - Date.now();
      if (safeURL(view.notice.url)) link(n, view.notice.url, " ↗");
      // An expired notice leaves an open page by itself (timers past ~24 days would fire at once).
      if (left < 2e9) setTimeout(() => n.remove(), left);
    }
    el("p", "msg", view.message, box);
    if (view.lines.length) lines(box, view.lines);
    else if (view.directory && safeURL(view.directory.url)) link(el("p", "line", "", box), view.directory.url, view.directory.label);
  }

  function resources(root, rs) {
    var S = TEXT[cfg.loc], box = attr(el("section", "res", "", root), { "aria-label": S.res, lang: cfg.loc });
    var ul = el("ul", "grid", "", box);
    rs.forEach((r) => {
      var li = el("li", "card", "", ul), svg = d.createElementNS("http://www.w3.org/2000/svg", "svg");
      attr(svg, { viewBox: "0 0 24 24", "aria-hidden": "true" });
      attr(svg.appendChild(d.createElementNS(svg.namespaceURI, "path")), { d: ICONS[r.type] || ICONS.page });
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
    return D.phrases.some((p) => t.indexOf(" " + p + " ") >= 0);
  }

  function crisisBox(parent, intro) {
    var box = attr(el("div", "crisis", "", parent), { role: "alert" });
    el("p", "msg", intro, box);
    if (view.lines.length) lines(box, view.lines);
    else banner(box);
    return box;
  }

  var uid = 0;
  function yesNo(form, f, name) {
    var fs = el("fieldset", "", "", form);
    el("legend", "", f[name], fs);
    [["yes", 1], ["no", 0]].forEach((o) => {
      var lab = el("label", "opt", "", fs);
      attr(el("input", "", "", lab), { type: "radio", name: name, value: o[1] });
      lab.appendChild(d.createTextNode(" " + f[o[0]]));
    });
  }

  function field(form, tag, label, a) {
    var id = "sp" + ++uid;
    attr(el("label", "lab", label, form), { "for": id });
    a.id = id;
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
    fl.appendChild(d.createTextNode(" " + f.followup));
    var em = el("div", "", "", form);
    em.hidden = true;
    var email = field(em, "input", f.email, { type: "email", autocomplete: "email", "aria-describedby": "spe" });
    var emErr = attr(el("p", "err", "", em), { id: "spe" });
    el("p", "note", f.not_monitored, form);
    var btn = attr(el("button", "btn", f.send, form), { type: "submit" });
    var status = attr(el("p", "st", "", form), { role: "status" });

    c.addEventListener("input", () => {
      count.textContent = c.value.length + "/1000";
      if (!shown && crisisText(c.value)) shown = crisisBox(alertAt, f.crisis_intro);
    });
    fu.addEventListener("change", () => { em.hidden = !fu.checked; });
    form.addEventListener("submit", (e) => {
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
          while (form.firstChild) form.removeChild(form.firstChild);
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
    });
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
      the banner, never before it; none under Do Not Track or Global Privacy Control. */
  function count(e, l) {
    var n = navigator;
    try {
      if (cfg.api && cfg.partner && n.doNotTrack != "1" && n.globalPrivacyControl !== true) n.sendBeacon(cfg.api + "/beacon", JSON.stringify({ partner: cfg.partner, region: cfg.key, event: e, line: l }));
    } catch (x) {}
  }

  function quickExit(root) {
    var S = TEXT[cfg.loc], box = attr(el("aside", "exit", "", root), { lang: cfg.loc, "aria-label": S.exit });
    var b = attr(el("button", "btn", S.exit, box), { type: "button", "aria-describedby": "spx" });
    attr(el("span", "meta", S.exitNote, box), { id: "spx" });
    b.addEventListener("click", leave);
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
    if (has("exit")) {
      quickExit(host("exit", b.host));
      d.addEventListener("keydown", onKey, true);
      w.addEventListener("pageshow", onShow);
      live = true;
    }
    if (!cfg.api || !cfg.partner) return;
    request(cfg.api + "/snippets/" + encodeURIComponent(cfg.partner) + "?locale=" + cfg.loc + (cfg.region ? "&region=" + cfg.region : ""), null, (code, s) => {
      if (code != 200 || !s || !s.banner) return;
      if (s.version != D.version || s.notice) {
        view = s.banner;
        view.notice = s.notice;
        banner(host("banner"));
      }
      var after = script;
      if (has("resources") && s.resources && s.resources.length) {
        var r = host("resources");
        resources(r, s.resources);
        after = r.host;
      }
      if (has("feedback") && s.feedback) feedback(host("feedback", after), s.feedback);
    });
    count("shown");
  }

  function destroy() {
    hosts.forEach((h) => {
      if (h.hasAttribute("data-signpost-own")) h.parentNode && h.parentNode.removeChild(h);
      else if (h.shadowRoot) while (h.shadowRoot.firstChild) h.shadowRoot.removeChild(h.shadowRoot.firstChild);
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
