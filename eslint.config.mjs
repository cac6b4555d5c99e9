// ESLint flat config. Formatting is Prettier's job (`prettier --check` runs in `npm run lint`);
// eslint-config-prettier switches off every rule that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Node built-ins that do I/O or reach the process: src/core/ is pure and must get these values
// passed in by src/main.ts, src/cli.ts or src/io/ instead.
const IMPURE_BUILTINS = [
  'fs',
  'fs/promises',
  'child_process',
  'os',
  'process',
  'worker_threads',
  'cluster',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'dns/promises',
  'tls',
  'readline',
];

const PURE_MESSAGE = 'src/core is pure: pass the data in from src/io or the entry points.';
const PURE_PATHS = IMPURE_BUILTINS.flatMap((name) => [
  { name, message: PURE_MESSAGE },
  { name: `node:${name}`, message: PURE_MESSAGE },
]);
const PURE_PATTERNS = [
  {
    group: ['@actions/*', '@octokit/*'],
    message: 'src/core must not depend on the GitHub toolkit; only src/main.ts and src/io may.',
  },
  {
    regex: '(^|/)io(/|$)',
    message: 'src/core must not import src/io (the shell); io depends on core, never the reverse.',
  },
  {
    regex: '(^|/)(main|cli)$',
    message: 'src/core must not import the entry points.',
  },
];
const ONE_WAY_TO_SCORE = [
  {
    group: ['**/security/settings'],
    importNames: ['deriveSecuritySettings'],
    message:
      'Score through src/core/engine.ts (scoreUnitInTree / scoreLoadedUnit): there is one way to score.',
  },
  {
    group: ['**/security/assess'],
    importNames: ['assessUnit'],
    message:
      'Score through src/core/engine.ts (scoreUnitInTree / scoreLoadedUnit): there is one way to score.',
  },
];

// What each folder of src/core must not import: a stage never reaches into a later one. The gate
// attaches advice (fixes) but never renders; the trend scores but never renders; report renders and
// re-scores only through the engine entry point (ONE_WAY_TO_SCORE).
const STAGES = [
  { folder: 'unit', forbidden: ['security', 'policy', 'advice', 'gate', 'report', 'trend', 'engine'] },
  { folder: 'security', forbidden: ['policy', 'advice', 'gate', 'report', 'trend', 'engine'] },
  { folder: 'policy', forbidden: ['advice', 'report', 'trend'] },
  { folder: 'advice', forbidden: ['report', 'trend'] },
  { folder: 'gate', forbidden: ['report', 'trend'] },
  { folder: 'trend', forbidden: ['advice', 'report'] },
  // Drift scores (through the engine) and renders its own report with the report folder's escapers.
  { folder: 'drift', forbidden: ['advice', 'trend'] },
];

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'coverage/', '__tests__/fixtures/', '**/*.generated.ts']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['scripts/**/*.{js,mjs,cjs}', '*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.cjs', 'jest.config.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // One way to score (src/core/engine.ts): nothing else derives settings or assesses a unit, or
    // results drift apart between the CLI, the gate, suggestions and the trend.
    files: ['src/**/*.ts'],
    ignores: ['src/core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ONE_WAY_TO_SCORE }] },
  },
  {
    // The pure core: no GitHub toolkit, no file system, no subprocess, no environment, no clock.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: PURE_PATHS, patterns: PURE_PATTERNS }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/engine.ts', 'src/core/security/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: PURE_PATHS, patterns: [...PURE_PATTERNS, ...ONE_WAY_TO_SCORE] },
      ],
    },
  },
  // Stages stay in order (unit → security → policy → advice → gate → report; trend beside the gate).
  ...STAGES.map(({ folder, forbidden }) => ({
    files: [`src/core/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: PURE_PATHS,
          patterns: [
            ...PURE_PATTERNS,
            ...(folder === 'security' ? [] : ONE_WAY_TO_SCORE),
            {
              regex: `^\\.\\./(${forbidden.join('|')})(/|$)`,
              message: `src/core/${folder} comes before ${forbidden.join(', ')} in the stage order; it must not import them.`,
            },
            ...(['policy', 'advice'].includes(folder)
              ? [
                  {
                    regex: '^\\.\\./gate/(?!gate-types$)',
                    message: `src/core/${folder} comes before the gate: only the shared vocabulary (gate/gate-types) may be imported.`,
                  },
                ]
              : []),
          ],
        },
      ],
    },
  })),
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'src/core must not read process state (env, argv, cwd): take it as a parameter.',
        },
        { name: 'require', message: 'Use import.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'globalThis', property: 'process', message: 'src/core must not read process state.' },
        { object: 'Date', property: 'now', message: 'src/core has no clock: take the time as a parameter.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'src/core has no clock: take the time as a parameter.',
        },
      ],
    },
  },
  prettier,
);
