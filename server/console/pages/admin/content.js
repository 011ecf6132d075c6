// Content views: each partner's featured resources (order, add, remove) and the resources
// themselves (add, edit, remove). Every change goes through SP.save: a dry run shows the diff
// and a live preview, then Publish sends it with If-Match.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("content");
  // Copy: the "console.content.*" keys of words/en.json and words/fr.json.

  function byId(c, id) {
    return (c.resources || []).find((r) => {
      return r.id === id;
    });
  }
  function titleOf(c, id) {
    const r = byId(c, id);
    return r ? SP.text(r.title) : id;
  }
  function partnersFeaturing(c, id) {
    return SP.partners(c).filter((p) => {
      return (c.partners[p].featured || []).indexOf(id) >= 0;
    });
  }
  function loadFailed(main, e) {
    main.appendChild(h("p", { class: "fail", role: "alert" }, t("loadFailed"), " ", SP.errorText(e)));
  }

  // --- Featured resources per partner ----------------------------------------------------------
  SP.view("featured", {
    label: "content.featured",
    scopes: ["content"],
    // An operator limited to some partners reorders theirs: the content read holds only them.
    partners: true,
    render(main, params) {
      const hd = h("h1", null, t("featured"));
      main.append(hd, h("p", null, t("featuredIntro")));
      const body = h("div", null, h("p", null, t("loading")));
      main.appendChild(body);
      SP.content().then((cur) => {
        show(body, cur, params[0]);
      }, (e) => {
        SP.clear(body);
        loadFailed(body, e);
      });
    },
  });

  function show(body, cur, want) {
    let c = cur.content;
    const ids = SP.partners(c);
    const partner = ids.indexOf(want) >= 0 ? want : ids[0];
    let saved = ((c.partners[partner] || {}).featured || []).slice(), order = saved.slice();
    const sel = h("select", { id: "sp-partner", "data-field": "partner" }, ids.map((p) => {
      return h("option", { value: p, selected: p === partner }, c.partners[p].name + " (" + p + ")");
    }));
    const listH = h("h2", { id: "sp-featured-h" }), list = h("ol", { class: "list", "aria-labelledby": "sp-featured-h", "data-featured": true });
    const addSel = h("select", { id: "sp-add", "data-keep": true }), addBtn = h("button", { type: "button", "data-action": "add" }, t("addButton"));
    const addBox = h("div", { class: "actions" }), dirty = h("div"), box = h("div");
    const form = h("form", { novalidate: true, "aria-labelledby": "sp-featured-h" }, listH, list, addBox, dirty);
    SP.clear(body).append(SP.field(t("partner"), sel), form, box);

    sel.addEventListener("change", () => {
      if (changed() && !confirm(t("discardQ"))) {
        sel.value = partner;
        return;
      }
      history.replaceState(null, "", "#/featured/" + encodeURIComponent(sel.value));
      show(body, cur, sel.value);
      document.getElementById("sp-partner").focus();
    });
    function changed() {
      return order.join() !== saved.join();
    }
    SP.guard("featured", changed);
    const draw = SP.orderList({
      list, addBox, addSel, addBtn, dirty, form, fallback: sel, t,
      order() {
        return order;
      },
      title(id) {
        return titleOf(c, id);
      },
      detail(id) {
        return id + " · " + typeName((byId(c, id) || {}).type);
      },
      rest() {
        return (c.resources || []).filter((r) => {
          return order.indexOf(r.id) < 0;
        }).map((r) => {
          return [r.id, SP.text(r.title) + " (" + r.id + ")"];
        });
      },
      before() {
        listH.textContent = t("featuredOf", c.partners[partner].name);
      },
      changed,
      review,
      discard() {
        order = saved.slice();
        SP.clear(box);
      },
    });
    function review() {
      const snapshot = order.slice();
      SP.save({
        form, box, version: cur.version,
        preview: { partner },
        send(dry, v) {
          return SP.api("PUT", "/v1/admin/partners/" + encodeURIComponent(partner) + "/featured" + SP.q(dry), { body: { featured: snapshot }, ifMatch: v });
        },
        // On a conflict the operator's order is re-applied on top of the newer content: the
        // list is the whole edit, and resources deleted since would show as errors.
        reread() {
          return SP.content().then((n) => {
            cur = n;
            c = n.content;
            saved = ((c.partners[partner] || {}).featured || []).slice();
            draw();
            return n.version;
          });
        },
        done() {
          saved = snapshot;
          SP.content().then((n) => {
            show(body, n, partner);
            SP.focus(document.getElementById("sp-featured-h"));
          });
        },
      });
    }
    draw();
  }

  // --- Resources ------------------------------------------------------------------------------
  SP.view("resources", {
    label: "content.resources",
    scopes: ["content"],
    render(main, params) {
      const id = params[0], hd = h("h1", { id: "sp-res-h" }, t(!id ? "resources" : id === "new" ? "newTitle" : "edit"));
      const body = h("div", null, h("p", null, t("loading")));
      main.append(hd, body);
      SP.content().then((cur) => {
        SP.clear(body);
        if (id) editForm(body, hd, cur, id === "new" ? null : id);
        else listResources(body, cur);
      }, (e) => {
        SP.clear(body);
        loadFailed(body, e);
      });
    },
  });

  function listResources(body, cur) {
    const c = cur.content;
    body.append(h("p", null, t("resourcesIntro")),
      h("p", null, h("a", { href: "#/resources/new", class: "button", "data-action": "new" }, t("newResource"))),
      h("ul", { class: "list", "data-resources": true }, (c.resources || []).map((r) => {
        const by = partnersFeaturing(c, r.id).map((p) => {
          return c.partners[p].name;
        });
        return h("li", { "data-id": r.id },
          h("span", { class: "what" }, SP.text(r.title), h("small", null, r.id + " · " + typeName(r.type) + " · " + (by.length ? t("featuredBy", by.join(", ")) : t("featuredByNone")))),
          h("a", { href: "#/resources/" + encodeURIComponent(r.id), "data-edit": r.id }, t("edit"), h("span", { class: "vh" }, " " + SP.text(r.title))));
      })));
  }

  const TYPES = ["page", "pdf", "video", "webinar", "toolkit", "course"];
  // typeName: a resource type in the console's language (the value sent stays the API's).
  function typeName(x) {
    return TYPES.indexOf(x) < 0 ? x || "" : t(x);
  }

  function editForm(body, hd, cur, id) {
    let c = cur.content, r = id ? byId(c, id) : null;
    if (id && !r) {
      body.append(h("p", { class: "fail", role: "alert" }, t("notFound", id)), h("p", null, h("a", { href: "#/resources" }, t("back"))));
      return;
    }
    r = r || { id: "", type: "page", title: {}, summary: {}, url: {} };
    // Validation names a resource by its index in the whole document: the form's fields carry
    // that path, so a 422 lands beside the right input. A new resource is appended.
    const idx = id ? c.resources.indexOf(r) : (c.resources || []).length, P = "resources[" + idx + "].";
    const inputs = {};
    function input(name, initial, attrs, hint, label) {
      const el = h(attrs && attrs.tag === "textarea" ? "textarea" : "input",
        Object.assign({ type: "text", name, "data-field": P + name, value: initial == null ? "" : String(initial) }, attrs, { tag: null }));
      if (el.tagName === "TEXTAREA") el.removeAttribute("type");
      inputs[name] = el;
      return SP.field(label, el, hint);
    }
    function pair(name, label, tag, hint) {
      const tx = r[name] || {};
      return h("fieldset", { "data-field": P + name }, h("legend", null, label),
        input(name + ".en", tx.en, { tag, lang: "en", type: name === "url" ? "url" : "text" }, hint, t("inEn")),
        input(name + ".fr", tx.fr, { tag, lang: "fr", type: name === "url" ? "url" : "text" }, t("frHint"), t("inFr")));
    }
    const type = h("select", { name: "type", "data-field": P + "type" }, TYPES.map((x) => {
      return h("option", { value: x, selected: x === r.type }, typeName(x));
    }));
    const box = h("div");
    hd.textContent = id ? t("editTitle", SP.text(r.title)) : t("newTitle");
    const form = h("form", { novalidate: true, "aria-labelledby": "sp-res-h", "data-resource": id || "new" },
      input("id", r.id, { readonly: !!id, autocomplete: "off", spellcheck: "false" }, t("idHint"), t("id")),
      SP.field(t("type"), type),
      pair("title", t("title")), pair("summary", t("summary"), "textarea"), pair("url", t("url"), null, t("urlHint")),
      input("size_bytes", r.size_bytes || "", { type: "number", min: "0", inputmode: "numeric" }, t("sizeHint"), t("size")),
      input("languages", (r.languages || []).join(", "), { autocomplete: "off" }, t("languagesHint"), t("languages")),
      h("div", { class: "row" }, input("starts_on", r.starts_on, null, t("dateHint"), t("startsOn")),
        input("ends_on", r.ends_on, null, t("dateHint"), t("endsOn"))),
      h("p", { class: "actions" }, h("button", { type: "submit", class: "primary", "data-action": "review" }, t("review")),
        h("a", { href: "#/resources" }, t("back"))));
    body.append(form, box);
    SP.guard("resource", form);
    if (id) body.appendChild(h("p", null, h("button", { type: "button", class: "danger", "data-action": "delete", onclick: del }, t("deleteRes"))));

    function text(name) {
      const o = {};
      ["en", "fr"].forEach((l) => {
        const v = inputs[name + "." + l].value.trim();
        if (v) o[l] = v;
      });
      return o;
    }
    function value() {
      const v = { id: inputs.id.value.trim(), type: type.value, title: text("title"), summary: text("summary"), url: text("url") };
      const size = inputs.size_bytes.value.trim();
      if (size) v.size_bytes = Number(size);
      const langs = inputs.languages.value.split(",").map((s) => {
        return s.trim();
      }).filter(Boolean);
      if (langs.length) v.languages = langs;
      ["starts_on", "ends_on"].forEach((k) => {
        const s = inputs[k].value.trim();
        if (s) v[k] = s;
      });
      return v;
    }
    function partnerFor(rid) {
      return partnersFeaturing(c, rid)[0] || SP.partners(c)[0];
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const v = value();
      // A new resource's identifier is checked here: the URL carries it, and an existing one
      // would be replaced.
      if (!id && (!SP.validID(v.id) || byId(c, v.id)))
        return SP.fieldErrors(form, { field: P + "id", message: byId(c, v.id) ? t("idTaken") : t("idBad") });
      SP.save({
        form, box, version: cur.version, preview: { partner: partnerFor(v.id) },
        send(dry, ver) {
          return SP.api("PUT", "/v1/admin/resources/" + encodeURIComponent(v.id) + SP.q(dry), { body: v, ifMatch: ver });
        },
        reread() {
          return SP.content().then((n) => {
            cur = n;
            c = n.content;
            return n.version;
          });
        },
        done() {
          SP.go("resources", v.id);
        },
      });
    });
    function del() {
      const by = partnersFeaturing(c, id);
      if (by.length) {
        SP.clear(box).appendChild(h("p", { class: "fail", role: "alert" }, t("deleteBlocked", by.map((p) => {
          return c.partners[p].name;
        }).join(", "))));
        return;
      }
      if (!confirm(t("deleteQ", SP.text(r.title)))) return;
      SP.save({
        form, box, version: cur.version, preview: { partner: SP.partners(c)[0] },
        send(dry, ver) {
          return SP.api("DELETE", "/v1/admin/resources/" + encodeURIComponent(id) + SP.q(dry), { ifMatch: ver });
        },
        reread() {
          return SP.content().then((n) => {
            cur = n;
            c = n.content;
            return n.version;
          });
        },
        done() {
          SP.go("resources");
        },
      });
    }
  }
})();
