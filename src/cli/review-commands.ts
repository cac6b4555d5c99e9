// The commands that review a repository or a host (`check`, `trend`, `suggest`, `snapshot`, `drift`):
// the policy schema and its
// validator, git, the gate and its reports — most of the CLI's code, and none of it needed by
// `unitgate security`. src/cli.ts loads this module only when one of them runs; in dist/ it is a
// bundle of its own (dist/cli-review.js), so `unitgate security` starts without compiling it.
export { runCheckCommand } from './check-command';
export { runSuggestCommand } from './suggest-command';
export { runTrendCommand } from './trend-command';
export { runSnapshotCommand } from './snapshot-command';
export { runDriftCommand } from './drift-command';
