// The parsers of what a socket, timer or path unit listens for or triggers on, and of a service's
// BusName=: config_parse_socket_listen(), config_parse_timer(), config_parse_path_spec(),
// config_parse_socket_service(), config_parse_bus_name() (src/core/load-fragment.c, v252–v262). systemd
// refuses such a unit when no value was ACCEPTED (socket_verify(), timer_verify(), path_verify(),
// service_verify()), so each parser checks the value as systemd does and drops what systemd drops.
import type { Assignment } from '../unit/parse-unit-file';
import { parseBoolean } from '../unit/parse-boolean';
import { simplifyAndCheckPath } from '../unit/path-util';
import { isTemplateName, parseUnitName } from '../unit/unit-name';
import {
  expand,
  rejectValue,
  warn,
  type Context,
  type Handler,
  type Outcome,
  ignoredPath,
} from './conf-parser';
import { isCalendarSpec, isTimeSpan } from './time-spec';

/** What systemd keeps of a Listen*= line (a SocketPort): its kind, and what socket_verify() reads of it. */
export interface SocketPort {
  /** SOCK_STREAM or SOCK_SEQPACKET sockets: the only ones Accept=yes works with (socket_address_can_accept()). */
  accepting: boolean;
  /** The file system node a Symlinks= link would point to (AF_UNIX path or FIFO), if any. */
  node: string | undefined;
}

/** config_parse_bool() into a fact: a bad value is ignored with a warning. */
export function factBool(
  field: 'accept' | 'onClockChange' | 'onTimezoneChange' | 'remainAfterExit' | 'privatePids',
): Handler {
  return (ctx, a) => {
    const b = parseBoolean(a.value);
    if (b === undefined) return rejectValue(ctx, a, { ownWords: 'Failed to parse boolean value' });
    ctx.facts[field] = b;
    return 'ok';
  };
}

/** config_parse_unsigned() for MaxConnections=. */
export const handleMaxConnections: Handler = (ctx, a) => {
  if (!/^\s*\+?\d+\s*$/.test(a.value) || Number(a.value) > 0xffffffff)
    return rejectValue(ctx, a, { ownWords: 'Failed to parse unsigned value' });
  ctx.facts.maxConnections = Number(a.value);
  return 'ok';
};

/** unit_full_printf() for a parser that ignores a value it cannot expand. */
function expandOrWarn(ctx: Context, a: Assignment, quoted: boolean): string | undefined {
  const r = expand(ctx, a.value);
  if (r.ok) return r.value;
  const shown = quoted ? `'${a.value}'` : a.value;
  warn(ctx, a, `Failed to resolve unit specifiers in ${shown}, ignoring: Invalid slot`, 'invalid-value');
  return undefined;
}

/** safe_atou16() of a port: 1…65535 (0 is EINVAL, larger ERANGE). */
function portProblem(s: string): string | undefined {
  if (!/^\d+$/.test(s)) return 'Invalid argument';
  const n = Number(s);
  if (n > 65535) return 'Numerical result out of range';
  return n === 0 ? 'Invalid argument' : undefined;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** inet_pton(AF_INET6) for the usual forms (hex groups, one `::`, an optional IPv4 tail). */
function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || (s.match(/::/g)?.length ?? 0) > 1) return false;
  let groups = s.split(':');
  const last = groups[groups.length - 1] ?? '';
  let count = 0;
  if (last.includes('.')) {
    if (!IPV4.test(last)) return false;
    groups = groups.slice(0, -1);
    count += 2;
  }
  const compressed = s.includes('::');
  const parts = groups.filter((g, i) => !(g === '' && (compressed || i === 0 || i === groups.length - 1)));
  if (parts.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  count += parts.length;
  return compressed ? count < 8 : count === 8;
}

/**
 * socket_address_parse() (src/shared/socket-netlink.c, v252–v262) for the forms units use: a path or
 * an abstract `@name` (AF_UNIX), `[IPv6]:port`, `IPv4:port`, a bare port. Returns the AF_UNIX path
 * (or '' for another family) or the errno text of the failure.
 */
function parseSocketAddress(s: string): { family: 'unix' | 'inet'; path?: string } | { error: string } {
  if (s.startsWith('/')) return s.length < 108 ? { family: 'unix', path: s } : { error: 'Invalid argument' };
  if (s.startsWith('@')) return s.length < 108 ? { family: 'unix' } : { error: 'Invalid argument' };
  if (s.startsWith('[')) {
    const m = /^\[([^\]]*)\]:(.*)$/.exec(s);
    if (!m || !isIpv6(m[1] ?? '')) return { error: 'Invalid argument' };
    const p = portProblem(m[2] ?? '');
    return p ? { error: p } : { family: 'inet' };
  }
  const colon = s.lastIndexOf(':');
  if (colon >= 0) {
    if (!IPV4.test(s.slice(0, colon))) return { error: 'Invalid argument' };
    const p = portProblem(s.slice(colon + 1));
    return p ? { error: p } : { family: 'inet' };
  }
  const p = portProblem(s);
  return p ? { error: p } : { family: 'inet' };
}

/** Netlink families socket_address_parse_netlink() knows by name (netlink_family_from_string()). */
const NETLINK_FAMILIES = [
  'route',
  'firewall',
  'inet-diag',
  'nflog',
  'xfrm',
  'selinux',
  'iscsi',
  'audit',
  'fib-lookup',
  'connector',
  'netfilter',
  'ip6-fw',
  'dnrtmsg',
  'kobject-uevent',
  'generic',
  'scsitransport',
  'ecryptfs',
  'rdma',
];

type ListenKind = 'stream' | 'datagram' | 'seqpacket' | 'netlink' | 'fifo' | 'special' | 'mqueue' | 'usb';

/**
 * config_parse_socket_listen(): an empty value drops every port (socket_free_ports()); a value that
 * does not parse is ignored with a warning, so it does not count for socket_verify().
 */
export function listen(kind: ListenKind): Handler {
  return (ctx, a) => {
    if (a.value === '') {
      ctx.facts.ports = [];
      return 'ok';
    }
    const socketKind = kind === 'stream' || kind === 'datagram' || kind === 'seqpacket';
    const v = expandOrWarn(ctx, a, socketKind || kind === 'netlink');
    if (v === undefined) return 'ok';
    if (kind === 'netlink') {
      const m = /^(\S+)(?:\s+(\d+))?\s*$/.exec(v);
      if (!m || !NETLINK_FAMILIES.includes(m[1] ?? ''))
        return warn(ctx, a, `Failed to parse address value in '${v}', ignoring: Invalid argument`);
      ctx.facts.ports.push({ accepting: false, node: undefined });
      return 'ok';
    }
    if (!socketKind) {
      const checked = simplifyAndCheckPath(v, a.key, 'absolute');
      if (!checked.ok) return warn(ctx, a, ignoredPath(checked.message));
      ctx.facts.ports.push({ accepting: false, node: kind === 'fifo' ? checked.path : undefined });
      return 'ok';
    }
    const address = parseSocketAddress(v);
    if ('error' in address)
      return warn(ctx, a, `Failed to parse address value in '${v}', ignoring: ${address.error}`);
    if (kind === 'seqpacket' && address.family !== 'unix')
      return warn(ctx, a, `Address family not supported, ignoring: ${v}`);
    ctx.facts.ports.push({ accepting: kind !== 'datagram', node: address.path });
    return 'ok';
  };
}

/** config_parse_unit_path_strv_printf() for Symlinks=: an empty value resets, a relative path is ignored. */
export const handleSymlinks: Handler = (ctx, a) => {
  if (a.value === '') {
    ctx.facts.symlinks = 0;
    return 'ok';
  }
  for (const word of a.value.split(/\s+/).filter(Boolean)) {
    const r = expand(ctx, word);
    if (!r.ok) {
      warn(ctx, a, `Failed to resolve unit specifiers in '${word}', ignoring: Invalid slot`, 'invalid-value');
      continue;
    }
    const checked = simplifyAndCheckPath(r.value, a.key, 'absolute');
    if (!checked.ok) warn(ctx, a, ignoredPath(checked.message));
    else ctx.facts.symlinks++;
  }
  return 'ok';
};

/**
 * config_parse_socket_service(): the name must be a loadable service (not a template, not another type);
 * otherwise it is ignored. An empty value is an error too (unit_name_printf() gives no name).
 */
export const handleSocketService: Handler = (ctx, a) => {
  const v = expandOrWarn(ctx, a, false);
  if (v === undefined) return 'ok';
  const parts = parseUnitName(v);
  if (!v.endsWith('.service') || (parts !== undefined && parts.type !== 'service'))
    return warn(ctx, a, `Unit must be of type service, ignoring: ${v}`);
  if (!parts) return warn(ctx, a, `Failed to load unit ${v}, ignoring: Invalid argument`);
  if (isTemplateName(v))
    return warn(ctx, a, `Failed to load unit ${v}, ignoring: Unit name ${v} is missing the instance name.`);
  ctx.facts.socketService = true;
  return 'ok';
};

/**
 * config_parse_timer(): an empty value drops every timer value (timer_free_values()); OnCalendar=
 * takes a calendar specification, the others a time span; a value that does not parse is ignored.
 */
export function timerValue(calendar: boolean): Handler {
  return (ctx, a) => {
    if (a.value === '') {
      ctx.facts.timerValues = 0;
      return 'ok';
    }
    const v = expandOrWarn(ctx, a, false);
    if (v === undefined) return 'ok';
    if (calendar ? !isCalendarSpec(v) : !isTimeSpan(v))
      return warn(
        ctx,
        a,
        calendar
          ? `Failed to parse calendar specification, ignoring: ${v}`
          : `Failed to parse timer value, ignoring: ${v}`,
      );
    ctx.facts.timerValues++;
    return 'ok';
  };
}

/**
 * config_parse_path_spec(): an empty value drops every path (path_free_specs()); a relative or
 * unnormalized path is ignored with a warning.
 */
export const pathSpec: Handler = (ctx, a): Outcome => {
  if (a.value === '') {
    ctx.facts.pathTriggers = 0;
    return 'ok';
  }
  const v = expandOrWarn(ctx, a, false);
  if (v === undefined) return 'ok';
  const checked = simplifyAndCheckPath(v, a.key, 'absolute');
  if (!checked.ok) return warn(ctx, a, ignoredPath(checked.message));
  ctx.facts.pathTriggers++;
  return 'ok';
};
