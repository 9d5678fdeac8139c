module.exports = require('../../jest.preset.cjs')(__dirname, 'memory-consolidator');
