// Module boundaries, checked on every build (`npm run build` runs `eslint` first) with Nx's own rule, by
// project tags (each project's package.json `nx.tags`): libs never import apps; only specs, test helpers
// and e2e import testing-fakes; no deep imports into another project (imports and require calls); every
// workspace import declared in the importing project's package.json.
const nx = require('@nx/eslint-plugin');
const tsParser = require('@typescript-eslint/parser');
const jsoncParser = require('jsonc-eslint-parser');
const simpleImportSort = require('eslint-plugin-simple-import-sort');

const TEST_FILES = ['**/*.spec.ts', '**/*.type-test.ts', '**/src/testing/**/*.ts', 'e2e/**/*.ts'];
// A project may use another's public entry point only: `@nightshift/state`, never `@nightshift/state/src/x`.
const DEEP = '/^@nightshift\\u002F[^/]+\\u002F/';
const deepImport = (node) => ({
  selector: `${node} > Literal.source[value=${DEEP}]`,
  message: 'Deep import into another project: import its package name (its src/index.ts) instead.',
});
const boundaries = (testing) => [
  'error',
  {
    allow: [],
    // The CLI requires some libs lazily (startup time) and imports them statically elsewhere: both are fine.
    checkDynamicDependenciesExceptions: ['@nightshift/*'],
    depConstraints: [
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: testing ? ['type:lib', 'type:app', 'type:testing'] : ['type:lib', 'type:app'],
      },
      { sourceTag: 'type:lib', onlyDependOnLibsWithTags: testing ? ['type:lib', 'type:testing'] : ['type:lib'] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
      { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:app', 'type:testing'] },
    ],
  },
];

module.exports = [
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'tools/**',
      'bench/**',
      'compose/**',
      'deploy/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@nx': nx, 'simple-import-sort': simpleImportSort },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      'no-restricted-syntax': [
        'error',
        deepImport('ImportDeclaration'),
        deepImport('ExportAllDeclaration'),
        deepImport('ExportNamedDeclaration'),
        deepImport('ImportExpression'),
        {
          selector: `CallExpression[callee.name='require'] > Literal[value=${DEEP}]`,
          message: 'Deep require of another project: require its package name (its src/index.ts) instead.',
        },
      ],
    },
  },
  { files: TEST_FILES, rules: { '@nx/enforce-module-boundaries': boundaries(true) } },
  {
    files: ['libs/*/package.json', 'apps/*/package.json', 'e2e/package.json'],
    languageOptions: { parser: jsoncParser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          checkMissingDependencies: true,
          checkObsoleteDependencies: false,
          checkVersionMismatches: false,
          includeTransitiveDependencies: false,
          // Projects have no Nx build target (tsc -b builds them all); `test` covers every source file.
          buildTargets: ['test'],
          // Specs and test helpers use testing-fakes and jest from devDependencies.
          ignoredFiles: [
            '{projectRoot}/src/**/*.spec.ts',
            '{projectRoot}/src/**/*.type-test.ts',
            '{projectRoot}/src/testing/**',
            '{projectRoot}/jest.config.cjs',
          ],
        },
      ],
    },
  },
];
