import js from '@eslint/js'
import i18next from 'eslint-plugin-i18next'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['build/', 'public/build/', '.cache/', '.ferretdb/', 'data/', 'node_modules/', 'app/styles/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      'no-console': ['error', { allow: ['info', 'warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Models hold server-only code: the browser bundle must never reach them.
    files: ['**/*.{ts,tsx}'],
    // The plugin's own test builds a throwaway model from it; nothing else outside the server imports models.
    ignores: ['app/**/*.server.{ts,tsx}', 'models/**', 'tests/integration/organisation-scope.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/models', '**/models/*'], message: 'Import models only from app/**/*.server.ts modules.' },
          ],
        },
      ],
    },
  },
  {
    // Every user-visible text goes through a translation key.
    files: ['app/**/*.tsx'],
    plugins: { i18next },
    rules: { 'i18next/no-literal-string': ['error', { mode: 'jsx-text-only' }] },
  },
)
