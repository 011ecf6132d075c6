/* Signpost widget: the rendering (Widget), window.Signpost and the start-up. The bundle builder
   (bundle.go) joins base.js (state and helpers), components.js (the components) and this file,
   in that order, in one strict-mode function whose scope they share; this file, last, starts.

   The crisis banner renders synchronously from data baked into the bundle, before any network
   request, so that it shows even when the edge, Redis or the network fails. Everything a
   partner or operator wrote is rendered with textContent, never parsed as HTML.

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
   properties; the files' top-level names are locals of the bundle's function too), and variables
   are declared with let, which the minifier merges (const costs ~30 B gzipped). */

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
      sheet.replaceSync(STYLE);
      root.adoptedStyleSheets = [sheet];
    } catch (e) { el("style", "", STYLE, root); }
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

function start() {
  render();
  ((previous && previous.q) || []).forEach((/** @type {[string, ...*]} */ call) => { api.apply(null, call); });
}
// The stylesheet, last: apart from the code it compresses better (~27 B gzipped).
let STYLE = __SIGNPOST_CSS__;
// Included twice, only the first copy defines window.Signpost and renders (base.js: previous).
if (!(previous && previous.version)) {
  page.Signpost = api;
  if (doc.body) start();
  else doc.addEventListener("DOMContentLoaded", start);
}
