// The CLONE_NEW* flags RestrictNamespaces= stores (namespace_info[] of src/shared/nsflags.c, v252–v262).

/** CLONE_NEW* flags, as RestrictNamespaces= stores them. */
export const NAMESPACE_FLAGS: Record<string, number> = {
  cgroup: 0x02000000,
  ipc: 0x08000000,
  net: 0x40000000,
  mnt: 0x00020000,
  pid: 0x20000000,
  user: 0x10000000,
  uts: 0x04000000,
  time: 0x00000080,
};
/** "Unset": every bit on (ULONG_MAX in systemd); distinct from the "all types" mask. */
export const NAMESPACES_UNSET = -1;
