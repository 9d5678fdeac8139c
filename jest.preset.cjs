// Shared jest settings: swc transpiles TypeScript (fast, no type-check: `npm run build` does that),
// and the `@nightshift/source` export condition points workspace imports at each lib's src/.
const path = require('node:path');

module.exports = function preset(dir, displayName) {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j)s$': [
        '@swc/jest',
        { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
      ],
    },
    testEnvironmentOptions: { customExportConditions: ['@nightshift/source', 'node', 'require', 'default'] },
    moduleFileExtensions: ['ts', 'js', 'json'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  };
};
