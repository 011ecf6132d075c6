// ESLint over every JavaScript file the edge serves: the widget's source, the operator console
// and the embed builder's page, all at the widget's language level (ES2017: the support
// target's, widget/eslevel_test.go). Run by `go test ./widget/ -run TestJSLint` (part of
// `make test`), with the TypeScript checker over the widget (tsconfig.json).
"use strict";
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["node_modules/**", "**/vendor/**", "eslint.config.js"] },
  js.configs.recommended,
  {
    files: ["widget/src/**/*.js", "server/**/*.js"],
    languageOptions: { ecmaVersion: 2017, sourceType: "script", globals: { ...globals.browser } },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      "no-empty": ["error", { allowEmptyCatch: true }],
      "no-shadow": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-useless-escape": "error",
      "object-shorthand": ["error", "properties"],
      "prefer-arrow-callback": "error",
    },
  },
  {
    // The bundle builder replaces these placeholders with data, CSS, the API origin and the
    // words. The widget declares its locals with let, not const (the bundle's gzip budget:
    // widget/src/widget.js). Its files share one scope in the bundle (widget/bundle.go), so a
    // file uses names another declares: tsc, which checks them together, reports a name none
    // declares (no-undef is for one file alone), and TestWidgetNamesUsed a top-level function or
    // variable no file uses (no-unused-vars sees one file: it checks locals only).
    files: ["widget/src/**/*.js"],
    languageOptions: {
      globals: { __SIGNPOST_DATA__: "readonly", __SIGNPOST_CSS__: "readonly", __SIGNPOST_API__: "readonly", __SIGNPOST_TEXT__: "readonly" },
    },
    rules: {
      "no-undef": "off",
      "no-unused-vars": ["error", { vars: "local", args: "after-used", caughtErrors: "none" }],
    },
  },
  {
    // core.js defines window.SP; the other console files register on it.
    files: ["server/console/pages/admin/*.js"],
    languageOptions: { globals: { SP: "readonly" } },
    rules: {
      "no-var": "error",
      "prefer-const": ["error", { destructuring: "all" }],
      "object-shorthand": ["error", "always"],
    },
  },
];
