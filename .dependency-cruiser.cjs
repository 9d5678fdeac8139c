// Import cycles, checked on every build (`npm run boundaries`). ESLint's import/no-cycle skips
// `import type`, and most two-file circles are exactly a type imported back; dependency-cruiser reads
// the TypeScript before compilation (tsPreCompilationDeps), so type-only imports count as edges.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle (type-only imports included): move the shared type or helper to its own file.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Workspace packages resolve to their sources, as jest and Nx see them, so a cycle across
    // projects is a cycle here too.
    enhancedResolveOptions: {
      conditionNames: ['@nightshift/source', 'import', 'require', 'node', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.js', '.cjs', '.json'],
    },
  },
};
