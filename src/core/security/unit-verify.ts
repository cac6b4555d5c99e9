// The load checks that make systemd refuse a unit, per unit type: service_verify() (src/core/service.c),
// mount_verify() (mount.c), swap_verify() (swap.c), automount_verify() (automount.c), slice_load() (slice.c),
// socket_verify(), timer_verify(), path_verify(), v252–v262; unit_verify_contexts() (unit.c, v257+).
import type { LoadFailure } from '../unit/load-unit';
import { isHashedUnitName, parseUnitName, unitNameFromPath, unitNameToPath } from '../unit/unit-name';
import { isNormalizedPath, pathEqual, pathStartsWith, simplifyPath } from '../unit/path-util';
import type { Context, ServiceFacts } from './conf-parser';

/**
 * API file systems no mount unit may be created for (mount_point_is_api() and mount_point_ignore(),
 * src/shared/mount-setup.c, v252–v256, as Debian builds it: with SMACK, pstore and EFI).
 */
const API_MOUNT_POINTS = [
  '/proc',
  '/sys',
  '/dev',
  '/sys/kernel/security',
  '/sys/fs/smackfs',
  '/dev/shm',
  '/dev/pts',
  '/run',
  '/sys/fs/cgroup',
  '/sys/fs/pstore',
  '/sys/firmware/efi/efivars',
  '/sys/fs/bpf',
  // mount_point_ignore()
  '/sys/fs/selinux',
  '/dev/console',
  '/proc/kmsg',
  '/proc/sys',
  '/proc/sys/kernel/random/boot_id',
];

function isApiMountPoint(path: string): boolean {
  if (API_MOUNT_POINTS.some((p) => pathEqual(path, p))) return true;
  return (
    pathStartsWith(path, '/sys/fs/cgroup/') !== undefined || pathStartsWith(path, '/run/host') !== undefined
  );
}

/** FILESYSTEM_SET_NETWORK (src/basic/filesystems.c) plus the extra names of fstype_is_network(). */
const NETWORK_FILE_SYSTEMS = [
  'afs',
  'ceph',
  'cifs',
  'gfs',
  'gfs2',
  'ncp',
  'ncpfs',
  'nfs',
  'nfs4',
  'ocfs2',
  'orangefs',
  'pvfs2',
  'smb3',
  'smbfs',
  'davfs',
  'glusterfs',
  'lustre',
  'sshfs',
];

/**
 * fstab_test_option(): whether a comma-separated option string (`\,` escapes a comma) has one of
 * `names`, alone or as `name=value`.
 */
function fstabTestOption(options: string | undefined, names: readonly string[]): boolean {
  if (options === undefined) return false;
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < options.length; i++) {
    const c = options[i] as string;
    if (c === '\\') {
      word += c + (options[i + 1] ?? '');
      i++;
    } else if (c === ',') {
      words.push(word);
      word = '';
    } else word += c;
  }
  words.push(word);
  return words.some((w) => names.some((n) => w === n || w.startsWith(`${n}=`)));
}

/**
 * The errors mount_add_non_exec_dependencies() can hit before mount_verify() (src/core/mount.c, v252):
 * a device path as What= must map to a device unit name (unit_add_node_dependency(), else -EINVAL), and
 * an absolute What= of a local, bind or loop mount must be normalized (unit_require_mounts_for(), else
 * -EPERM).
 */
function mountDependencyError(facts: ServiceFacts, where: string): 'EINVAL' | 'EPERM' | undefined {
  const what = facts.what;
  if (what === undefined) return undefined;
  const bind =
    fstabTestOption(facts.options, ['bind', 'rbind']) || ['bind', 'rbind'].includes(facts.fstype ?? '');
  const isDevicePath = ['/dev/', '/sys/'].some((p) => {
    const rest = pathStartsWith(what, p);
    return rest !== undefined && rest !== '';
  });
  if (
    !bind &&
    isDevicePath &&
    !['/dev/root', '/dev/nfs'].some((p) => pathEqual(what, p)) &&
    !pathEqual(where, '/')
  ) {
    if (unitNameFromPath(what, 'device') === undefined) return 'EINVAL';
  }
  const fstype = facts.fstype?.replace(/^fuse\./, '');
  const network = fstabTestOption(facts.options, ['_netdev']) || NETWORK_FILE_SYSTEMS.includes(fstype ?? '');
  const loop = fstabTestOption(facts.options, ['loop']);
  if (what.startsWith('/') && (bind || loop || !network)) {
    if (!isNormalizedPath(simplifyPath(what))) return 'EPERM';
  }
  return undefined;
}

/** automount_verify()'s reserved ExtraOptions= words (fstab_test_option()). */
const AUTOMOUNT_RESERVED_OPTIONS = ['fd', 'pgrp', 'minproto', 'maxproto', 'direct', 'indirect'];

/**
 * The load checks that make systemd refuse a unit: service_verify() (src/core/service.c),
 * mount_load()/mount_verify() (mount.c), swap_load()/swap_verify() (swap.c),
 * automount_load()/automount_verify() (automount.c), slice_load() (slice.c), socket_verify(), …, v252–v256.
 * A failed check is "bad setting" (-ENOEXEC); an error while adding the type's extras is a load error.
 */
export function verifyUnit(ctx: Context): LoadFailure | undefined {
  return verifyExecContext(ctx) ?? verifyUnitType(ctx);
}

/**
 * unit_verify_contexts() (src/core/unit.c, v257+), which systemd-analyze 257/262 report before the type's
 * own checks (as the oracles show): settings of the
 * execution context that no unit of this kind may combine.
 */
function verifyExecContext(ctx: Context): LoadFailure | undefined {
  const why = execContextProblem(ctx);
  if (why === undefined) return undefined;
  const id = ctx.unit.id;
  return {
    kind: 'bad-setting',
    unitName: id,
    message: `${id}: ${why}\nUnit ${id} has a bad unit file setting.`,
  };
}

/** What unit_verify_contexts() refuses in the unit's execution context, in its words (v257+). */
function execContextProblem(ctx: Context): string | undefined {
  if (!ctx.traits.verifiesExecContexts || !ctx.s.hasExecContext) return undefined;
  // A user manager cannot allocate users (checked with 257.13 and 262.1; 252 scores such a unit).
  if (ctx.s.dynamicUser && ctx.profile.scope === 'user')
    return 'DynamicUser= enabled for user unit, which is not supported. Refusing.';
  if (ctx.s.dynamicUser && ctx.facts.workingDirectoryHome)
    return 'WorkingDirectory=~ is not allowed under DynamicUser=yes. Refusing.';
  // exec_needs_pid_namespace(): only services can hand their main PID over (notify_pidref).
  if (ctx.facts.privatePids && ctx.unit.type !== 'service')
    return 'PrivatePIDs= setting is only supported for service units. Refusing.';
  return undefined;
}

/**
 * What a mount or swap unit whose main file failed still logs (v257+): unit_load_fragment() marks the
 * unit loaded before it parses the file, so mount_load()/swap_load() add the type's extras all the
 * same, and unit_verify_contexts() logs its refusal; the load then fails with the file's error.
 * Services and the other types return at the error. Checked with systemd-analyze 257.13.
 */
export function noteExecContextAfterFailedFile(ctx: Context): void {
  if (ctx.unit.type !== 'mount' && ctx.unit.type !== 'swap') return;
  const why = execContextProblem(ctx);
  if (why === undefined) return;
  const main = ctx.unit.files[0];
  ctx.diagnostics.push({
    file: main?.file ?? '',
    line: 1,
    column: 1,
    severity: 'error',
    message: `${ctx.unit.id}: ${why}`,
    unlocated: true,
    kind: 'refused-unit',
  });
}

function verifyUnitType(ctx: Context): LoadFailure | undefined {
  const { unit, facts } = ctx;
  const id = unit.id;
  const refuse = (why: string): LoadFailure => ({
    kind: 'bad-setting',
    unitName: id,
    message: `${id}: ${why}\nUnit ${id} has a bad unit file setting.`,
  });
  const loadError = (reason: string): LoadFailure => ({
    kind: 'error',
    unitName: id,
    message: `Unit ${id} failed to load properly, please adjust/correct and reload service manager: ${reason}`,
  });
  /** unit_has_name() for the name a path maps to (hashed names cannot be recomputed here: accepted). */
  const hasNameFor = (path: string): boolean | undefined => {
    const name = unitNameFromPath(path, unit.type);
    if (name === undefined) return undefined;
    if (name === 'hashed') return unit.names.some(isHashedUnitName);
    return unit.names.includes(name);
  };
  switch (unit.type) {
    case 'service': {
      let type = facts.type;
      if (type === undefined) type = facts.busName ? 'dbus' : facts.execStart > 0 ? 'simple' : 'oneshot';
      if (facts.execStart === 0 && facts.execStop === 0 && facts.successAction === 'none')
        return refuse('Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.');
      if (type !== 'oneshot' && facts.execStart === 0)
        return refuse(
          'Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.',
        );
      if (!facts.remainAfterExit && facts.execStart === 0 && facts.successAction === 'none')
        return refuse(
          'Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.',
        );
      if (type !== 'oneshot' && facts.execStart > 1)
        return refuse(
          'Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.',
        );
      if (type === 'oneshot' && ['always', 'on-success'].includes(facts.restart))
        return refuse(
          "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.",
        );
      if (type === 'oneshot' && facts.exitType === 'cgroup')
        return refuse(
          "Service has ExitType=cgroup set, which isn't allowed for Type=oneshot services. Refusing.",
        );
      if (type === 'dbus' && !facts.busName)
        return refuse('Service is of type D-Bus but no D-Bus service name has been specified. Refusing.');
      if (facts.pamName && !['control-group', 'mixed'].includes(facts.killMode))
        return refuse(
          "Service has PAM enabled. Kill mode must be set to 'control-group' or 'mixed'. Refusing.",
        );
      return undefined;
    }
    case 'mount': {
      // mount_add_extras(): without Where= the path comes from the unit name.
      const where = facts.where ?? unitNameToPath(id);
      if (where === undefined) return loadError('Invalid argument');
      const extrasError = mountDependencyError(facts, where);
      if (extrasError === 'EINVAL') return loadError('Invalid argument');
      // bus_unit_validate_load_state() reports -EPERM as the D-Bus error "Access denied" alone.
      if (extrasError === 'EPERM') return { kind: 'error', unitName: id, message: 'Access denied' };
      const matches = hasNameFor(where);
      if (matches === undefined) return loadError('Invalid argument');
      if (!matches) return refuse("Where= setting doesn't match unit name. Refusing.");
      if (isApiMountPoint(where))
        return refuse(`Cannot create mount unit for API file system ${where}. Refusing.`);
      const perpetual = unit.names.includes('-.mount');
      if (facts.what === undefined && !perpetual) return refuse('What= setting is missing. Refusing.');
      if (facts.pamName && facts.killMode !== 'control-group')
        return refuse("Unit has PAM enabled. Kill mode must be set to control-group'. Refusing.");
      return undefined;
    }
    case 'swap': {
      const what = facts.what ?? unitNameToPath(id);
      // A relative What= (kept from v257) cannot name a unit: unit_name_from_path() fails with -EINVAL.
      if (what === undefined || !what.startsWith('/')) return loadError('Invalid argument');
      const matches = hasNameFor(what);
      if (matches === undefined) return loadError('Invalid argument');
      if (!matches) return refuse('Value of What= and unit name do not match, not loading.');
      if (facts.pamName && facts.killMode !== 'control-group')
        return refuse("Unit has PAM enabled. Kill mode must be set to 'control-group'. Refusing to load.");
      return undefined;
    }
    case 'automount': {
      const where = facts.where ?? unitNameToPath(id);
      if (where === undefined) return loadError('Invalid argument');
      // automount_add_mount_dependencies(): "/" has no parent directory (-EADDRNOTAVAIL).
      if (pathEqual(where, '/')) return loadError('Cannot assign requested address');
      const matches = hasNameFor(where);
      if (matches === undefined) return loadError('Invalid argument');
      if (!matches) return refuse("Where= setting doesn't match unit name. Refusing.");
      const reserved = AUTOMOUNT_RESERVED_OPTIONS.find((o) => fstabTestOption(facts.extraOptions, [o]));
      if (reserved) return refuse(`ExtraOptions= setting may not contain reserved option ${reserved}.`);
      return undefined;
    }
    case 'slice':
      // slice_add_parent_slice() → slice_build_parent_slice(): the name must be a valid slice name.
      return isValidSliceName(id) ? undefined : loadError('Invalid argument');
    case 'socket': {
      if (facts.ports.length === 0)
        return refuse(
          'Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.',
        );
      // have_non_accept_socket(): only stream and sequential-packet sockets can accept.
      if (facts.accept && facts.ports.some((p) => !p.accepting))
        return refuse('Unit configured for accepting sockets, but sockets are non-accepting. Refusing.');
      if ((facts.accept || ctx.traits.maxConnectionsCheckedAlways) && facts.maxConnections <= 0)
        return refuse('MaxConnection= setting too small. Refusing.');
      if (facts.accept && facts.socketService)
        return refuse('Explicit service configuration for accepting socket units not supported. Refusing.');
      if (facts.pamName && facts.killMode !== 'control-group')
        return refuse("Unit has PAM enabled. Kill mode must be set to 'control-group'. Refusing.");
      // socket_find_symlink_target(): exactly one port with a file system node.
      if (facts.symlinks > 0 && facts.ports.filter((p) => p.node !== undefined).length !== 1)
        return refuse('Unit has symlinks set but none or more than one node in the file system. Refusing.');
      return undefined;
    }
    case 'timer':
      return facts.timerValues === 0 && !facts.onClockChange && !facts.onTimezoneChange
        ? refuse('Timer unit lacks value setting. Refusing.')
        : undefined;
    case 'path':
      return facts.pathTriggers === 0 ? refuse('Path unit lacks path setting. Refusing.') : undefined;
    default:
      return undefined;
  }
}

/** slice_name_is_valid(): `-.slice`, or dash-separated non-empty parts (no leading, trailing or double dash). */
function isValidSliceName(name: string): boolean {
  const parts = parseUnitName(name);
  if (!parts || parts.instance !== undefined || parts.type !== 'slice') return false;
  if (name === '-.slice') return true;
  return !parts.prefix.split('-').some((p) => p === '');
}
