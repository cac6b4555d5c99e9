// jest `resolver` entry: see jest-esm-only.cjs.
module.exports = require('./jest-esm-only.cjs').resolve;
