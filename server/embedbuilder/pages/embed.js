/* Signpost embed builder. The server writes all the code: as the options change, this script
   asks /embed/code for it and shows the answer, reloads the preview and keeps the address in
   step (so a reload or a shared link comes back to the same options). Without it, the form's
   Update button does the same with a page load. All text shown comes from the server, as text. */
(() => {
  "use strict";
  var d = document, body = d.body, form = d.getElementById("options");
  var failed = d.getElementById("update-status");
  var OUTPUTS = ["pinned", "evergreen", "placeholders", "reserve", "csp", "noscript", "fragment", "ssi", "esi", "php", "wordpress",
    "include_css", "include_csp", "iframe", "iframe_css", "iframe_csp"];
  // The previews, one per way: frame id -> the answer's key.
  var FRAMES = { preview: "preview", "preview-include": "include_preview", "preview-iframe": "iframe_preview" };
  var FIELDS = ["partner", "locale", "region", "accent", "exit"];
  var seq = 0, timer = 0;
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) return;

  /** Asks for the code of the form's current options. Answers can arrive out of order: only the
      latest request's answer is shown. */
  function update() {
    clearTimeout(timer);
    var n = ++seq;
    fetch("/embed/code?" + new URLSearchParams(new FormData(form)), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then((c) => { if (n === seq) show(c); })
      .catch(() => { if (n === seq) failed.textContent = failed.getAttribute("data-failed"); });
  }

  /** Shows an answer: outputs, field messages and hints, previews, address and language links. */
  function show(c) {
    failed.textContent = "";
    OUTPUTS.forEach((k) => {
      var t = d.getElementById("out-" + k), s = d.getElementById("out-" + k + "-status");
      if (t.value !== c[k]) {
        t.value = c[k];
        s.textContent = ""; // a "Copied" status no longer describes this code
      }
    });
    FIELDS.forEach((f) => {
      var m = c.fields[f], el = d.getElementById(f + "-msg"), input = d.getElementById(f), hint = d.getElementById(f + "-hint");
      var text = m ? m.text : "";
      if (el.textContent !== text) el.textContent = text;
      el.className = "msg" + (m ? " " + m.level : "");
      if (m && m.level === "error") input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (hint && typeof c.hints[f] === "string" && hint.textContent !== c.hints[f]) hint.textContent = c.hints[f];
    });
    Object.keys(FRAMES).forEach((id) => {
      var frame = d.getElementById(id), src = c[FRAMES[id]];
      if (frame && typeof src === "string" && frame.getAttribute("src") !== src) {
        // A new frame rather than a new src: changing src would add an entry to the session
        // history, and Back would step through old previews before leaving the builder.
        var f = frame.cloneNode(false);
        f.setAttribute("src", src);
        frame.parentNode.replaceChild(f, frame);
      }
    });
    var q = c.query ? c.query + "&" : "";
    try { history.replaceState(null, "", "/embed?" + q + "lang=" + d.documentElement.lang); } catch (e) {}
    d.querySelectorAll("a[hreflang]").forEach((a) => { a.setAttribute("href", "/embed?" + q + "lang=" + a.getAttribute("hreflang")); });
  }

  /** Says something in a live region: emptied first, so that saying it again is announced. */
  function say(el, text) {
    el.textContent = "";
    setTimeout(() => { el.textContent = text; }, 60);
  }

  /** Copies an output with the Clipboard API; where that is missing or refused, selects the
      text and says how to copy it. */
  function copy(b) {
    var t = d.getElementById(b.getAttribute("data-copy")), s = d.getElementById(t.id + "-status");
    function select() {
      t.focus();
      t.select();
      say(s, body.getAttribute("data-selected"));
    }
    if (!navigator.clipboard || !navigator.clipboard.writeText) return select();
    navigator.clipboard.writeText(t.value).then(() => { say(s, body.getAttribute("data-copied")); }, select);
  }

  form.addEventListener("input", (e) => {
    clearTimeout(timer);
    // Typing waits for a pause; a choice (select, checkbox) updates at once.
    timer = setTimeout(update, /^(text|url)$/.test(e.target.type) ? 250 : 0);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    update();
  });
  d.querySelectorAll("button[data-copy]").forEach((b) => {
    b.hidden = false;
    b.addEventListener("click", () => { copy(b); });
  });
})();
