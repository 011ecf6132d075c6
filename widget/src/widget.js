/* Signpost widget: the crisis banner renders synchronously from data baked into this bundle,
   before any network request, so that it shows even when the edge or the network fails. */
(function () {
  "use strict";
  var DATA = __SIGNPOST_DATA__;
  var CSS = __SIGNPOST_CSS__;
  var w = window, d = document;
  var script = d.currentScript;

  var STRINGS = {
    en: { label: "Crisis support", call: "Call", text: "Text", textKw: "Text {k} to {n}", chat: "Chat online" },
    fr: { label: "Aide en situation de crise", call: "Appeler le", text: "Texter le", textKw: "Textez {k} au {n}", chat: "Clavarder en ligne" }
  };

  /** Reads a localized value: the locale's, else English (every Text has English). */
  function tr(t, loc) { return t ? (t[loc] || t.en || "") : ""; }

  /** Spells a number digit by digit so that screen readers do not read "988" as a quantity. */
  function spell(n) { return String(n).replace(/[^0-9+]/g, "").split("").join(" "); }

  /** Creates an element with text content only: operator text is never parsed as HTML. */
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function link(href, text, label) {
    var a = el("a", "", text);
    a.setAttribute("href", href);
    if (label) a.setAttribute("aria-label", label);
    return a;
  }

  /** Normalizes a locale to one the widget speaks: fr-CA -> fr, anything else -> en. */
  function locale(s) {
    s = String(s || "").toLowerCase().split(/[-_]/)[0];
    return STRINGS.hasOwnProperty(s) ? s : "";
  }

  /** Finds the region entry: the code itself, else its country, else none (never a guess). */
  function regionEntry(code) {
    code = String(code || "").toUpperCase();
    if (Object.prototype.hasOwnProperty.call(DATA.regions, code)) return code;
    code = code.slice(0, 2);
    return Object.prototype.hasOwnProperty.call(DATA.regions, code) ? code : "";
  }

  function config() {
    var ds = (script && script.dataset) || {};
    var partner = Object.prototype.hasOwnProperty.call(DATA.partners, ds.partner) ? DATA.partners[ds.partner] : {};
    return {
      partner: ds.partner || "",
      locale: locale(ds.locale) || locale(d.documentElement.getAttribute("lang")) || locale(partner.locale) || "en",
      region: regionEntry(ds.region || partner.region),
      accent: /^#[0-9a-fA-F]{6}$/.test(ds.accent || "") ? ds.accent : partner.accent
    };
  }

  /** Attaches one open Shadow DOM root with the widget's styles and nothing of the page's. */
  function mount(host, accent) {
    var root = host.attachShadow({ mode: "open" });
    if (w.CSSStyleSheet && "adoptedStyleSheets" in root) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", "", CSS));
    }
    if (accent) host.style.setProperty("--sp-accent", accent);
    return root;
  }

  function renderBanner(root, cfg) {
    var s = STRINGS[cfg.locale], loc = cfg.locale;
    var region = cfg.region ? DATA.regions[cfg.region] : null;
    var box = el("section", "banner");
    box.setAttribute("aria-label", s.label);
    box.appendChild(el("p", "msg", tr(region ? region.message : DATA.unknown.message, loc)));
    var list = el("ul", "lines");
    if (region) {
      region.lines.forEach(function (id) {
        var l = DATA.lines[id], li = el("li", "line");
        li.appendChild(el("span", "name", tr(l.name, loc)));
        if (l.audience) li.appendChild(el("span", "meta", tr(l.audience, loc)));
        if (l.tel) {
          var hint = tr(l.call_hint, loc);
          li.appendChild(link("tel:" + l.tel, s.call + " " + l.call + (hint ? ", " + hint : ""), s.call + " " + spell(l.call) + (hint ? ", " + hint : "")));
        }
        if (l.sms) {
          var t = l.keyword ? s.textKw.replace("{k}", l.keyword).replace("{n}", l.text) : s.text + " " + l.text;
          var tl = l.keyword ? s.textKw.replace("{k}", l.keyword).replace("{n}", spell(l.text)) : s.text + " " + spell(l.text);
          li.appendChild(link("sms:" + l.sms, t, tl));
        }
        if (l.chat_url) li.appendChild(link(l.chat_url, s.chat));
        li.appendChild(el("span", "meta", tr(l.hours, loc)));
        list.appendChild(li);
      });
    } else {
      var li = el("li", "line");
      li.appendChild(link(DATA.unknown.directory_url, tr(DATA.unknown.directory_label, loc)));
      list.appendChild(li);
    }
    box.appendChild(list);
    root.appendChild(box);
  }

  function start() {
    if (w.Signpost && w.Signpost.version) return; // included twice: render once
    var cfg = config();
    var host = d.querySelector('[data-signpost="banner"]');
    if (!host) {
      host = d.createElement("div");
      host.setAttribute("data-signpost", "banner");
      d.body.insertBefore(host, d.body.firstChild);
    }
    renderBanner(mount(host, cfg.accent), cfg);
    w.Signpost = { version: DATA.version };
  }

  if (d.body) start();
  else d.addEventListener("DOMContentLoaded", start);
})();
