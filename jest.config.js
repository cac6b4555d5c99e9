// Jest configuration: TypeScript tests under __tests__/, compiled by ts-jest.
// `isolatedModules` is set in tsconfig.json, so ts-jest transpiles each file on its own (fast, no
// type-check): type errors are caught by `npm run build` (tsc --noEmit), not by the test run.

const { ESM_ONLY } = require('./scripts/jest-esm-only.cjs');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // The GitHub toolkit ships ES modules only: compiled to CommonJS so in-process tests can load it.
    '^.+\\.m?js$': '<rootDir>/scripts/jest-esm-transform.cjs',
  },
  resolver: '<rootDir>/scripts/jest-esm-resolver.cjs',
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  // Fixture trees (unit files, fake roots) are data, never modules or tests.
  modulePathIgnorePatterns: ['<rootDir>/__tests__/fixtures/', '<rootDir>/dist/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/fixtures/'],
  testTimeout: 60000,
  collectCoverageFrom: ['src/**/*.ts'],
  coverageDirectory: 'coverage',
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
