// Lint for the front end: typescript-eslint's recommended rules with type information,
// the rules of hooks (and React Compiler's checks), and accessibility rules for JSX.
// `npm run lint` allows no warnings.

import js from "@eslint/js";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "src/api/schema.d.ts"] },
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [
      js.configs.recommended,
      ...tseslint.configs.recommendedTypeChecked,
      reactHooks.configs.flat.recommended,
      jsxA11y.flatConfigs.recommended,
    ],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ["*.js", "scripts/**/*.mjs", "tests/**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  // The browser tests pass some functions to the page, where they run.
  { files: ["tests/**/*.mjs"], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
);
