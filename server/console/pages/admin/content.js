// Content views: each partner's featured resources (order, add, remove) and the resources
// themselves (add, edit, remove). Every change goes through SP.save: a dry run shows the diff
// and a live preview, then Publish sends it with If-Match.
(function () {
  "use strict";
  var h = SP.h, t = SP.ns("content");
  // Copy: the "content" section of ../../messages.json (English and French side by side).

  function byId(c, id) {
    return (c.resources || []).find(function (r) {
      return r.id === id;
    });
  }
  function titleOf(c, id) {
    var r = byId(c, id);
    return r ? SP.text(r.title) : id;
  }
  function partnersFeaturing(c, id) {
    return SP.partners(c).filter(function (p) {
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
    render: function (main, params) {
      var hd = h("h1", null, t("featured"));
      main.append(hd, h("p", null, t("featuredIntro")));
      var body = h("div", null, h("p", null, t("loading")));
      main.appendChild(body);
      SP.content().then(function (cur) {
        show(body, cur, params[0]);
      }, function (e) {
        SP.clear(body);
        loadFailed(body, e);
      });
    },
  });

  function show(body, cur, want) {
    var c = cur.content, ids = SP.partners(c);
    var partner = ids.indexOf(want) >= 0 ? want : ids[0];
    var saved = ((c.partners[partner] || {}).featured || []).slice(), order = saved.slice();
    var sel = h("select", { id: "sp-partner", "data-field": "partner" }, ids.map(function (p) {
      return h("option", { value: p, selected: p === partner }, c.partners[p].name + " (" + p + ")");
    }));
    var listH = h("h2", { id: "sp-featured-h" }), list = h("ol", { class: "list", "aria-labelledby": "sp-featured-h", "data-featured": true });
    var addSel = h("select", { id: "sp-add", "data-keep": true }), addBtn = h("button", { type: "button", "data-action": "add" }, t("addButton"));
    var addBox = h("div", { class: "actions" }), dirty = h("div"), box = h("div");
    var form = h("form", { novalidate: true, "aria-labelledby": "sp-featured-h" }, listH, list, addBox, dirty);
    SP.clear(body).append(SP.field(t("partner"), sel), form, box);

    sel.addEventListener("change", function () {
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
    var draw = SP.orderList({
      list: list, addBox: addBox, addSel: addSel, addBtn: addBtn, dirty: dirty, form: form, fallback: sel, t: t,
      order: function () {
        return order;
      },
      title: function (id) {
        return titleOf(c, id);
      },
      detail: function (id) {
        return id + " · " + typeName((byId(c, id) || {}).type);
      },
      rest: function () {
        return (c.resources || []).filter(function (r) {
          return order.indexOf(r.id) < 0;
        }).map(function (r) {
          return [r.id, SP.text(r.title) + " (" + r.id + ")"];
        });
      },
      before: function () {
        listH.textContent = t("featuredOf", c.partners[partner].name);
      },
      changed: changed,
      review: review,
      discard: function () {
        order = saved.slice();
        SP.clear(box);
      },
    });
    function review() {
      var snapshot = order.slice();
      SP.save({
        form: form, box: box, version: cur.version,
        preview: { partner: partner },
        send: function (dry, v) {
          return SP.api("PUT", "/v1/admin/partners/" + encodeURIComponent(partner) + "/featured" + SP.q(dry), { body: { featured: snapshot }, ifMatch: v });
        },
        // On a conflict the operator's order is re-applied on top of the newer content: the
        // list is the whole edit, and resources deleted since would show as errors.
        reread: function () {
          return SP.content().then(function (n) {
            cur = n;
            c = n.content;
            saved = ((c.partners[partner] || {}).featured || []).slice();
            draw();
            return n.version;
          });
        },
        done: function () {
          saved = snapshot;
          SP.content().then(function (n) {
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
    render: function (main, params) {
      var id = params[0], hd = h("h1", { id: "sp-res-h" }, t(!id ? "resources" : id === "new" ? "newTitle" : "edit"));
      var body = h("div", null, h("p", null, t("loading")));
      main.append(hd, body);
      SP.content().then(function (cur) {
        SP.clear(body);
        if (id) editForm(body, hd, cur, id === "new" ? null : id);
        else listResources(body, cur);
      }, function (e) {
        SP.clear(body);
        loadFailed(body, e);
      });
    },
  });

  function listResources(body, cur) {
    var c = cur.content;
    body.append(h("p", null, t("resourcesIntro")),
      h("p", null, h("a", { href: "#/resources/new", class: "button", "data-action": "new" }, t("newResource"))),
      h("ul", { class: "list", "data-resources": true }, (c.resources || []).map(function (r) {
        var by = partnersFeaturing(c, r.id).map(function (p) {
          return c.partners[p].name;
        });
        return h("li", { "data-id": r.id },
          h("span", { class: "what" }, SP.text(r.title), h("small", null, r.id + " · " + typeName(r.type) + " · " + (by.length ? t("featuredBy", by.join(", ")) : t("featuredByNone")))),
          h("a", { href: "#/resources/" + encodeURIComponent(r.id), "data-edit": r.id }, t("edit"), h("span", { class: "vh" }, " " + SP.text(r.title))));
      })));
  }

  var TYPES = ["page", "pdf", "video", "webinar", "toolkit", "course"];
  // typeName: a resource type in the console's language (the value sent stays the API's).
  function typeName(x) {
    return TYPES.indexOf(x) < 0 ? x || "" : t(x);
  }

  function editForm(body, hd, cur, id) {
    var c = cur.content, r = id ? byId(c, id) : null;
    if (id && !r) {
      body.append(h("p", { class: "fail", role: "alert" }, t("notFound", id)), h("p", null, h("a", { href: "#/resources" }, t("back"))));
      return;
    }
    r = r || { id: "", type: "page", title: {}, summary: {}, url: {} };
    // Validation names a resource by its index in the whole document: the form's fields carry
    // that path, so a 422 lands beside the right input. A new resource is appended.
    var idx = id ? c.resources.indexOf(r) : (c.resources || []).length, P = "resources[" + idx + "].";
    var inputs = {};
    function input(name, value, attrs, hint, label) {
      var el = h(attrs && attrs.tag === "textarea" ? "textarea" : "input",
        Object.assign({ type: "text", name: name, "data-field": P + name, value: value == null ? "" : String(value) }, attrs, { tag: null }));
      if (el.tagName === "TEXTAREA") el.removeAttribute("type");
      inputs[name] = el;
      return SP.field(label, el, hint);
    }
    function pair(name, label, tag, hint) {
      var tx = r[name] || {};
      return h("fieldset", { "data-field": P + name }, h("legend", null, label),
        input(name + ".en", tx.en, { tag: tag, lang: "en", type: name === "url" ? "url" : "text" }, hint, t("inEn")),
        input(name + ".fr", tx.fr, { tag: tag, lang: "fr", type: name === "url" ? "url" : "text" }, t("frHint"), t("inFr")));
    }
    var type = h("select", { name: "type", "data-field": P + "type" }, TYPES.map(function (x) {
      return h("option", { value: x, selected: x === r.type }, typeName(x));
    }));
    var box = h("div");
    hd.textContent = id ? t("editTitle", SP.text(r.title)) : t("newTitle");
    var form = h("form", { novalidate: true, "aria-labelledby": "sp-res-h", "data-resource": id || "new" },
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
      var o = {};
      ["en", "fr"].forEach(function (l) {
        var v = inputs[name + "." + l].value.trim();
        if (v) o[l] = v;
      });
      return o;
    }
    function value() {
      var v = { id: inputs.id.value.trim(), type: type.value, title: text("title"), summary: text("summary"), url: text("url") };
      var size = inputs.size_bytes.value.trim();
      if (size) v.size_bytes = Number(size);
      var langs = inputs.languages.value.split(",").map(function (s) {
        return s.trim();
      }).filter(Boolean);
      if (langs.length) v.languages = langs;
      ["starts_on", "ends_on"].forEach(function (k) {
        var s = inputs[k].value.trim();
        if (s) v[k] = s;
      });
      return v;
    }
    function partnerFor(rid) {
      return partnersFeaturing(c, rid)[0] || SP.partners(c)[0];
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var v = value();
      // A new resource's identifier is checked here: the URL carries it, and an existing one
      // would be replaced.
      if (!id && (!SP.validID(v.id) || byId(c, v.id)))
        return SP.fieldErrors(form, { field: P + "id", message: byId(c, v.id) ? t("idTaken") : t("idBad") });
      SP.save({
        form: form, box: box, version: cur.version, preview: { partner: partnerFor(v.id) },
        send: function (dry, ver) {
          return SP.api("PUT", "/v1/admin/resources/" + encodeURIComponent(v.id) + SP.q(dry), { body: v, ifMatch: ver });
        },
        reread: function () {
          return SP.content().then(function (n) {
            cur = n;
            c = n.content;
            return n.version;
          });
        },
        done: function () {
          SP.go("resources", v.id);
        },
      });
    });
    function del() {
      var by = partnersFeaturing(c, id);
      if (by.length) {
        SP.clear(box).appendChild(h("p", { class: "fail", role: "alert" }, t("deleteBlocked", by.map(function (p) {
          return c.partners[p].name;
        }).join(", "))));
        return;
      }
      if (!confirm(t("deleteQ", SP.text(r.title)))) return;
      SP.save({
        form: form, box: box, version: cur.version, preview: { partner: SP.partners(c)[0] },
        send: function (dry, ver) {
          return SP.api("DELETE", "/v1/admin/resources/" + encodeURIComponent(id) + SP.q(dry), { ifMatch: ver });
        },
        reread: function () {
          return SP.content().then(function (n) {
            cur = n;
            c = n.content;
            return n.version;
          });
        },
        done: function () {
          SP.go("resources");
        },
      });
    }
  }
})();
