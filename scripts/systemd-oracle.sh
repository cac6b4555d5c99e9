#!/usr/bin/env bash
# The live oracles: the real `systemd-analyze` of every supported release, to compare unitgate with.
#
# A release the host's own systemd-analyze is (Debian 12: 252) runs on the host; the others run in Debian minbase chroots with
# Debian's `systemd` and `systemd-container` packages (the latter ships the portable profiles that
# `--profile=NAME` finds), built with debootstrap from Debian's archive; which suite gives which
# release is data: spec/systemd-data/releases.json (`oracle`). A chroot is cached outside the clone,
# keyed by the systemd version, with the downloaded .deb files beside it, so a second build downloads
# nothing and a second run builds nothing.
#
# /proc, /sys and /dev must be mounted in the chroot (without them the real 257/262 tools misbehave).
# They are mounted only inside a private mount namespace (unshare) that dies with the command, so no
# mount ever outlives a run or shows on the host. Deleting a chroot with /dev or /sys still mounted
# would delete host files: before anything under the cache is deleted, whatever is mounted below it is
# unmounted recursively (in a trap too), and deletion refuses to go on while anything still is.
#
# usage: scripts/systemd-oracle.sh build VERSION        build (or reuse) the chroot; prints its root
#        scripts/systemd-oracle.sh root VERSION         prints the root of a built chroot (exit 3 if none)
#        scripts/systemd-oracle.sh run VERSION [--bind DIR]... -- COMMAND [ARG...]
#                                                       runs COMMAND in the chroot; each DIR (absolute)
#                                                       is visible at the same path inside it
#        scripts/systemd-oracle.sh run-in ROOT [--bind DIR]... -- COMMAND [ARG...]
#                                                       the same in the oracle `root` printed (no lookup)
#        scripts/systemd-oracle.sh remove VERSION       unmounts and deletes the chroot (keeps the .debs)
#        scripts/systemd-oracle.sh versions             the versions with a live oracle, one per line
#
# Environment: UNITGATE_ORACLE_CACHE (default: $XDG_CACHE_HOME/unitgate/systemd-oracles, or
# ~/.cache/…), UNITGATE_DEBIAN_MIRROR (default: http://deb.debian.org/debian). Needs root, debootstrap
# and unshare (util-linux); `build` installs debootstrap with apt-get when it is missing.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RELEASES="$HERE/../spec/systemd-data/releases.json"
CACHE="${UNITGATE_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/unitgate/systemd-oracles}"
MIRROR="${UNITGATE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# What an oracle's chroot (or the host, for the host's release) must have installed: systemd-analyze,
# and the portable profiles (/usr/lib/systemd/portable/profile) of the same release.
PACKAGES=(systemd systemd-container)

die() {
  printf 'systemd-oracle: %s\n' "$*" >&2
  exit "${EXIT:-1}"
}

# The oracle of a release, from releases.json: "host" or a Debian suite name.
oracle_of() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).releases[process.argv[2]];
    if (!r) { console.error("no systemd " + process.argv[2] + " in releases.json"); process.exit(2); }
    console.log(r.oracle?.debianSuite ?? "none");
  ' "$RELEASES" "$1"
}

list_versions() {
  node -e '
    const { releases } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const [v, r] of Object.entries(releases)) if (r.oracle) console.log(v);
  ' "$RELEASES"
}

# Unmounts everything mounted at or below $1 (deepest first), then checks nothing is left.
unmount_below() {
  local dir
  dir="$(realpath -m "$1")"
  local mounts
  mounts="$(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)"
  [ -z "$mounts" ] && return 0
  while read -r m; do
    umount -R "$m" 2>/dev/null || umount -R -l "$m" || true
  done <<<"$mounts"
  if awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    die "$dir still has mounts below it; refusing to delete anything there"
  fi
}

# Deletes $1 after unmounting whatever is below it.
safe_remove() {
  [ -e "$1" ] || return 0
  unmount_below "$1"
  rm -rf --one-file-system "$1"
}

# The host's own systemd-analyze major version, or nothing.
host_major() {
  command -v systemd-analyze >/dev/null 2>&1 || return 0
  systemd-analyze --version 2>/dev/null | sed -n '1s/^systemd \([0-9][0-9]*\).*/\1/p'
}

# The major version systemd-analyze reports inside the chroot at $1.
chroot_major() {
  unshare --mount --propagation private -- chroot "$1" systemd-analyze --version 2>/dev/null |
    sed -n '1s/^systemd \([0-9][0-9]*\).*/\1/p'
}

# The packages of PACKAGES not installed in the system at $1 (a chroot, or / for the host), one per line.
missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query --admindir="$1/var/lib/dpkg" -W -f='${Status}\n' "$p" 2>/dev/null |
      grep -qx 'install ok installed' || echo "$p"
  done
}

# Installs the missing packages into the cached chroot at $1 (built before they were required), at
# the version of the chroot's own systemd so that the release stays the same; the .debs go to $2.
# Fails when the archive no longer has that version (the caller then rebuilds).
install_missing() {
  local root="$1" debs="$2" missing version
  missing="$(missing_packages "$root")"
  [ -z "$missing" ] && return 0
  version="$(chroot "$root" dpkg-query -W -f='${Version}' systemd)"
  echo "systemd-oracle: installing $(echo $missing) $version into $root" >&2
  # shellcheck disable=SC2046 # one word per package
  unshare --mount --propagation private -- /bin/sh -euc '
    root=$1 debs=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    mount --bind "$debs" "$root/var/cache/apt/archives"
    # The Release file of the archive may be past its Valid-Until on a machine whose clock runs ahead.
    chroot "$root" apt-get -o Acquire::Check-Valid-Until=false update
    DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y --no-install-recommends "$@"
  ' sh "$root" "$debs" $(printf '%s='"$version"'\n' $missing) >>"$(dirname "$root")/install.log" 2>&1 || return 1
  [ -z "$(missing_packages "$root")" ]
}

need_root() {
  [ "$(id -u)" = 0 ] || die "needs root (chroot, mounts)"
}

build() {
  local version="$1" suite
  suite="$(oracle_of "$version")"
  [ "$suite" = none ] && EXIT=2 die "systemd $version has no live oracle (releases.json names no Debian suite for it)"
  # The host's own tool is the oracle when it is that release (Debian 12 for 252): nothing to build.
  if [ "$(host_major)" = "$version" ]; then
    echo /
    return 0
  fi
  local dir="$CACHE/$version" root="$CACHE/$version/root"
  if [ -x "$root/usr/bin/systemd-analyze" ] && [ "$(chroot_major "$root")" = "$version" ]; then
    if [ -z "$(missing_packages "$root")" ]; then
      echo "$root"
      return 0
    fi
    # A chroot cached before a package was required: add it, or build afresh when that fails.
    need_root
    mkdir -p "$dir/debs/partial"
    if install_missing "$root" "$dir/debs"; then
      echo "$root"
      return 0
    fi
    echo "systemd-oracle: could not add $(missing_packages "$root" | tr '\n' ' ')to the cached chroot (see $dir/install.log); rebuilding it" >&2
  fi
  need_root
  command -v unshare >/dev/null || die "unshare (util-linux) is needed"
  if ! command -v debootstrap >/dev/null; then
    echo "systemd-oracle: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >&2 ||
      { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >&2; }
  fi
  mkdir -p "$dir/debs"
  local building="$dir/root.building"
  trap 'unmount_below "'"$building"'"' EXIT
  safe_remove "$building"
  safe_remove "$root"
  echo "systemd-oracle: building Debian $suite (systemd $version) in $root" >&2
  # debootstrap mounts /proc and /sys in the target while it configures packages: in a private mount
  # namespace, those mounts cannot outlive it even when it is killed. Only systemd goes in with
  # debootstrap (its configuration of systemd-container fails in a minbase target); the rest of
  # PACKAGES is installed with apt afterwards, at the same systemd version.
  unshare --mount --propagation private -- \
    debootstrap --variant=minbase --include="${PACKAGES[0]}" --cache-dir="$dir/debs" \
    "$suite" "$building" "$MIRROR" >"$dir/debootstrap.log" 2>&1 ||
    die "debootstrap of Debian $suite failed; see $dir/debootstrap.log"
  local major
  major="$(chroot_major "$building")"
  if [ "$major" != "$version" ]; then
    safe_remove "$building"
    die "Debian $suite now ships systemd ${major:-?}, not $version. A new systemd release is a version to add to unitgate (its data file and traits); the recorded corpus stays the fixed $version reference."
  fi
  mkdir -p "$dir/debs/partial"
  install_missing "$building" "$dir/debs" ||
    die "could not install $(missing_packages "$building" | tr '\n' ' ')into the new chroot; see $dir/install.log"
  mv "$building" "$root"
  trap - EXIT
  echo "$root"
}

root_of() {
  local version="$1" suite
  suite="$(oracle_of "$version")"
  [ "$suite" = none ] && EXIT=2 die "systemd $version has no live oracle (releases.json names no Debian suite for it)"
  local root="$CACHE/$version/root"
  if [ "$(host_major)" = "$version" ]; then
    root=/
  else
    [ -x "$root/usr/bin/systemd-analyze" ] ||
      EXIT=3 die "no chroot for systemd $version in $CACHE: run scripts/systemd-oracle.sh build $version"
  fi
  local missing
  missing="$(missing_packages "$root")"
  if [ -n "$missing" ]; then
    [ "$root" = / ] &&
      EXIT=3 die "the host's systemd $version lacks $(echo $missing): apt-get install $(echo $missing)"
    EXIT=3 die "the chroot for systemd $version lacks $(echo $missing): run scripts/systemd-oracle.sh build $version"
  fi
  echo "$root"
}

run() {
  local version="$1"
  shift
  run_in "$(root_of "$version")" "$@"
}

# Runs a command in the oracle whose root is $1 (as `root` printed it: / for the host's tool), with the
# --bind directories; callers that run many commands resolve the root once and use this directly.
run_in() {
  local root="$1"
  shift
  local binds=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --bind) [ $# -ge 2 ] || die "--bind needs a directory"; binds+=("$2"); shift 2 ;;
      --) shift; break ;;
      *) die "unexpected '$1' ([--bind DIR]... -- COMMAND...)" ;;
    esac
  done
  [ $# -gt 0 ] || die "run needs a command after --"
  if [ "$root" = / ]; then
    exec "$@"
  fi
  need_root
  # Everything below happens in a private mount namespace: the mounts vanish with the command.
  exec unshare --mount --propagation private -- /bin/sh -euc '
    root=$1; shift
    mount -t proc proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    while [ "$1" != -- ]; do
      mkdir -p "$root$1"
      mount --bind "$1" "$root$1"
      shift
    done
    shift
    exec chroot "$root" "$@"
  ' sh "$root" "${binds[@]}" -- "$@"
}

remove() {
  local version="$1"
  safe_remove "$CACHE/$version/root.building"
  safe_remove "$CACHE/$version/root"
}

case "${1:-}" in
  build) [ $# = 2 ] || die "usage: build VERSION"; build "$2" ;;
  root) [ $# = 2 ] || die "usage: root VERSION"; root_of "$2" ;;
  run) [ $# -ge 2 ] || die "usage: run VERSION [--bind DIR]... -- COMMAND..."; v="$2"; shift 2; run "$v" "$@" ;;
  run-in) [ $# -ge 2 ] || die "usage: run-in ROOT [--bind DIR]... -- COMMAND..."; r="$2"; shift 2; run_in "$r" "$@" ;;
  remove) [ $# = 2 ] || die "usage: remove VERSION"; remove "$2" ;;
  versions) list_versions ;;
  *) die "usage: systemd-oracle.sh build|root|run|remove|versions …" ;;
esac
