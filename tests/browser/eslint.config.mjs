// Lints the page's script (core/src/render/html/page.js) and these tests.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["**/page.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
    rules: { "no-var": "error", "prefer-const": "error", eqeqeq: "error", strict: ["error", "global"] },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { sourceType: "module", globals: { ...globals.node, ...globals.browser } },
    rules: { "no-var": "error", "prefer-const": "error", eqeqeq: "error" },
  },
];
