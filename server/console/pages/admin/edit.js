// The console's editing helpers, on window.SP (core.js): a diff side by side, a 412's conflict
// with the diff since, the framed draft preview, review-then-publish (SP.save), the view's
// unsaved changes (SP.guard, SP.unsaved) and ordered lists edited by buttons alone.
//
// As in core.js, everything anyone wrote reaches the page as text (SP.h): never innerHTML.
(function () {
  "use strict";
  const SP = window.SP, doc = document, h = SP.h;

  // --- Diffs, conflicts, previews ---------------------------------------------------------------
  // SP.diffTable(rows, {from, to, caption}): the rows of a diff side by side. Removed and added
  // lines are marked by class (colour) and by text (for screen readers and without colour).
  SP.diffTable = (rows, o) => {
    o = o || {};
    const body = h("tbody");
    (rows || []).forEach((r) => {
      if (r.op === "skip") {
        body.appendChild(h("tr", { class: "skip" }, h("td", { colspan: "4" }, SP.t("diffSkip", r.count))));
        return;
      }
      const del = r.op === "del" || r.op === "change", add = r.op === "add" || r.op === "change";
      body.appendChild(
        h("tr", { class: r.op },
          h("td", { class: "ln" }, r.left_line || ""),
          h("td", { class: del ? "del" : null }, del ? h("span", { class: "vh" }, SP.t("diffDel")) : null, del ? "− " : "", r.left || ""),
          h("td", { class: "ln" }, r.right_line || ""),
          h("td", { class: add ? "add" : null }, add ? h("span", { class: "vh" }, SP.t("diffAdd")) : null, add ? "+ " : "", r.right || ""))
      );
    });
    if (!body.firstChild) return h("p", null, SP.t("diffNone"));
    return h("div", { class: "diff" },
      h("table", null,
        h("caption", null, o.caption || SP.t("diffCaption", o.from || "?", o.to || "?")),
        h("thead", null, h("tr", null,
          h("th", { scope: "col" }, SP.t("diffLine")), h("th", { scope: "col" }, SP.t("diffBefore")),
          h("th", { scope: "col" }, SP.t("diffLine")), h("th", { scope: "col" }, SP.t("diffAfter")))),
        body));
  };

  // SP.conflict(error, reapply, base): after a 412, says who changed what since the version the
  // operator started from (base, else the one the error names), with the diff, and offers to
  // re-apply the change on top (reapply re-reads the content and re-sends the edit) or to drop
  // it. Shown at the top of the current view; resolves when the operator has chosen.
  SP.conflict = (error, reapply, base) => {
    // A 412 of the content API names the version the edit started from first (version_conflict).
    const since = error && /^version_conflict(\.now)?$/.test(error.id) && error.args ? error.args[0] : 0;
    base = +(base || (error && (error.base || error.base_version)) || since || 0);
    const main = doc.getElementById("main");
    const old = main.querySelector("[data-conflict]");
    if (old) old.remove();
    const box = h("section", { class: "conflict", "data-conflict": true, "aria-labelledby": "sp-conflict-h" },
      h("h2", { id: "sp-conflict-h", tabindex: "-1" }, SP.t("conflictTitle")), h("p", null, SP.t("loading")));
    main.insertBefore(box, main.firstChild);
    box.firstChild.focus();
    return SP.api("GET", "/v1/admin/content/history").then((hr) => {
      const vs = ((hr.json && hr.json.versions) || []).filter((v) => {
        return v.version > base;
      }).sort((a, b) => {
        return a.version - b.version;
      });
      const cur = vs.length ? vs[vs.length - 1].version : 0;
      const diff = cur && base ? SP.api("GET", "/v1/admin/content/diff?from=" + base + "&to=" + cur) : Promise.resolve(null);
      return diff.then((dr) => {
        box.removeChild(box.lastChild);
        box.appendChild(h("p", null, vs.length ? SP.t("conflictText", base) : SP.t("conflictNone")));
        if (vs.length)
          box.appendChild(h("ul", { class: "versions" }, vs.map((v) => {
            return h("li", { "data-version": v.version }, SP.t("conflictLine", v.version, v.author, SP.time(v.created_at)),
              v.note ? [" ", SP.t("conflictNote", SP.note(v.note))] : null);
          })));
        if (dr && dr.ok) box.appendChild(SP.diffTable(dr.json.rows, { from: base, to: cur }));
        else if (dr) box.appendChild(h("p", null, SP.errorText(dr.error)));
        return new Promise((done) => {
          box.appendChild(h("p", { class: "actions" },
            h("button", { type: "button", class: "primary", "data-action": "reapply", onclick() {
              box.remove();
              done(reapply());
            } }, SP.t("reapply")), " ",
            h("button", { type: "button", "data-action": "discard", onclick() {
              box.remove();
              SP.route();
              done(null);
            } }, SP.t("discard"))));
        });
      });
    });
  };

  // SP.preview(container, previewId, {partner, locale, region}): the real widget built from a
  // draft, framed (sandboxed: it cannot reach the console), with selectors to see it as each
  // partner, language and region. Returns {set(previewId)} to show a newer draft.
  SP.preview = (container, id, o) => {
    o = o || {};
    const c = (SP.last && SP.last.content) || {};
    const opt = (v, label, cur) => {
      return h("option", { value: v, selected: v === cur }, label);
    };
    const partner = h("select", { "data-preview": "partner" }, SP.partners(c).map((p) => {
      return opt(p, c.partners[p].name + " (" + p + ")", o.partner);
    }));
    const locale = h("select", { "data-preview": "locale" }, opt("en", SP.t("en"), o.locale || SP.lang), opt("fr", SP.t("fr"), o.locale || SP.lang));
    const region = h("select", { "data-preview": "region" }, opt("", SP.t("regionDefault"), o.region || ""),
      Object.keys(c.regions || {}).sort().map((r) => {
        return opt(r, r, o.region || "");
      }));
    const frame = h("iframe", { class: "preview", "data-preview-frame": true, sandbox: "allow-scripts allow-popups allow-popups-to-escape-sandbox" });
    const hid = SP.id("prev");
    const sec = h("section", { class: "preview-box", "aria-labelledby": hid },
      h("h3", { id: hid }, SP.t("previewTitle")),
      h("div", { class: "row" }, SP.field(SP.t("partner"), partner), SP.field(SP.t("locale"), locale), SP.field(SP.t("region"), region)),
      frame);
    function load() {
      frame.title = SP.t("previewFrame", partner.value);
      frame.src = "/admin/preview/" + encodeURIComponent(id) + "?partner=" + encodeURIComponent(partner.value) +
        "&locale=" + locale.value + "&region=" + encodeURIComponent(region.value);
    }
    [partner, locale, region].forEach((s) => {
      s.addEventListener("change", load);
    });
    load();
    SP.clear(container).appendChild(sec);
    return {
      frame,
      set(nid) {
        id = nid;
        load();
      },
    };
  };

  // SP.save({form, box, version, send, reread, preview, done}): the one way an edit is published.
  // send(dry, version) sends the edit (dry: with ?dry_run=1) with If-Match: version. The dry run
  // comes first: its diff and a live preview of the draft are shown in box with a Publish button.
  // 422: the errors go beside their fields in form. 412: SP.conflict, whose "re-apply" calls
  // reread() (resolving to the new version, the edit rebuilt on it) and reviews again. done(res)
  // after publishing.
  // send holds the edit as it was reviewed: any later input in form (checkboxes and selects
  // fire it too; "change" would also come on the blur that the review's focus causes), but not
  // from an element marked data-keep, makes the review stale, and it goes, Publish with it (and
  // a pending conflict's re-apply), until the edit is reviewed again. A view whose edits are not
  // form inputs calls SP.stale(form) itself.
  SP.save = (o) => {
    let conflict = null, gen = 0; // gen: a dry run answering after a later edit is dropped
    if (o.form) {
      if (o.form.spStale) o.form.spStale(true); // an earlier review of this form, still answering
      else o.form.addEventListener("input", onEdit);
      o.form.spStale = (quiet) => {
        const had = o.box.firstChild || (conflict && conflict.isConnected);
        gen++;
        SP.clear(o.box);
        if (conflict) conflict.remove();
        conflict = null;
        if (had && !quiet) SP.status(SP.t("stale"));
      };
    }
    function failed(r) {
      if (r.status === 412) {
        const p = SP.conflict(r.error, () => {
          return o.reread().then((v) => {
            o.version = v;
            return review();
          });
        }, o.version);
        conflict = doc.querySelector("[data-conflict]");
        return p;
      }
      if (r.status === 422 && o.form) return SP.fieldErrors(o.form, r.error);
      SP.clear(o.box).appendChild(h("p", { class: "fail", role: "alert" }, SP.errorText(r.error)));
    }
    function review() {
      if (o.form) SP.clearErrors(o.form);
      SP.clear(o.box);
      const g = gen;
      return o.send(true, o.version).then((r) => {
        if (g !== gen) return;
        if (!r.ok) return failed(r);
        const d = r.json || {}, pv = h("div");
        const hd = h("h2", { tabindex: "-1" }, SP.t("saveTitle"));
        const pub = h("button", { type: "button", class: "primary", "data-action": "publish" }, SP.t("publish"));
        const back = h("button", { type: "button", "data-action": "back" }, SP.t("keepEditing"));
        const panel = h("section", { class: "review", "data-review": true }, hd, h("p", null, SP.t("saveText", d.base_version || o.version)),
          SP.diffTable(d.diff && d.diff.rows, { caption: SP.t("saveCaption", d.base_version || o.version) }),
          h("p", { class: "actions" }, pub, back), pv);
        o.box.appendChild(panel);
        if (d.preview) SP.preview(pv, d.preview, o.preview);
        hd.focus();
        back.addEventListener("click", () => {
          SP.clear(o.box);
          const f = o.form && o.form.querySelector("input,select,textarea,button");
          if (f) f.focus();
        });
        pub.addEventListener("click", () => {
          pub.setAttribute("aria-disabled", "true");
          if (pub.busy) return;
          pub.busy = true;
          o.send(false, o.version).then((published) => {
            pub.busy = false;
            pub.removeAttribute("aria-disabled");
            if (!published.ok) return failed(published);
            SP.status(SP.t("published", published.json.version));
            SP.clear(o.box);
            if (o.form && o.form.spSaved != null) o.form.spSaved = fields(o.form);
            if (o.done) o.done(published);
          });
        });
      });
    }
    return review();
  };
  function onEdit(e) {
    if (this.spStale && !e.target.closest("[data-keep]")) this.spStale();
  }
  // SP.stale(form): the edit in form changed by other means than its inputs (quiet: without
  // saying so; the view announces the change itself).
  SP.stale = (form, quiet) => {
    if (form.spStale) form.spStale(quiet);
  };
  // SP.guard(key, form or function): the view's unsaved changes, asked about before the
  // operator leaves the view or the page. A form is unsaved when its fields differ from when it
  // was guarded (or last published through SP.save); a function says so itself.
  let guards = {};
  // SP.unguardAll(): forgets the view's unsaved changes (the view is left).
  SP.unguardAll = () => {
    guards = {};
  };
  function fields(f) {
    return [].map.call(f.elements, (e) => {
      return /^(checkbox|radio)$/.test(e.type) ? e.checked : e.value;
    }).join("\u0001");
  }
  SP.guard = (key, f) => {
    if (f.elements) f.spSaved = fields(f);
    guards[key] = f;
  };
  // SP.unsaved(): whether the view has unsaved changes.
  SP.unsaved = () => {
    return Object.keys(guards).some((k) => {
      const f = guards[k];
      return f.elements ? f.isConnected && fields(f) !== f.spSaved : f();
    });
  };
  // SP.orderList(o): an ordered list of ids edited with buttons alone, so the keyboard does all
  // of it: move up, move down and remove on each item, a select and a button to add. Focus
  // stays on the button used (at an end it stays too: aria-disabled keeps it focusable) and
  // every change is said in the status line; while the list differs from the published one, a
  // box offers to review it or discard the changes. o: list (the <ol>), addBox, addSel, addBtn,
  // dirty (the box), form (its review goes stale on each change), fallback (focused after a
  // discard, or when the last item goes and nothing can be added), t (the view's strings:
  // moveUp, moveDown, remove, moved, added, removed, addLabel, noneToAdd, empty, dirty,
  // saveOrder, discardChanges), order() (the array, changed in place), title(id), detail(id),
  // rest() ([id, label] pairs that can be added), changed(), review(), discard() (back to the
  // published list), before() (called first in each drawing). Returns draw(focusId, focusWhat).
  SP.orderList = (o) => {
    const t = o.t;
    function draw(focusId, focusWhat) {
      const order = o.order();
      if (o.before) o.before();
      SP.clear(o.list);
      if (!order.length) o.list.appendChild(h("li", null, t("empty")));
      order.forEach((id, i) => {
        const title = o.title(id);
        const btn = (what, label, off) => {
          return h("button", { type: "button", class: "small" + (what === "remove" ? " danger" : ""), "data-move": what,
            "aria-disabled": off ? "true" : null, onclick() {
              if (!off) act(what, id);
            } }, label, h("span", { class: "vh" }, " " + title));
        };
        o.list.appendChild(h("li", { "data-id": id },
          h("span", { class: "pos", "aria-hidden": "true" }, i + 1 + "."),
          h("span", { class: "what" }, title, h("small", null, o.detail(id))),
          btn("up", t("moveUp"), i === 0), btn("down", t("moveDown"), i === order.length - 1), btn("remove", t("remove"))));
      });
      SP.clear(o.addBox);
      const rest = o.rest();
      if (rest.length) {
        SP.clear(o.addSel).append.apply(o.addSel, rest.map((r) => {
          return h("option", { value: r[0] }, r[1]);
        }));
        o.addBox.append(SP.field(t("addLabel"), o.addSel), o.addBtn);
      } else o.addBox.appendChild(h("p", null, t("noneToAdd")));
      SP.clear(o.dirty);
      if (o.changed()) {
        o.dirty.appendChild(h("div", { class: "dirty" }, h("p", null, t("dirty")), h("p", { class: "actions" },
          h("button", { type: "button", class: "primary", "data-action": "review", onclick: o.review }, t("saveOrder")),
          h("button", { type: "button", "data-action": "discard", onclick() {
            o.discard();
            draw();
            o.fallback.focus();
          } }, t("discardChanges")))));
      }
      if (focusId) {
        const f = o.list.querySelector('[data-id="' + CSS.escape(focusId) + '"] [data-move="' + focusWhat + '"]');
        if (f) f.focus();
      }
    }
    o.addBtn.addEventListener("click", () => {
      const id = o.addSel.value, order = o.order();
      if (!id) return;
      order.push(id);
      SP.stale(o.form, true);
      draw(id, "up");
      SP.status(t("added", o.title(id), order.length, order.length));
    });
    function act(what, id) {
      const order = o.order(), i = order.indexOf(id), n = order.length, j = what === "up" ? i - 1 : i + 1;
      if (what !== "remove" && (j < 0 || j >= n)) return;
      // The order under review (if any) is no longer the one on screen: the review goes.
      SP.stale(o.form, true);
      if (what === "remove") {
        order.splice(i, 1);
        const next = order[Math.min(i, order.length - 1)];
        draw(next, "remove");
        if (!next) o.addSel.isConnected ? o.addSel.focus() : o.fallback.focus();
        SP.status(t("removed", o.title(id)));
        return;
      }
      order.splice(i, 1);
      order.splice(j, 0, id);
      draw(id, what);
      SP.status(t("moved", o.title(id), j + 1, n));
    }
    return draw;
  };
  // SP.q(dry): the query string of an edit ("?dry_run=1" for a dry run).
  SP.q = (dry) => {
    return dry ? "?dry_run=1" : "";
  };

})();
