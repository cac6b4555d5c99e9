// What each unit type has, as its UnitVTable says (src/core/{service,socket,mount,…}.c, v252–v262):
// its own section, whether it has an exec and a cgroup context (exec_context_offset, cgroup_context_offset)
// and whether it can delegate (can_delegate).
import type { UnitType } from '../unit/unit-name';

/** Which section holds a unit type's exec/cgroup settings. */
export const TYPE_SECTION: Partial<Record<UnitType, string>> = {
  service: 'Service',
  socket: 'Socket',
  mount: 'Mount',
  swap: 'Swap',
  slice: 'Slice',
  scope: 'Scope',
};
export const HAS_EXEC_CONTEXT = new Set<UnitType>(['service', 'socket', 'mount', 'swap']);
export const HAS_CGROUP_CONTEXT = new Set<UnitType>(['service', 'socket', 'mount', 'swap', 'slice', 'scope']);
export const CAN_DELEGATE = new Set<UnitType>(['service', 'scope']);
