// jest `transform` entry: see jest-esm-only.cjs.
module.exports = require('./jest-esm-only.cjs').transformer;
