// @ts-check
import tseslint from 'typescript-eslint';

const noVscode = {
  'no-restricted-imports': ['error', {
    paths: [{ name: 'vscode', message: 'src/core, src/cli, src/scanPool and unit tests must stay free of the vscode API (see design.md: the core fence).' }],
    patterns: [{ group: ['**/vscode/**', '**/extension'], message: 'core and cli must not import the vscode surface.' }],
  }],
};

export default tseslint.config(
  { ignores: ['scripts/coreFence/**', 'out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'examples/**', 'test/fixtures/**', '.stryker-tmp/**', 'reports/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'no-debugger': 'error',
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name=/^(it|describe|suite|test)$/][callee.property.name='only']", message: 'no .only in committed tests' }],
    },
  },
  { files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/scanPool/**/*.ts', 'test/unit/**/*.ts'], rules: noVscode },
  {
    // The two surfaces stand side by side over core: shared code belongs in src/core.
    files: ['src/vscode/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/**', '**/cli'], message: 'src/vscode must not import the CLI; move shared code to src/core.' }] }] },
  },
);
