// Whole-pipeline tests spawn the built services (`npm run build` first), so they run serially and slowly.
module.exports = { ...require('../jest.preset.cjs')(__dirname, 'e2e'), testTimeout: 120_000, maxWorkers: 1 };
