import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/vscode/**/node_modules/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // DESIGN.md: every switch over a union (event types above all) names every member, so a new
    // event cannot silently vanish from a view; `default` does not count as handling them.
    files: ['extension/**/*.ts', 'webview/**/*.ts', 'webview/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false }],
    },
  },
  {
    // DESIGN.md rule 1: only extension/vscode/** may import 'vscode', type imports included.
    files: ['extension/**/*.ts', 'webview/**/*.ts', 'webview/**/*.tsx', 'test/unit/**/*.ts'],
    ignores: ['extension/vscode/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'Only extension/vscode/** may import vscode (DESIGN.md rule 1). Add a port in the engine and an adapter in extension/vscode/.' }] }],
    },
  },
  {
    // protocol/ is data only: it imports nothing outside protocol/ but zod.
    files: ['extension/protocol/**/*.ts'],
    ignores: ['extension/protocol/views/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!./*', 'node:*', 'vscode'], message: 'extension/protocol imports nothing outside protocol/ (DESIGN.md layout).' }] }],
    },
  },
  {
    // protocol/views/: the views derived from the fold, next to the reducer; they too import only protocol/.
    files: ['extension/protocol/views/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*', 'node:*', 'vscode'], message: 'extension/protocol imports nothing outside protocol/ (DESIGN.md layout).' }] }],
    },
  },
);
