// Capability masks as systemd stores them: a uint64_t with one bit per capability number, CAP_ALL being
// UINT64_MAX (src/basic/capability-util.h, v252–v262).

/** A 64-bit capability mask. */
export type CapabilityMask = bigint;
export const CAP_ALL: CapabilityMask = 0xffff_ffff_ffff_ffffn;
/** Keeps the low 64 bits of a BigInt (`~mask` is negative). */
export const U64 = 0xffff_ffff_ffff_ffffn;
