// ESLint over every JavaScript file the edge serves: the widget's source and the operator
// console. Run by `go test ./widget/ -run TestJSLintAndTypes` (part of `make test`).
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
      // Warnings until the code is reshaped (issue 23): shadowed names and loose equality.
      "no-shadow": "warn",
      eqeqeq: ["warn", "always", { null: "ignore" }],
    },
  },
  {
    // The bundle builder replaces these placeholders with data, CSS, the API origin and the words.
    files: ["widget/src/**/*.js"],
    languageOptions: {
      globals: { __SIGNPOST_DATA__: "readonly", __SIGNPOST_CSS__: "readonly", __SIGNPOST_API__: "readonly", __SIGNPOST_TEXT__: "readonly" },
    },
  },
  {
    // core.js defines window.SP; the other console files register on it.
    files: ["server/console/pages/admin/*.js"],
    languageOptions: { globals: { SP: "readonly" } },
    rules: { "no-useless-escape": "warn" },
  },
];
