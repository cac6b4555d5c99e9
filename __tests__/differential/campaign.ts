// A differential campaign: many generated cases against one release's oracle, counting disagreements
// by class instead of stopping at the first (the jest test stops at the first and shrinks it). Run by
// `npm run fuzz` (scripts/fuzz.mjs), which prints the counts and keeps one counterexample per class.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { differenceClass, describeDifference, materialize, runCase, type DifferentialCase } from './cases';
import { CASE_KINDS, differentialCase } from './generator';
import { surveyOracles } from './oracles';

export interface CampaignClass {
  count: number;
  /** The first case of the class, as found. */
  example: DifferentialCase;
  report: string;
}

export interface CampaignResult {
  version: number;
  describe: string;
  cases: number;
  agreed: number;
  classes: Record<string, CampaignClass>;
}

export interface CampaignOptions {
  version: number;
  cases: number;
  seed: number;
  /** One of CASE_KINDS, or every kind. */
  kind?: string;
  /** Called after each case with the counts so far (progress lines). */
  progress?: (done: number, disagreements: number) => void;
}

export function runCampaign(o: CampaignOptions): CampaignResult {
  const oracle = surveyOracles([o.version]).oracles[0];
  if (!oracle)
    throw new Error(`no oracle for systemd ${o.version}: run scripts/systemd-oracle.sh build ${o.version}`);
  const arbitrary = o.kind ? CASE_KINDS[o.kind] : differentialCase;
  if (!arbitrary) throw new Error(`no case kind ${o.kind} (kinds: ${Object.keys(CASE_KINDS).join(', ')})`);
  const work = mkdtempSync(join(tmpdir(), 'unitgate-campaign-'));
  const dir = join(work, 'case');
  const result: CampaignResult = {
    version: o.version,
    describe: oracle.describe,
    cases: 0,
    agreed: 0,
    classes: {},
  };
  try {
    const cases = fc.sample(arbitrary, { seed: o.seed, numRuns: o.cases });
    for (const c of cases) {
      materialize(c, dir);
      const outcome = runCase(c, dir, oracle);
      result.cases++;
      if (outcome.differs.length === 0) result.agreed++;
      else {
        const key = differenceClass(outcome, dir);
        const known = result.classes[key];
        if (known) known.count++;
        else
          result.classes[key] = { count: 1, example: c, report: describeDifference(c, outcome, oracle, dir) };
      }
      o.progress?.(result.cases, result.cases - result.agreed);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return result;
}
