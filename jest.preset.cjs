// Shared jest settings: swc transpiles TypeScript (fast, no type-check: `npm run build` does that),
// and the `@nightshift/source` export condition points workspace imports at each lib's src/.
const path = require('node:path');

// The Linear and GitHub clients ship as ESM only; Jest's CommonJS runtime needs them transpiled like our own code.
const ESM_PACKAGES = [
  '@linear',
  '@octokit',
  'universal-user-agent',
  'before-after-hook',
  'json-with-bigint',
  'content-type',
  'content-disposition',
  '@secretlint',
];
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];

module.exports = function preset(dir, displayName) {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
    // Integration specs start a redis-server and real processes and wait on events with their own deadlines (often
    // 10 s); Jest's 5 s default cut one of them short on a loaded CI machine before its own wait could answer.
    testTimeout: 30_000,
    transform: { '^.+\\.(t|j|mj)s$': swc },
    transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
    testEnvironmentOptions: { customExportConditions: ['@nightshift/source', 'node', 'require', 'default'] },
    // Its package exports offer only an `import` condition, which Jest's CommonJS resolver never asks for.
    moduleNameMapper: {
      '^@octokit/webhooks-methods$': path.join(__dirname, 'node_modules/@octokit/webhooks-methods/dist-node/index.js'),
    },
    moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  };
};
