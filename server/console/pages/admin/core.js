// The console's core: sign-in, the API client, hash routing between views, and the helpers every
// view shares (DOM building, field errors, the live region). It is window.SP; edit.js adds the
// helpers of editing (diffs, conflicts, previews, review and publish, unsaved changes, ordered
// lists); content.js, notices.js, lines.js, history.js and dashboard.js register views on it.
//
// Everything an operator, a partner or a visitor wrote reaches the page as text (SP.h makes text
// nodes; nothing here touches innerHTML): content is data, never markup.
(function () {
  "use strict";
  const doc = document, root = doc.documentElement;
  const TOKEN = "signpost.token"; // sessionStorage only: gone with the tab, never in localStorage
  const SP = (window.SP = {});
  SP.lang = root.lang === "fr" ? "fr" : "en";
  // The organisation's identity provider, when the edge has one: {provider, href}. A person
  // signed in through it holds a session cookie (HttpOnly: this script never sees it) and sends
  // the session's CSRF token, which whoami gives, with every change.
  const oidcBox = doc.getElementById("sp-signin");
  const oidc = oidcBox ? JSON.parse(oidcBox.textContent) : null;

  // --- Copy -------------------------------------------------------------------------------
  const copy = { en: {}, fr: {} };
  // SP.strings({en: {...}, fr: {...}}, ns) registers copy. Keys are global (a later file's key
  // replaces an earlier one) unless given a namespace: then they are "<ns>.<key>", read with
  // the function SP.ns(ns) returns.
  SP.strings = (s, ns) => {
    for (const l in s)
      for (const k in s[l]) if (copy[l]) copy[l][ns ? ns + "." + k : k] = s[l][k];
  };
  // SP.ns(ns): SP.t for a namespace's keys, falling back to the global ones (core's).
  SP.ns = (ns) => (key, ...args) => {
    const scoped = ns + "." + key;
    return SP.t(copy[SP.lang][scoped] != null || copy.en[scoped] != null ? scoped : key, ...args);
  };
  // SP.t(key, ...args): the copy in SP.lang (else English, else the key), each {0}, {1}, ...
  // replaced by that argument (the first after the key is {0}).
  SP.t = (key, ...args) => {
    let s = copy[SP.lang][key];
    if (s == null) s = copy.en[key];
    if (s == null) s = key;
    return s.replace(/\{(\d+)\}/g, (x, i) => (+i < args.length ? String(args[+i]) : ""));
  };
  // The page carries the copy of its language (and in French the edge's catalogues of the
  // validator's problems and the API's refusals): the "console.*" keys of words/en.json and
  // words/fr.json, its "core" section global, each other section under its name.
  const data = JSON.parse(doc.getElementById("sp-copy").textContent), own = {};
  own[SP.lang] = data.strings;
  SP.strings(own);
  SP.problems = data.problems;
  SP.warnings = data.warnings || {};
  SP.errors = data.errors;
  const idPattern = new RegExp(data.idPattern);
  // SP.access: each accessible way in a crisis line may list (snippets.AccessKinds), by code, as
  // visitors read it in SP.lang.
  SP.access = data.access || {};
  // SP.text(t): a localized text object ({en, fr}) in SP.lang, else English.
  SP.text = (t) => {
    return (t && (t[SP.lang] || t.en)) || "";
  };

  // --- DOM ----------------------------------------------------------------------------------
  // SP.h(tag, attrs, ...children): an element. attrs: "class", "text", on<event> functions,
  // value/checked/selected (set as properties), true (an empty attribute), false/null (none),
  // anything else as an attribute. Children: nodes, strings (text nodes), arrays, null.
  SP.h = (tag, attrs, ...kids) => {
    const el = doc.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k.slice(0, 2) === "on" && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "value" || k === "checked" || k === "selected") el[k] = v;
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    append(el, kids);
    return el;
  };
  function append(el, kids) {
    kids.forEach((c) => {
      if (c == null || c === false) return;
      if (Array.isArray(c)) append(el, c);
      else el.appendChild(typeof c === "object" ? c : doc.createTextNode(String(c)));
    });
  }
  const h = SP.h;
  let uid = 0;
  // SP.id(prefix): a fresh element id.
  SP.id = (p) => {
    return (p || "sp") + "-" + ++uid;
  };
  // SP.validID(id): whether id is an identifier the content model takes (lines, resources,
  // notices): the edge's rule (snippets.IDPattern), carried by the page.
  SP.validID = (id) => {
    return idPattern.test(id);
  };
  // SP.field(label, control, hint): a labelled field; the hint is tied by aria-describedby.
  SP.field = (label, control, hint) => {
    if (!control.id) control.id = SP.id("f");
    const kids = [h("label", { for: control.id }, label)];
    if (hint) {
      const hid = control.id + "-hint";
      kids.push(h("p", { id: hid, class: "hint" }, hint));
      describe(control, hid, true);
    }
    kids.push(control);
    return h("div", { class: "field" }, kids);
  };
  function describe(el, id, on) {
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((x) => {
      return x && x !== id;
    });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }
  // SP.clear(el): removes every child.
  SP.clear = (el) => {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  };
  // SP.focus(el): moves focus there, making a non-control focusable by script only.
  SP.focus = (el) => {
    if (!el) return;
    if (!/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus();
  };
  // SP.time(iso): a date and time in the operator's language and time zone.
  SP.time = (iso) => {
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString(SP.lang === "fr" ? "fr-CA" : "en-CA", { dateStyle: "medium", timeStyle: "short" });
  };

  // SP.status(msg): an outcome in the polite live region ("Published version 12."). Cleared
  // first, so that the same message twice is announced twice.
  const live = doc.getElementById("sp-status");
  SP.status = (msg) => {
    live.textContent = "";
    setTimeout(() => {
      live.textContent = msg;
    }, 50);
  };

  // --- API ----------------------------------------------------------------------------------
  // SP.api(method, path, {body, ifMatch, note, headers, accept, token}) resolves (never rejects)
  // to {status, ok, etag, json, text, error}: error is the API's JSON error object, or one made
  // up for a network failure (status 0). A refused token (401, or 403 forbidden) signs out.
  SP.api = (method, path, o) => {
    o = o || {};
    const hd = { Accept: o.accept || "application/json" };
    const tok = o.token || sessionStorage.getItem(TOKEN);
    if (tok) hd.Authorization = "Bearer " + tok;
    else if (SP.me && SP.me.csrf && method !== "GET" && method !== "HEAD") hd["X-Signpost-CSRF"] = SP.me.csrf;
    if (o.ifMatch) hd["If-Match"] = typeof o.ifMatch === "number" ? '"v' + o.ifMatch + '"' : o.ifMatch;
    if (o.note) hd["X-Signpost-Note"] = o.note;
    let body = o.body;
    if (body != null && typeof body !== "string") {
      body = JSON.stringify(body);
      hd["Content-Type"] = "application/json";
    }
    Object.assign(hd, o.headers);
    return fetch(path, { method, headers: hd, body, cache: "no-store", credentials: tok ? "omit" : "same-origin" }).then(
      (r) => {
        return r.text().then((text) => {
          let json = null;
          if (/json/.test(r.headers.get("Content-Type") || "")) {
            try {
              json = JSON.parse(text);
            } catch (e) {}
          }
          let err = null;
          if (!r.ok) err = (json && json.error) || { code: "http_" + r.status, message: text || String(r.status) };
          const res = { status: r.status, ok: r.ok, etag: r.headers.get("ETag"), json, text, error: err };
          if (SP.me && !o.token && (r.status === 401 || (r.status === 403 && (err.code === "forbidden" || err.code === "admin_disabled")))) signOut(SP.t(SP.me.csrf ? "sessionEnded" : "tokenBad"), true);
          return res;
        });
      },
      () => {
        return { status: 0, ok: false, etag: null, json: null, text: "", error: { code: "network", message: SP.t("network") } };
      }
    );
  };
  // SP.version(etag): the number in "v12" (0 when absent).
  SP.version = (etag) => {
    const m = /v(\d+)/.exec(etag || "");
    return m ? +m[1] : 0;
  };
  // SP.content(): the current content as {version, etag, content, author, created_at}; rejects
  // with the API error. The last one read is SP.last (views share it: partners, regions).
  SP.content = () => {
    return SP.api("GET", "/v1/admin/content").then((r) => {
      if (!r.ok) throw r.error;
      const j = r.json;
      SP.last = { version: j.version, etag: r.etag, content: j.content, author: j.author, created_at: j.created_at };
      return SP.last;
    });
  };
  // SP.partners(content): partner ids, sorted.
  SP.partners = (c) => {
    return Object.keys((c && c.partners) || {}).sort();
  };

  // --- Errors beside their fields -------------------------------------------------------------
  // Validation problems are translated by their code (SP.problems), the API's refusals by their
  // message id (SP.errors): both the edge's French catalogues, carried by the French page, each
  // template with the arguments at {0}, {1}, ... (TestConsoleFrenchMessages makes
  // every message an operator can meet with the real API and validator). Anything else (no
  // code, no id) is shown as it is.
  function translate(tpl, m) {
    if (SP.lang !== "fr" || !tpl) return String((m && m.message) || "");
    const args = m.args || [];
    return tpl.replace(/\{(\d+)\}/g, (x, i) => { return args[+i] !== undefined ? args[+i] : x; });
  }
  // SP.problem(p): a validation problem {code, args, message} in the console's language.
  SP.problem = (p) => {
    return translate(p && p.code && SP.problems && SP.problems[p.code], p);
  };
  // SP.message(e): an API error {code, id, args, message} in the console's language.
  SP.message = (e) => {
    return translate(e && e.id && SP.errors && SP.errors[e.id], e);
  };
  // SP.note(note): a version's note; the notes the edge writes itself (data.notes: each its
  // English, {0} for a value without spaces, and the page's language) read in the console's
  // language, an operator's own note as written.
  SP.note = (n) => {
    n = String(n || "");
    for (let i = 0; i < data.notes.length; i++) {
      const at = []; // the argument each group of the pattern holds, in the English's order
      const en = data.notes[i][0].replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/\\\{(\d+)\\\}/g, (x, j) => {
        at.push(j);
        return "(\\S+)";
      });
      const m = new RegExp("^" + en + "$").exec(n);
      if (m) return data.notes[i][1].replace(/\{(\d+)\}/g, (x, j) => m[at.indexOf(j) + 1]);
    }
    return n;
  };
  function isControl(el) {
    return /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
  }
  function byField(form, path) {
    // The exact path, else its nearest ancestor the form names: "notices[0].partners[1]" lands
    // on the fieldset marked "notices[0].partners".
    for (let p = path; p; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, "")) {
      const el = form.querySelector('[data-field="' + CSS.escape(p) + '"]');
      if (el) return el;
      if (!/(\.[^.[\]]*|\[\d+\])$/.test(p)) break;
    }
    return null;
  }
  // SP.fieldErrors(form, error): each of error.errors (or error.field) beside the element with
  // data-field="<path>": aria-invalid, aria-describedby and a visible message. A summary at the
  // top of the form lists them all (linking to the placed ones) and takes the focus.
  SP.fieldErrors = (form, error) => {
    SP.clearErrors(form);
    let list = (error && error.errors) || [];
    const one = !list.length;
    if (one) list = [{ field: (error && error.field) || "", message: (error && error.message) || "", id: error && error.id, args: error && error.args }];
    const items = [];
    let first = null;
    list.forEach((p) => {
      const el = p.field ? byField(form, p.field) : null, msg = one ? SP.message(p) : SP.problem(p);
      if (!el) {
        items.push(h("li", null, p.field ? SP.t("errorIn", p.field, msg) : msg));
        return;
      }
      const ctl = isControl(el) ? el : el.querySelector("input,select,textarea") || el;
      // Something that is not a control (a list edited with buttons) is named by its heading
      // and takes the focus itself when its link in the summary is followed.
      if (ctl === el && el.tagName !== "FIELDSET" && !isControl(el)) {
        if (!el.id) el.id = SP.id("f");
        el.tabIndex = -1;
      }
      // The summary names the field as the form does: "Link, English" for an input in a group.
      const lby = el.getAttribute("aria-labelledby");
      let label = (form.querySelector('label[for="' + ctl.id + '"]') || (lby && doc.getElementById(lby)) || el).textContent.trim();
      const group = ctl.closest("fieldset");
      let lg = group && form.contains(group) && group.querySelector("legend");
      if (lg) {
        lg = lg.textContent.trim();
        label = el === group ? lg : lg + ", " + label;
      }
      const mid = SP.id("err");
      const node = h("p", { id: mid, class: "err" }, SP.t("error"), msg);
      if (el.tagName === "FIELDSET") el.appendChild(node);
      else el.insertAdjacentElement("afterend", node);
      if (ctl !== el || el.tagName !== "FIELDSET") {
        // aria-invalid where ARIA allows it (a form control); a list gets the description only.
        if (isControl(ctl)) ctl.setAttribute("aria-invalid", "true");
        describe(ctl, mid, true);
      }
      first = first || ctl;
      items.push(
        h("li", null, h("a", {
          href: "#" + ctl.id,
          onclick(e) {
            e.preventDefault();
            ctl.focus();
          },
        }, SP.t("errorIn", label, msg)))
      );
    });
    const sum = h("div", { class: "summary", "data-summary": true, tabindex: "-1" },
      h("h2", null, items.length > 1 ? SP.t("problemsN", items.length) : SP.t("problems")), h("ul", null, items));
    form.insertBefore(sum, form.firstChild);
    sum.focus();
    return first;
  };
  // SP.clearErrors(form): removes what SP.fieldErrors added.
  SP.clearErrors = (form) => {
    form.querySelectorAll(".err,[data-summary]").forEach((n) => {
      n.remove();
    });
    form.querySelectorAll('[aria-invalid="true"],[aria-describedby*="err-"]').forEach((el) => {
      el.removeAttribute("aria-invalid");
      (el.getAttribute("aria-describedby") || "").split(" ").forEach((id) => {
        if (/^err-/.test(id)) describe(el, id, false);
      });
    });
  };
  // SP.errorText(error): one line for an error without fields.
  SP.errorText = (e) => {
    return SP.t("error") + SP.message(e);
  };

  // --- Sign-in, session, views --------------------------------------------------------------
  const views = [];
  const session = doc.getElementById("sp-session"), navBox = doc.getElementById("sp-nav"), main = doc.getElementById("main");
  let leave = null;
  // SP.view(name, {label, scopes, partners, render}): a section of the console at
  // #/<name>[/params...]. render(main, params) may return a function, called when the operator
  // leaves the view (to stop its timers). scopes: any one of them opens the view (none: any
  // operator). partners: the view keeps to the operator's partners (its routes are
  // partner-aware), so an operator limited to some partners sees it; no other view is shown to
  // one (the edge would refuse it: 403 partner_limited).
  SP.view = (name, o) => {
    o.name = name;
    views.push(o);
  };
  // SP.can(scope...): whether the signed-in token has one of the scopes.
  SP.can = (...scopes) => {
    const have = (SP.me && SP.me.scopes) || [];
    return scopes.some((s) => have.indexOf(s) >= 0);
  };
  // SP.limited(): the partners the signed-in operator is limited to, or null (every partner).
  SP.limited = () => {
    return (SP.me && SP.me.partners) || null;
  };
  function allowed(v) {
    if (SP.limited() && !v.partners) return false;
    return !v.scopes || !v.scopes.length || SP.can.apply(null, v.scopes);
  }
  // SP.go(name, ...params): opens a view.
  SP.go = (...params) => {
    const hash = "#/" + params.map((p) => encodeURIComponent(p)).join("/");
    if (location.hash === hash) SP.route();
    else location.hash = hash;
  };

  function signInForm(msg) {
    SP.clear(session);
    SP.clear(navBox);
    const input = h("input", { type: "password", id: "sp-token", name: "token", autocomplete: "off", spellcheck: "false", "data-field": "token" });
    const form = h("form", { class: "signin", novalidate: true, "aria-labelledby": "sp-signin-h" },
      h("h1", { id: "sp-signin-h" }, SP.t("signinTitle")),
      oidc ? [h("p", null, h("a", { class: "button primary", href: oidc.href, "data-action": "oidc" }, SP.t("signinWith", oidc.provider))),
        h("p", null, SP.t("signinOr"))] : null,
      SP.field(SP.t("token"), input, SP.t("tokenHint")),
      h("p", null, h("button", { type: "submit", class: "primary" }, SP.t("signin"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const tok = input.value.trim();
      if (!tok) return SP.fieldErrors(form, { field: "token", message: SP.t("tokenEmpty") });
      SP.api("GET", "/v1/admin/whoami", { token: tok }).then((r) => {
        if (!r.ok) {
          const m = r.status === 0 ? SP.t("network") : r.error.code === "admin_disabled" ? SP.t("tokenOff") : SP.t("tokenBad");
          SP.fieldErrors(form, { field: "token", message: m });
          input.focus();
          return;
        }
        sessionStorage.setItem(TOKEN, tok);
        signedIn(r.json, true);
      });
    });
    SP.clear(main).appendChild(form);
    if (msg) SP.status(msg);
    if (!oidc) input.focus();
    else SP.focus(form.querySelector("h1"));
  }
  // signOut(msg, local): back to the sign-in form. A person's session is ended on the edge
  // (every edge: it is shared), unless local (the edge already refused it); everywhere ends
  // every session of that person.
  function signOut(msg, local, everywhere) {
    if (SP.me && SP.me.csrf && !local) {
      SP.api("DELETE", "/v1/admin/session" + (everywhere ? "?everywhere=true" : "")).then(() => {
        SP.me.csrf = "";
        signOut(msg, true);
      });
      return;
    }
    sessionStorage.removeItem(TOKEN);
    SP.me = null;
    if (leave) leave();
    leave = null;
    signInForm(msg || SP.t("signedOut"));
  }
  SP.signOut = signOut;
  // What the edge says an operator must fix in the deployment (GET /v1/admin/whoami warnings:
  // edges sharing Redis with different client-address keys), above every view.
  function warningsBox(codes) {
    if (!codes || !codes.length) return null;
    return h("div", { class: "fail attention", role: "region", "aria-labelledby": "sp-warn-h" },
      h("h2", { id: "sp-warn-h" }, SP.t("warningsTitle")),
      codes.map((c) => h("p", { "data-warning": c }, SP.warnings[c] || c)));
  }
  function signedIn(me, fresh) {
    SP.me = { name: me.name, scopes: me.scopes || [], partners: me.partners || null, csrf: me.csrf || "" };
    const who = me.provider ? SP.t("signedInVia", me.email || me.name, me.provider) : me.name;
    SP.clear(session).appendChild(h("p", null, h("span", { "data-operator": me.name }, SP.t("signedAs", who)),
      SP.me.partners ? [" ", h("span", { "data-partners": SP.me.partners.join(" ") }, SP.t("signedPartners", SP.me.partners.join(", ")))] : null, " ",
      h("button", { type: "button", "data-action": "signout", onclick() {
        signOut();
      } }, SP.t("signout")),
      me.csrf ? [" ", h("button", { type: "button", "data-action": "signout-everywhere", onclick() {
        signOut(null, false, true);
      } }, SP.t("signoutEverywhere"))] : null));
    const list = views.filter(allowed);
    SP.clear(navBox).appendChild(h("nav", { "aria-label": SP.t("views") }, h("ul", { class: "views" }, list.map((v) => {
      return h("li", null, h("a", { href: "#/" + v.name, "data-view": v.name }, SP.t(v.label)));
    }))));
    const warned = warningsBox(me.warnings);
    if (warned) navBox.appendChild(warned);
    route(fresh);
  }
  // SP.route(): renders the view the hash names (again).
  function route(focus) {
    if (!SP.me) return;
    let parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    let v = views.find((x) => {
      return x.name === parts[0];
    });
    if (!v) {
      const first = views.filter(allowed);
      const want = doc.body.getAttribute("data-page") === "feedback" ? "feedback" : null;
      v = first.find((x) => {
        return x.name === want;
      }) || first.find((x) => {
        return x.name !== "feedback";
      }) || first[0];
      parts = [v ? v.name : ""];
    }
    if (leave) leave();
    leave = null;
    SP.unguardAll();
    SP.clear(main);
    // What the last view said is not left for this one (an outcome said just before the move,
    // still waiting in SP.status, is said after it).
    live.textContent = "";
    navBox.querySelectorAll("[data-view]").forEach((a) => {
      if (v && a.getAttribute("data-view") === v.name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    doc.querySelectorAll("[data-lang-link]").forEach((a) => {
      a.href = a.href.replace(/#.*$/, "") + location.hash;
    });
    if (!v) {
      main.appendChild(h("p", null, SP.t("noViews")));
      return;
    }
    doc.title = SP.t(v.label) + " – " + doc.querySelector(".brand").textContent;
    if (!allowed(v)) {
      main.appendChild(h("h1", null, SP.t(v.label)));
      main.appendChild(h("p", { class: "notice" }, SP.limited() && !v.partners ? SP.t("partnerLimited") : SP.t("missingScope", v.scopes.join(" | "))));
    } else {
      const r = v.render(main, parts.slice(1));
      if (typeof r === "function") leave = r;
    }
    if (focus) {
      const hd = main.querySelector("h1");
      SP.focus(hd || main);
    }
  }
  SP.route = () => {
    route(false);
  };
  // Leaving a view, or the page, with changes not published asks first.
  window.addEventListener("hashchange", (e) => {
    if (!/^#\//.test(location.hash) && location.hash) return;
    if (SP.me && SP.unsaved() && !confirm(SP.t("leaveQ"))) return history.replaceState(null, "", e.oldURL);
    route(true);
  });
  window.addEventListener("beforeunload", (e) => {
    if (SP.me && SP.unsaved()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
  doc.querySelector(".skip").addEventListener("click", (e) => {
    e.preventDefault();
    SP.focus(main);
  });

  // Views register from the files after this one; start once they have.
  doc.addEventListener("DOMContentLoaded", () => {
    const tok = sessionStorage.getItem(TOKEN);
    if (!tok && !oidc) return signInForm();
    if (!tok) {
      // A person who signed in with the provider has a session cookie, or had one.
      return SP.api("GET", "/v1/admin/whoami").then((r) => {
        if (r.ok && r.json.csrf) signedIn(r.json, true);
        else signInForm(r.status === 0 ? SP.t("network") : r.status === 401 && r.error.code === "session_ended" ? SP.t("sessionEnded") : "");
      });
    }
    SP.api("GET", "/v1/admin/whoami", { token: tok }).then((r) => {
      if (r.ok) signedIn(r.json, false);
      else {
        sessionStorage.removeItem(TOKEN);
        signInForm(r.status === 0 ? SP.t("network") : SP.t("tokenBad"));
      }
    });
  });
})();
