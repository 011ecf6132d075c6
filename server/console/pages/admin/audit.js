// Audit log (#/audit): who did what, newest first (GET /v1/admin/audit): for a person signed in
// through an identity provider, their email and provider; for a token, its name.
(function () {
  "use strict";
  const h = SP.h, t = SP.ns("audit");
  // Copy: the "console.audit.*" keys of words/en.json and words/fr.json.

  // who(entry): the person's email and provider, else the token's name.
  SP.auditWho = (e) => {
    if (e.email) return e.provider ? t("person", e.email, e.provider) : e.email;
    if (e.subject) return e.provider ? t("person", e.subject, e.provider) : e.subject;
    return e.actor || "";
  };

  function render(main) {
    const box = h("div", null, h("p", null, t("loading")));
    main.appendChild(h("h1", null, t("title")));
    main.appendChild(box);
    SP.api("GET", "/v1/admin/audit?limit=200").then((r) => {
      if (!r.ok) return SP.clear(box).appendChild(h("p", { class: "fail" }, SP.errorText(r.error)));
      const es = r.json.entries || [];
      SP.clear(box).appendChild(h("p", null, t("intro")));
      if (!es.length) return box.appendChild(h("p", null, t("none")));
      box.appendChild(h("div", { class: "scroll", tabindex: "0", role: "region", "aria-label": t("caption") }, h("table", { class: "data", "data-audit": true },
        h("caption", null, t("caption")),
        h("thead", null, h("tr", null, ["colTime", "colWho", "colAction", "colTarget", "colVersion", "colNote"].map((k) => {
          return h("th", { scope: "col" }, t(k));
        }))),
        h("tbody", null, es.map((e) => {
          return h("tr", { "data-action": e.action },
            h("td", null, h("time", { datetime: e.time }, SP.time(e.time))),
            h("th", { scope: "row", "data-who": e.email || e.actor || "" }, SP.auditWho(e),
              e.email && e.actor && e.actor !== e.email ? h("span", { class: "hint" }, " " + t("named", e.actor)) : null),
            h("td", null, h("code", null, e.action)),
            h("td", null, e.target || ""),
            h("td", null, e.version ? "v" + e.version : ""),
            h("td", null, SP.note(e.note || "")));
        })))));
    });
  }

  SP.view("audit", { label: "audit.title", scopes: ["feedback:read"], render });
})();
