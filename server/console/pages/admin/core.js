// The console's core: sign-in, the API client, hash routing between views, and the helpers every
// view shares (DOM building, field errors, the live region). It is window.SP; edit.js adds the
// helpers of editing (diffs, conflicts, previews, review and publish, unsaved changes, ordered
// lists); content.js, notices.js, lines.js, history.js and dashboard.js register views on it.
//
// Everything an operator, a partner or a visitor wrote reaches the page as text (SP.h makes text
// nodes; nothing here touches innerHTML): content is data, never markup.
(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  var TOKEN = "signpost.token"; // sessionStorage only: gone with the tab, never in localStorage
  var SP = (window.SP = {});
  SP.lang = root.lang === "fr" ? "fr" : "en";

  // --- Copy -------------------------------------------------------------------------------
  var copy = { en: {}, fr: {} };
  // SP.strings({en: {...}, fr: {...}}, ns) registers copy. Keys are global (a later file's key
  // replaces an earlier one) unless given a namespace: then they are "<ns>.<key>", read with
  // the function SP.ns(ns) returns.
  SP.strings = function (s, ns) {
    for (var l in s)
      for (var k in s[l]) if (copy[l]) copy[l][ns ? ns + "." + k : k] = s[l][k];
  };
  // SP.ns(ns): SP.t for a namespace's keys, falling back to the global ones (core's).
  SP.ns = function (ns) {
    return function (key) {
      var a = [].slice.call(arguments);
      if (copy[SP.lang][ns + "." + key] != null || copy.en[ns + "." + key] != null) a[0] = ns + "." + key;
      return SP.t.apply(null, a);
    };
  };
  // SP.t(key, ...args): the copy in SP.lang (else English, else the key), each {0}, {1}, ...
  // replaced by that argument (the first after the key is {0}).
  SP.t = function (key) {
    var s = copy[SP.lang][key], args = arguments;
    if (s == null) s = copy.en[key];
    if (s == null) s = key;
    return s.replace(/\{(\d+)\}/g, function (x, i) {
      return +i + 1 < args.length ? String(args[+i + 1]) : "";
    });
  };
  // The page carries the copy of its language (and in French the edge's catalogues of the
  // validator's problems and the API's refusals): the "console.*" keys of words/en.json and
  // words/fr.json, its "core" section global, each other section under its name.
  var data = JSON.parse(doc.getElementById("sp-copy").textContent), own = {};
  own[SP.lang] = data.strings;
  SP.strings(own);
  SP.problems = data.problems;
  SP.errors = data.errors;
  var idPattern = new RegExp(data.idPattern);
  // SP.access: each accessible way in a crisis line may list (snippets.AccessKinds), by code, as
  // visitors read it in SP.lang.
  SP.access = data.access || {};
  // SP.text(t): a localized text object ({en, fr}) in SP.lang, else English.
  SP.text = function (t) {
    return (t && (t[SP.lang] || t.en)) || "";
  };

  // --- DOM ----------------------------------------------------------------------------------
  // SP.h(tag, attrs, ...children): an element. attrs: "class", "text", on<event> functions,
  // value/checked/selected (set as properties), true (an empty attribute), false/null (none),
  // anything else as an attribute. Children: nodes, strings (text nodes), arrays, null.
  SP.h = function (tag, attrs) {
    var el = doc.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v == null || v === false) continue;
      if (k.slice(0, 2) === "on" && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "value" || k === "checked" || k === "selected") el[k] = v;
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    append(el, [].slice.call(arguments, 2));
    return el;
  };
  function append(el, kids) {
    kids.forEach(function (c) {
      if (c == null || c === false) return;
      if (Array.isArray(c)) append(el, c);
      else el.appendChild(typeof c === "object" ? c : doc.createTextNode(String(c)));
    });
  }
  var h = SP.h;
  var uid = 0;
  // SP.id(prefix): a fresh element id.
  SP.id = function (p) {
    return (p || "sp") + "-" + ++uid;
  };
  // SP.validID(id): whether id is an identifier the content model takes (lines, resources,
  // notices): the edge's rule (snippets.IDPattern), carried by the page.
  SP.validID = function (id) {
    return idPattern.test(id);
  };
  // SP.field(label, control, hint): a labelled field; the hint is tied by aria-describedby.
  SP.field = function (label, control, hint) {
    if (!control.id) control.id = SP.id("f");
    var kids = [h("label", { for: control.id }, label)];
    if (hint) {
      var hid = control.id + "-hint";
      kids.push(h("p", { id: hid, class: "hint" }, hint));
      describe(control, hid, true);
    }
    kids.push(control);
    return h("div", { class: "field" }, kids);
  };
  function describe(el, id, on) {
    var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (on) ids.push(id);
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }
  // SP.clear(el): removes every child.
  SP.clear = function (el) {
    while (el.firstChild) el.removeChild(el.firstChild);
    return el;
  };
  // SP.focus(el): moves focus there, making a non-control focusable by script only.
  SP.focus = function (el) {
    if (!el) return;
    if (!/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus();
  };
  // SP.time(iso): a date and time in the operator's language and time zone.
  SP.time = function (iso) {
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString(SP.lang === "fr" ? "fr-CA" : "en-CA", { dateStyle: "medium", timeStyle: "short" });
  };

  // SP.status(msg): an outcome in the polite live region ("Published version 12."). Cleared
  // first, so that the same message twice is announced twice.
  var live = doc.getElementById("sp-status");
  SP.status = function (msg) {
    live.textContent = "";
    setTimeout(function () {
      live.textContent = msg;
    }, 50);
  };

  // --- API ----------------------------------------------------------------------------------
  // SP.api(method, path, {body, ifMatch, note, headers, accept, token}) resolves (never rejects)
  // to {status, ok, etag, json, text, error}: error is the API's JSON error object, or one made
  // up for a network failure (status 0). A refused token (401, or 403 forbidden) signs out.
  SP.api = function (method, path, o) {
    o = o || {};
    var hd = { Accept: o.accept || "application/json" };
    var tok = o.token || sessionStorage.getItem(TOKEN);
    if (tok) hd.Authorization = "Bearer " + tok;
    if (o.ifMatch) hd["If-Match"] = typeof o.ifMatch === "number" ? '"v' + o.ifMatch + '"' : o.ifMatch;
    if (o.note) hd["X-Signpost-Note"] = o.note;
    var body = o.body;
    if (body != null && typeof body !== "string") {
      body = JSON.stringify(body);
      hd["Content-Type"] = "application/json";
    }
    Object.assign(hd, o.headers);
    return fetch(path, { method: method, headers: hd, body: body, cache: "no-store", credentials: "omit" }).then(
      function (r) {
        return r.text().then(function (text) {
          var json = null;
          if (/json/.test(r.headers.get("Content-Type") || "")) {
            try {
              json = JSON.parse(text);
            } catch (e) {}
          }
          var err = null;
          if (!r.ok) err = (json && json.error) || { code: "http_" + r.status, message: text || String(r.status) };
          var res = { status: r.status, ok: r.ok, etag: r.headers.get("ETag"), json: json, text: text, error: err };
          if (SP.me && !o.token && (r.status === 401 || (r.status === 403 && err.code !== "missing_scope"))) signOut(SP.t("tokenBad"));
          return res;
        });
      },
      function () {
        return { status: 0, ok: false, etag: null, json: null, text: "", error: { code: "network", message: SP.t("network") } };
      }
    );
  };
  // SP.version(etag): the number in "v12" (0 when absent).
  SP.version = function (etag) {
    var m = /v(\d+)/.exec(etag || "");
    return m ? +m[1] : 0;
  };
  // SP.content(): the current content as {version, etag, content, author, created_at}; rejects
  // with the API error. The last one read is SP.last (views share it: partners, regions).
  SP.content = function () {
    return SP.api("GET", "/v1/admin/content").then(function (r) {
      if (!r.ok) throw r.error;
      var j = r.json;
      SP.last = { version: j.version, etag: r.etag, content: j.content, author: j.author, created_at: j.created_at };
      return SP.last;
    });
  };
  // SP.partners(content): partner ids, sorted.
  SP.partners = function (c) {
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
    var args = m.args || [];
    return tpl.replace(/\{(\d+)\}/g, function (x, i) { return args[+i] !== undefined ? args[+i] : x; });
  }
  // SP.problem(p): a validation problem {code, args, message} in the console's language.
  SP.problem = function (p) {
    return translate(p && p.code && SP.problems && SP.problems[p.code], p);
  };
  // SP.message(e): an API error {code, id, args, message} in the console's language.
  SP.message = function (e) {
    return translate(e && e.id && SP.errors && SP.errors[e.id], e);
  };
  // SP.note(note): a version's note; the notes the edge writes itself (data.notes: each its
  // English, {0} for a value without spaces, and the page's language) read in the console's
  // language, an operator's own note as written.
  SP.note = function (n) {
    n = String(n || "");
    for (var i = 0; i < data.notes.length; i++) {
      var at = []; // the argument each group of the pattern holds, in the English's order
      var en = data.notes[i][0].replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&").replace(/\\\{(\d+)\\\}/g, function (x, j) {
        at.push(j);
        return "(\\S+)";
      });
      var m = new RegExp("^" + en + "$").exec(n);
      if (m) return data.notes[i][1].replace(/\{(\d+)\}/g, function (x, j) { return m[at.indexOf(j) + 1]; });
    }
    return n;
  };
  function isControl(el) {
    return /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
  }
  function byField(form, path) {
    // The exact path, else its nearest ancestor the form names: "notices[0].partners[1]" lands
    // on the fieldset marked "notices[0].partners".
    for (var p = path; p; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, "")) {
      var el = form.querySelector('[data-field="' + CSS.escape(p) + '"]');
      if (el) return el;
      if (!/(\.[^.[\]]*|\[\d+\])$/.test(p)) break;
    }
    return null;
  }
  // SP.fieldErrors(form, error): each of error.errors (or error.field) beside the element with
  // data-field="<path>": aria-invalid, aria-describedby and a visible message. A summary at the
  // top of the form lists them all (linking to the placed ones) and takes the focus.
  SP.fieldErrors = function (form, error) {
    SP.clearErrors(form);
    var list = (error && error.errors) || [];
    var one = !list.length;
    if (one) list = [{ field: (error && error.field) || "", message: (error && error.message) || "", id: error && error.id, args: error && error.args }];
    var items = [], first = null;
    list.forEach(function (p) {
      var el = p.field ? byField(form, p.field) : null, msg = one ? SP.message(p) : SP.problem(p);
      if (!el) {
        items.push(h("li", null, p.field ? SP.t("errorIn", p.field, msg) : msg));
        return;
      }
      var ctl = isControl(el) ? el : el.querySelector("input,select,textarea") || el;
      // Something that is not a control (a list edited with buttons) is named by its heading
      // and takes the focus itself when its link in the summary is followed.
      if (ctl === el && el.tagName !== "FIELDSET" && !isControl(el)) {
        if (!el.id) el.id = SP.id("f");
        el.tabIndex = -1;
      }
      // The summary names the field as the form does: "Link, English" for an input in a group.
      var lby = el.getAttribute("aria-labelledby");
      var label = (form.querySelector('label[for="' + ctl.id + '"]') || (lby && doc.getElementById(lby)) || el).textContent.trim();
      var group = ctl.closest("fieldset");
      var lg = group && form.contains(group) && group.querySelector("legend");
      if (lg) {
        lg = lg.textContent.trim();
        label = el === group ? lg : lg + ", " + label;
      }
      var mid = SP.id("err");
      var node = h("p", { id: mid, class: "err" }, SP.t("error"), msg);
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
          onclick: function (e) {
            e.preventDefault();
            ctl.focus();
          },
        }, SP.t("errorIn", label, msg)))
      );
    });
    var sum = h("div", { class: "summary", "data-summary": true, tabindex: "-1" },
      h("h2", null, items.length > 1 ? SP.t("problemsN", items.length) : SP.t("problems")), h("ul", null, items));
    form.insertBefore(sum, form.firstChild);
    sum.focus();
    return first;
  };
  // SP.clearErrors(form): removes what SP.fieldErrors added.
  SP.clearErrors = function (form) {
    form.querySelectorAll(".err,[data-summary]").forEach(function (n) {
      n.remove();
    });
    form.querySelectorAll('[aria-invalid="true"],[aria-describedby*="err-"]').forEach(function (el) {
      el.removeAttribute("aria-invalid");
      (el.getAttribute("aria-describedby") || "").split(" ").forEach(function (id) {
        if (/^err-/.test(id)) describe(el, id, false);
      });
    });
  };
  // SP.errorText(error): one line for an error without fields.
  SP.errorText = function (e) {
    return SP.t("error") + SP.message(e);
  };

  // --- Sign-in, session, views --------------------------------------------------------------
  var views = [];
  var session = doc.getElementById("sp-session"), navBox = doc.getElementById("sp-nav"), main = doc.getElementById("main");
  var leave = null;
  // SP.view(name, {label, scopes, render}): a section of the console at #/<name>[/params...].
  // render(main, params) may return a function, called when the operator leaves the view (to
  // stop its timers). scopes: any one of them opens the view (none: any operator).
  SP.view = function (name, o) {
    o.name = name;
    views.push(o);
  };
  // SP.can(scope...): whether the signed-in token has one of the scopes.
  SP.can = function () {
    var have = (SP.me && SP.me.scopes) || [];
    return [].some.call(arguments, function (s) {
      return have.indexOf(s) >= 0;
    });
  };
  function allowed(v) {
    return !v.scopes || !v.scopes.length || SP.can.apply(null, v.scopes);
  }
  // SP.go(name, ...params): opens a view.
  SP.go = function () {
    var h = "#/" + [].map.call(arguments, encodeURIComponent).join("/");
    if (location.hash === h) SP.route();
    else location.hash = h;
  };

  function signInForm(msg) {
    SP.clear(session);
    SP.clear(navBox);
    var input = h("input", { type: "password", id: "sp-token", name: "token", autocomplete: "off", spellcheck: "false", "data-field": "token" });
    var form = h("form", { class: "signin", novalidate: true, "aria-labelledby": "sp-signin-h" },
      h("h1", { id: "sp-signin-h" }, SP.t("signinTitle")),
      SP.field(SP.t("token"), input, SP.t("tokenHint")),
      h("p", null, h("button", { type: "submit", class: "primary" }, SP.t("signin"))));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var tok = input.value.trim();
      if (!tok) return SP.fieldErrors(form, { field: "token", message: SP.t("tokenEmpty") });
      SP.api("GET", "/v1/admin/whoami", { token: tok }).then(function (r) {
        if (!r.ok) {
          var m = r.status === 0 ? SP.t("network") : r.error.code === "admin_disabled" ? SP.t("tokenOff") : SP.t("tokenBad");
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
    input.focus();
  }
  function signOut(msg) {
    sessionStorage.removeItem(TOKEN);
    SP.me = null;
    if (leave) leave();
    leave = null;
    signInForm(msg || SP.t("signedOut"));
  }
  SP.signOut = signOut;
  function signedIn(me, fresh) {
    SP.me = { name: me.name, scopes: me.scopes || [] };
    SP.clear(session).appendChild(h("p", null, h("span", { "data-operator": me.name }, SP.t("signedAs", me.name)), " ",
      h("button", { type: "button", "data-action": "signout", onclick: function () {
        signOut();
      } }, SP.t("signout"))));
    var list = views.filter(allowed);
    SP.clear(navBox).appendChild(h("nav", { "aria-label": SP.t("views") }, h("ul", { class: "views" }, list.map(function (v) {
      return h("li", null, h("a", { href: "#/" + v.name, "data-view": v.name }, SP.t(v.label)));
    }))));
    route(fresh);
  }
  // SP.route(): renders the view the hash names (again).
  function route(focus) {
    if (!SP.me) return;
    var parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    var v = views.find(function (x) {
      return x.name === parts[0];
    });
    if (!v) {
      var first = views.filter(allowed);
      var want = doc.body.getAttribute("data-page") === "feedback" ? "feedback" : null;
      v = first.find(function (x) {
        return x.name === want;
      }) || first.find(function (x) {
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
    navBox.querySelectorAll("[data-view]").forEach(function (a) {
      if (v && a.getAttribute("data-view") === v.name) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    doc.querySelectorAll("[data-lang-link]").forEach(function (a) {
      a.href = a.href.replace(/#.*$/, "") + location.hash;
    });
    if (!v) {
      main.appendChild(h("p", null, SP.t("noViews")));
      return;
    }
    doc.title = SP.t(v.label) + " – " + doc.querySelector(".brand").textContent;
    if (!allowed(v)) {
      main.appendChild(h("h1", null, SP.t(v.label)));
      main.appendChild(h("p", { class: "notice" }, SP.t("missingScope", v.scopes.join(" | "))));
    } else {
      var r = v.render(main, parts.slice(1));
      if (typeof r === "function") leave = r;
    }
    if (focus) {
      var hd = main.querySelector("h1");
      SP.focus(hd || main);
    }
  }
  SP.route = function () {
    route(false);
  };
  // Leaving a view, or the page, with changes not published asks first.
  window.addEventListener("hashchange", function (e) {
    if (!/^#\//.test(location.hash) && location.hash) return;
    if (SP.me && SP.unsaved() && !confirm(SP.t("leaveQ"))) return history.replaceState(null, "", e.oldURL);
    route(true);
  });
  window.addEventListener("beforeunload", function (e) {
    if (SP.me && SP.unsaved()) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
  doc.querySelector(".skip").addEventListener("click", function (e) {
    e.preventDefault();
    SP.focus(main);
  });

  // Views register from the files after this one; start once they have.
  doc.addEventListener("DOMContentLoaded", function () {
    var tok = sessionStorage.getItem(TOKEN);
    if (!tok) return signInForm();
    SP.api("GET", "/v1/admin/whoami", { token: tok }).then(function (r) {
      if (r.ok) signedIn(r.json, false);
      else {
        sessionStorage.removeItem(TOKEN);
        signInForm(r.status === 0 ? SP.t("network") : SP.t("tokenBad"));
      }
    });
  });
})();
