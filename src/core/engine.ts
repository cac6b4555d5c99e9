// The one way to score a unit: a tree, a unit name, a systemd version and the assessor overrides in;
// the loaded unit, its security settings and its assessment (or the reason systemd would refuse it)
// out. The CLI, the gate, the trend, suggestions, fixes and the hardening drop-in all score through
// here, so that no caller can score with other settings than another (a second hand-wired copy is how
// suggestions once re-scored without the policy's overrides).
import { UnitLoader, type LoadedUnit, type LoadFailure } from './unit/load-unit';
import type { Diagnostic } from './unit/parse-unit-file';
import type { UnitTree } from './unit/unit-tree';
import {
  deriveSecuritySettings,
  maskedUnitDiagnostics,
  type AnalysingHost,
  type SecuritySettings,
} from './security/settings';
import { assessUnit, AssessmentAbort, type AssessAssertion, type Assessment } from './security/assess';
import type { SecurityPolicy } from './security/security-policy';
import type { SystemdRelease } from './security/versions';

export interface ScoreRequest {
  tree: UnitTree;
  /** The name systemd is asked for (a template already carries its instance). */
  unitName: string;
  /** Tree directories searched in order, highest priority first. */
  searchPath: readonly string[];
  systemd: SystemdRelease;
  /** `--security-policy` / the policy's `assessorOverrides`; undefined scores with systemd's table. */
  overrides?: SecurityPolicy | undefined;
  /** A loader shared by every unit of one search path (directory reads are made once). */
  loader?: UnitLoader | undefined;
  /**
   * The machine whose `systemd-analyze` is imitated (its host specifiers). Only `unitgate security`
   * gives one: a gate's verdict must not depend on the runner's host name or machine id.
   */
  host?: AnalysingHost | undefined;
}

/** Where scoring stopped: the unit was not loaded, its settings were refused, or the overrides abort. */
export type ScoreStage = 'load' | 'settings' | 'overrides';

export type ScoreOutcome =
  | {
      ok: true;
      unit: LoadedUnit;
      settings: SecuritySettings;
      assessment: Assessment;
      /** Everything systemd would log while loading the unit, in its order (the CLI prints these). */
      diagnostics: Diagnostic[];
      /** The service's BusName= (Derivation.busName): one run's services cannot share one. */
      busName?: string;
    }
  | {
      ok: false;
      stage: ScoreStage;
      /** systemd's own words for the failure (its last log line). */
      message: string;
      /** Set when the unit loaded but its settings are refused or cannot be assessed. */
      unit?: LoadedUnit;
      failure?: LoadFailure;
      /** Stage `overrides`: the assertion of assess() the policy breaks. */
      assertion?: AssessAssertion;
      diagnostics: Diagnostic[];
      busName?: string;
    };

/** Loads `unitName` from the tree and scores it. */
export function scoreUnitInTree(request: ScoreRequest): ScoreOutcome {
  const loader = request.loader ?? new UnitLoader(request.tree, request.searchPath);
  const loaded = loader.load(request.unitName);
  if (!loaded.ok) {
    // systemd 252 reads a masked unit's drop-ins, so what they log comes before "masked".
    const masked = loaded.failure.maskedWithDropIns;
    const diagnostics =
      masked && request.systemd.traits.maskedUnitReadsDropIns
        ? maskedUnitDiagnostics(masked, request.systemd, request.host)
        : [];
    return {
      ok: false,
      stage: 'load',
      message: loaded.failure.message,
      failure: loaded.failure,
      diagnostics,
    };
  }
  return scoreLoadedUnit(loaded.unit, request.systemd, request.overrides, request.host);
}

/**
 * Scores a unit that is already loaded (a caller that edits one of its parsed files re-scores here).
 * Derivation and assessment happen nowhere else.
 */
export function scoreLoadedUnit(
  unit: LoadedUnit,
  systemd: SystemdRelease,
  overrides?: SecurityPolicy,
  host?: AnalysingHost,
): ScoreOutcome {
  const derived = deriveSecuritySettings(unit, systemd, host);
  const busName = derived.busName !== undefined ? { busName: derived.busName } : {};
  if (!derived.settings) {
    return {
      ok: false,
      stage: 'settings',
      message: derived.failure?.message ?? `Unit ${unit.id} failed to load.`,
      unit,
      ...(derived.failure ? { failure: derived.failure } : {}),
      diagnostics: derived.diagnostics,
      ...busName,
    };
  }
  try {
    const assessment = assessUnit(derived.settings, systemd, overrides);
    return {
      ok: true,
      unit,
      settings: derived.settings,
      assessment,
      diagnostics: derived.diagnostics,
      ...busName,
    };
  } catch (e) {
    // systemd asserts and aborts on such overrides (assess(), 252+): a policy error, not a unit's.
    if (!(e instanceof AssessmentAbort)) throw e;
    return {
      ok: false,
      stage: 'overrides',
      message: e.message,
      assertion: e.assertion,
      unit,
      diagnostics: derived.diagnostics,
      ...busName,
    };
  }
}
