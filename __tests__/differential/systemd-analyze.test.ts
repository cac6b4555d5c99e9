// Differential tests against the real `systemd-analyze` of every supported release (the live oracles of
// scripts/systemd-oracle.sh: the host's tool, or a Debian chroot). For each release with an oracle:
// - generated scoring cases (generator.ts `scoringCase`, fixed seed) give the same exit code and stdout,
//   byte for byte (the JSON rows and the table with its overall score);
// - every counterexample kept in counterexamples/ gives the same exit code, stdout AND stderr.
// A release whose oracle is missing is skipped with a notice on a laptop; UNITGATE_REQUIRE_ORACLES
// (.ci/run sets `all`) turns that into a failure. Releases no reachable archive ships (255) are
// checked through the spec's facts only, and say so.
//
// Knobs: UNITGATE_DIFF_RUNS (default 150 per release), UNITGATE_DIFF_SEED (default fixed); the
// large campaigns are `npm run fuzz`. A failure prints fast-check's shrunk case and the first
// differing line of each stream.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describeDifference, materialize, runCase, type DifferentialCase } from './cases';
import { scoringCase } from './generator';
import { requiredOracles, surveyOracles } from './oracles';

const SEED = Number(process.env.UNITGATE_DIFF_SEED ?? 252038);
const NUM_RUNS = Number(process.env.UNITGATE_DIFF_RUNS ?? 150);
const COUNTEREXAMPLES = join(__dirname, 'counterexamples');

interface Counterexample {
  /** The releases it was found on; it is replayed on every release with an oracle. */
  versions: number[];
  class: string;
  case: DifferentialCase;
}

const counterexamples: [string, Counterexample][] = readdirSync(COUNTEREXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(join(COUNTEREXAMPLES, f), 'utf8')) as Counterexample]);

const survey = surveyOracles();
const required = requiredOracles();

for (const { version, reason } of survey.uncheckable)
  console.warn(`systemd ${version}: ${reason}; its traits are checked through the spec's facts only.`);

for (const { version, reason } of survey.missing) {
  if (required(version)) {
    describe(`systemd-analyze ${version} differential`, () => {
      it('needs its live oracle (UNITGATE_REQUIRE_ORACLES)', () => {
        throw new Error(`systemd ${version}: ${reason}`);
      });
    });
  } else {
    console.warn(
      `systemd-analyze ${version} differential SKIPPED: ${reason}. \`scripts/systemd-oracle.sh build ${version}\` ` +
        'builds it (root, debootstrap); .ci/run does, and fails instead of skipping.',
    );
    describe.skip(`systemd-analyze ${version} differential (SKIPPED: no live oracle)`, () => {
      it('compares with the real systemd-analyze', () => undefined);
    });
  }
}

for (const oracle of survey.oracles) {
  describe(`systemd-analyze differential (${oracle.describe})`, () => {
    let work: string;
    beforeAll(() => {
      work = mkdtempSync(join(tmpdir(), 'unitgate-differential-'));
    });
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it(`${NUM_RUNS} generated units score identically (seed ${SEED})`, () => {
      fc.assert(
        fc.property(scoringCase, (c) => {
          const dir = join(work, 'case');
          materialize(c, dir);
          const outcome = runCase(c, dir, oracle);
          if (outcome.differs.includes('exit') || outcome.differs.includes('stdout'))
            throw new Error(describeDifference(c, outcome, oracle, dir));
        }),
        { seed: SEED, numRuns: NUM_RUNS },
      );
    });

    if (counterexamples.length > 0) {
      it.each(counterexamples)('counterexample %s: same stdout, stderr and exit code', (_file, x) => {
        const dir = join(work, 'case');
        materialize(x.case, dir);
        const outcome = runCase(x.case, dir, oracle);
        if (outcome.differs.length > 0) throw new Error(describeDifference(x.case, outcome, oracle, dir));
      });
    }
  });
}
