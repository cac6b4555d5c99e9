// A unit's SecuritySettings as derivation fills them in: systemd's defaults (exec_context_init(),
// cgroup_context_init(), service_init(), v252–v262) and the log of the assignments applied.
import type { Assignment } from '../unit/parse-unit-file';
import type { LoadedUnit } from '../unit/load-unit';
import type { VersionTraits } from './versions';
import type { SecuritySettings } from './settings';
import { CAP_ALL } from './capability-util';
import { NAMESPACES_UNSET } from './nsflags';
import { HAS_CGROUP_CONTEXT, HAS_EXEC_CONTEXT } from './unit-vtable';

/**
 * Units the manager synthesises and marks perpetual before reading their file, with
 * DefaultDependencies=no (mount_load_root_mount(), slice_load_root_slice(), slice_load_system_slice()).
 */
const PERPETUAL_UNITS = ['-.mount', '-.slice', 'system.slice'];

function isPerpetual(unit: LoadedUnit): boolean {
  if (unit.type !== 'mount' && unit.type !== 'slice') return false;
  return PERPETUAL_UNITS.some((n) => unit.names.includes(n) && n.endsWith(`.${unit.type}`));
}

/**
 * A unit's SecuritySettings with systemd's defaults, made by a constructor rather than an object literal.
 * V8 keeps an allocation site per literal and, once it sees the records from one survive (callers keep
 * them to assess and render), allocates every later one straight into the old generation (allocation-site
 * pretenuring), where records dropped after one unit are only reclaimed by full mark-compacts. Objects
 * made by `new` have no allocation site. (The bench's derive stage, which keeps one pass of settings
 * alive, measured 13–14 ms per pass with the literal and 7–8 ms with this class.)
 * Its fields are SecuritySettings' own (declaration merging), every one assigned in the constructor, in
 * the order the literal had.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface SettingsRecord extends SecuritySettings {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SettingsRecord {
  constructor(unit: LoadedUnit, traits: VersionTraits, scope: 'system' | 'user') {
    const type = unit.type;
    const exec = HAS_EXEC_CONTEXT.has(type);
    this.unitId = unit.id;
    this.unitType = type;
    this.hasExecContext = exec;
    this.hasCgroupContext = HAS_CGROUP_CONTEXT.has(type);
    this.defaultDependencies = !isPerpetual(unit);
    this.notifyAccess = 'none';
    this.user = undefined;
    this.dynamicUser = false;
    this.supplementaryGroups = [];
    this.ambientCapabilities = 0n;
    this.capabilityBoundingSet = CAP_ALL;
    // service_init() makes system services private and a user manager's services inherit
    // (MANAGER_IS_SYSTEM() ? EXEC_KEYRING_PRIVATE : EXEC_KEYRING_INHERIT, v252 to v262);
    // exec_context_init() leaves others shared.
    this.keyringMode = exec
      ? type === 'service'
        ? scope === 'user'
          ? 'inherit'
          : 'private'
        : 'shared'
      : 'inherit';
    this.protectProc = 'default';
    this.procSubset = 'all';
    this.privateDevices = false;
    this.privateMounts = exec && traits.privateMountsTristate ? undefined : false;
    this.privateNetwork = false;
    this.privateTmp = 'no';
    this.privateUsers = 'no';
    this.protectControlGroups = 'no';
    this.protectHostname = 'no';
    this.protectKernelModules = false;
    this.protectKernelTunables = false;
    this.protectKernelLogs = false;
    this.protectClock = false;
    this.lockPersonality = false;
    this.memoryDenyWriteExecute = false;
    this.noNewPrivileges = false;
    this.removeIpc = false;
    this.restrictRealtime = false;
    this.restrictSuidSgid = false;
    this.protectHome = 'no';
    this.protectSystem = 'no';
    this.rootDirectory = undefined;
    this.rootImage = undefined;
    this.umask = exec ? 0o022 : 0o002;
    this.addressFamilies = undefined;
    this.addressFamiliesAllowList = false;
    this.restrictNamespaces = NAMESPACES_UNSET;
    this.systemCallArchitectures = new Set();
    this.systemCallFilter = undefined;
    this.delegate = false;
    this.devicePolicy = HAS_CGROUP_CONTEXT.has(type) ? 'auto' : undefined;
    this.deviceAllow = [];
    this.ipAddressDenyAll = false;
    this.ipAddressAllowLocalhost = false;
    this.ipAddressAllowOther = false;
    this.ipCustomFilters = false;
    this.typeSection = undefined;
  }

  // provenance, applied and implied are only read by the gate and report code, never by the assessment,
  // and filling two Maps per assignment was ~10% of deriving a unit. Derivation logs the applied
  // assignments in one array and the Maps are built from it on first read, with the contents and key
  // order eager filling gave; each is then kept, so every read returns the same (writable) Map.
  // Private (#) fields are not own enumerable properties, so the record's visible shape is unchanged.
  /** Every assignment applied, in application order (across files). */
  readonly #log: Assignment[] = [];
  #provenance: Map<string, Assignment[]> | undefined;
  #applied: Map<Assignment, number> | undefined;
  #implied: Map<string, Assignment> | undefined;

  /** Notes that an assignment to a directive (named by its key) was applied. */
  record(a: Assignment): void {
    this.#log.push(a);
    // Keep Maps that were already read in step (nothing reads them mid-derivation today).
    if (this.#provenance !== undefined) this.#index(a);
  }

  /** The last applied assignment to a directive: provenance.get(key)?.at(-1) without building the Maps. */
  lastApplied(key: string): Assignment | undefined {
    const log = this.#log;
    for (let i = log.length - 1; i >= 0; i--) {
      const a = log[i] as Assignment;
      if (a.key === key) return a;
    }
    return undefined;
  }

  /** Notes that `setting` was changed by another directive's assignment (unit_patch_contexts()). */
  imply(setting: string, by: Assignment): void {
    (this.#implied ??= new Map()).set(setting, by);
  }

  get provenance(): Map<string, Assignment[]> {
    if (this.#provenance === undefined) this.#build();
    return this.#provenance as Map<string, Assignment[]>;
  }

  get applied(): Map<Assignment, number> {
    if (this.#applied === undefined) this.#build();
    return this.#applied as Map<Assignment, number>;
  }

  get implied(): Map<string, Assignment> {
    return (this.#implied ??= new Map());
  }

  #build(): void {
    this.#provenance = new Map();
    this.#applied = new Map();
    for (const a of this.#log) this.#index(a);
  }

  /** What eager derivation did per assignment. A directive's name is the assignment's key. */
  #index(a: Assignment): void {
    const provenance = this.#provenance as Map<string, Assignment[]>;
    const applied = this.#applied as Map<Assignment, number>;
    const list = provenance.get(a.key);
    applied.set(a, applied.size);
    if (list) list.push(a);
    else provenance.set(a.key, [a]);
  }
}

export function defaultSettings(
  unit: LoadedUnit,
  traits: VersionTraits,
  scope: 'system' | 'user' = 'system',
): SettingsRecord {
  return new SettingsRecord(unit, traits, scope);
}
