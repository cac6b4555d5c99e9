// The fork-safe hand-over between the two workflows: the `pull_request` run (read-only token, runs
// with the PR's code) writes its verdict as a bundle file for upload-artifact; a `workflow_run` run
// (write token, never checks out PR code) reads it back and publishes. The bundle is untrusted input
// there, so it is validated strictly (types, sizes, repository, pull request, commit) and every text
// in it is escaped again when the comment and check run are rendered from it.
import type { ValidateFunction } from 'ajv';
import type { GateVerdict } from '../gate/gate-types';
import type { Trend } from '../trend/trend';
import { PUBLISH_BUNDLE_VERSION } from './publish-bundle-schema';
import { validate as generatedValidator } from './publish-bundle-validator.generated';

export { PUBLISH_BUNDLE_VERSION };
export const PUBLISH_BUNDLE_FILE = 'unitgate-publish.json';
/** A bundle larger than this is refused before parsing. */
export const MAX_BUNDLE_BYTES = 8 * 1024 * 1024;

export interface PublishBundle {
  version: typeof PUBLISH_BUNDLE_VERSION;
  repository: string;
  pullNumber: number;
  headSha: string;
  /** The merge base the units were compared with: removed lines link to it. */
  baseSha?: string;
  /** The `pull_request` run whose job summary has every finding. */
  runUrl?: string;
  /** That run's id: stamps the comment so an older run never overwrites a newer one. */
  runId?: number;
  /** Rendered markdown would not be trusted: the trend travels as data and is rendered again. */
  trend?: Trend;
  verdict: GateVerdict;
}

// Compiled from PUBLISH_BUNDLE_SCHEMA by scripts/generate-validators.mjs.
const validate = generatedValidator as unknown as ValidateFunction;

export function createPublishBundle(
  verdict: GateVerdict,
  meta: Pick<
    PublishBundle,
    'repository' | 'pullNumber' | 'headSha' | 'baseSha' | 'runUrl' | 'runId' | 'trend'
  >,
): PublishBundle {
  return {
    version: PUBLISH_BUNDLE_VERSION,
    repository: meta.repository,
    pullNumber: meta.pullNumber,
    headSha: meta.headSha,
    ...(meta.baseSha !== undefined ? { baseSha: meta.baseSha } : {}),
    // Without them the published comment would lose its run link and its revision stamp (so an older
    // run's bundle could overwrite a newer comment), and differ from the one the direct mode posts.
    ...(meta.runUrl !== undefined ? { runUrl: meta.runUrl } : {}),
    ...(meta.runId !== undefined ? { runId: meta.runId } : {}),
    ...(meta.trend ? { trend: meta.trend } : {}),
    verdict,
  };
}

export type BundleCheck = { ok: true; bundle: PublishBundle } | { ok: false; error: string };

/**
 * Parses and checks a bundle from an artifact. `expected` comes from the trusted `workflow_run`
 * event: the bundle must be for this repository, and for the run's pull request and head commit.
 */
export function parsePublishBundle(
  text: string,
  expected: { repository: string; pullNumbers: number[]; headSha?: string },
): BundleCheck {
  if (text.length > MAX_BUNDLE_BYTES)
    return { ok: false, error: `the bundle is larger than ${MAX_BUNDLE_BYTES} bytes` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `the bundle is not JSON: ${(e as Error).message}` };
  }
  if (!validate(doc)) {
    const first = validate.errors?.[0];
    return {
      ok: false,
      error: `the bundle is malformed at ${first?.instancePath || '/'}: ${first?.message ?? 'invalid'}`,
    };
  }
  const bundle = doc as unknown as PublishBundle;
  if (bundle.repository.toLowerCase() !== expected.repository.toLowerCase()) {
    return { ok: false, error: `the bundle is for ${bundle.repository}, not ${expected.repository}` };
  }
  if (
    bundle.runUrl &&
    !bundle.runUrl.toLowerCase().includes(`/${expected.repository.toLowerCase()}/actions/runs/`)
  ) {
    return { ok: false, error: `the bundle's run link is not a run of ${expected.repository}` };
  }
  if (!expected.pullNumbers.includes(bundle.pullNumber)) {
    return {
      ok: false,
      error: `the bundle is for pull request #${bundle.pullNumber}, which did not trigger this run`,
    };
  }
  if (expected.headSha && bundle.headSha !== expected.headSha) {
    return {
      ok: false,
      error: `the bundle is for commit ${bundle.headSha.slice(0, 12)}, the run is for ${expected.headSha.slice(0, 12)}`,
    };
  }
  return { ok: true, bundle };
}
