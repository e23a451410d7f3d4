// ESLint: typescript-eslint's type-aware rules over the TypeScript sources (the tsconfig's
// program), plain recommended rules over the few .js files (the browser front end,
// bin/duban.js and scripts/), which are not in that program. Prettier owns the layout; nothing here does.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['data/', 'dist/', 'test-artifacts/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error and its ordering: in an engine that commits,
      // then arms timers, either is a bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A new event, state or report kind must be handled everywhere it is switched on; a
      // `default:` does not count as handling it.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, allowDefaultCaseForExhaustiveSwitch: true, requireDefaultForNonUnion: false },
      ],
      // A promise returned from inside try/catch/finally without `await` skips the catch
      // and runs the finally too early (closing a connection the call still needs).
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // `_name` marks a deliberately unused parameter or destructured rest.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read JSON answers as `any` on purpose and check them with expect(); flagging
    // every `res.json.tasks[0].state` would add casts that check nothing.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['src/web/public/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', '*.js'],
    languageOptions: { globals: globals.node },
  },
);
