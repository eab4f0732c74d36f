#!/usr/bin/env bash
# Builds the flashable arm64 Raspberry Pi image (Pi 3/4/5, CM4) from Debian packages only:
#   mmdebstrap arm64 root file system + Vigil (dist/ bundle, run-time node_modules for arm64)
#   + overlay/ + systemd/, assembled without loop devices or mounts into a dos-partitioned
#   image (FAT "RASPIFIRM" + ext4 "RASPIROOT"), compressed to .img.xz with a .sha256 and a
#   build log of every version that went in.
#
# Usage: image/build.sh [--flavor release|test] [--out DIR]
#   release  Debian's default initramfs (MODULES=most): the image to flash.
#   test     a small MODULES=list initramfs (~20 min faster under emulation): what the
#            QEMU boot test boots by default. Untested on real Pi hardware.
# Environment: VIGIL_IMAGE_SUITE (trixie), VIGIL_IMAGE_MIRROR (http://deb.debian.org/debian),
#   VIGIL_IMAGE_SECURITY_MIRROR, SOURCE_DATE_EPOCH (default: time of the git HEAD commit).
# Needs root (mmdebstrap --mode=root, chroot) and binfmt_misc for qemu-aarch64; installs its
# own Debian tools with apt-get when they are missing.
set -euo pipefail

IMAGE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$IMAGE_DIR")
SUITE=${VIGIL_IMAGE_SUITE:-trixie}
MIRROR=${VIGIL_IMAGE_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${VIGIL_IMAGE_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
COMPONENTS="main non-free-firmware"
FLAVOR=release
OUT_DIR=$IMAGE_DIR/out
# FAT boot partition: kernel, initrd, device trees and the Pi's GPU firmware (~100 MB with
# Debian's default initramfs); room for one kernel update beside it.
BOOT_MB=256
BOOT_START_MB=4

# The Debian packages of the image: nothing else is installed (no Recommends).
#   boot: kernel, Pi firmware + its kernel/initramfs hooks, zstd-compressed initramfs
#   system: init, udev, D-Bus (hostnamectl/timedatectl), networkd (in systemd) + resolved
#     (DNS, mDNS name <id>.local) + timesyncd (the Pi has no RTC), CA certificates (mqtts,
#     webhooks), time zones (device.timezone), file system tools (fsck at boot, growing the
#     root partition on first boot), iproute2 (`ip address` on the console), nftables (the
#     firewall, /etc/nftables.conf), openssl (the device's HTTPS certificate, made on first boot)
#   Vigil: nodejs 20, ffmpeg (camera capture, recording, clips), gpiod (GPIO lines)
# Left out: libcamera-tools. Debian has no rpicam-apps (what Vigil's libcamera driver runs), and
# libcamera-tools' `cam`/`qcam` would only add Qt 6 (~40 MB) for a diagnostic.
PACKAGES=(
  linux-image-arm64 raspi-firmware initramfs-tools zstd
  systemd systemd-sysv udev dbus systemd-resolved systemd-timesyncd
  ca-certificates tzdata e2fsprogs dosfstools fdisk iproute2 kmod nftables openssl
  nodejs ffmpeg gpiod
)
# Kernel modules of the small (test) initramfs: the root file system on SD (Pi), USB/PCIe
# storage (CM4, Pi 5) and virtio (QEMU's virt machine, used by the boot test).
TEST_INITRAMFS_MODULES=(
  ext4 virtio_pci virtio_mmio virtio_blk sdhci-iproc mmc_block bcm2835 bcm2835-dma
  pcie-brcmstb xhci-pci xhci-plat-hcd usb-storage uas reset-raspberrypi
)

log() { printf '[image %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  printf 'image/build.sh: %s\n' "$*" >&2
  exit 1
}

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --flavor) FLAVOR=${2:?--flavor needs release or test}; shift 2 ;;
      --out) OUT_DIR=${2:?--out needs a directory}; shift 2 ;;
      -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
      *) die "unknown argument '$1' (see --help)" ;;
    esac
  done
  case "$FLAVOR" in release | test) ;; *) die "--flavor must be release or test, not '$FLAVOR'" ;; esac
}

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    die "building the root file system needs root (mmdebstrap --mode=root runs arm64 maintainer
scripts in a chroot). Run it as root, e.g.: sudo npm run image"
  fi
}

# Debian tools the build uses, by command; installed with apt-get when missing.
install_host_tools() {
  local -A tools=(
    [mmdebstrap]=mmdebstrap [qemu-aarch64-static]=qemu-user-static [update-binfmts]=binfmt-support
    [arch-test]=arch-test [mkfs.vfat]=dosfstools [mcopy]=mtools [sfdisk]=fdisk [mke2fs]=e2fsprogs
    [xz]=xz-utils [zstd]=zstd [aarch64-linux-gnu-g++]=g++-aarch64-linux-gnu [make]=make
    [python3]=python3 [dpkg-deb]=dpkg [apt-get]=apt [file]=file
  )
  local missing=() cmd
  for cmd in "${!tools[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${tools[$cmd]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing tools (Debian packages ${missing[*]}) and no apt-get to install them"
  log "installing build tools: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# arm64 maintainer scripts run under qemu-user: that needs binfmt_misc with qemu-aarch64
# registered. In a fresh container binfmt_misc is often not mounted yet.
ensure_binfmt() {
  if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  fi
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] && command -v update-binfmts >/dev/null; then
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  fi
  if ! arch-test arm64 >/dev/null 2>&1; then
    die "this machine cannot run arm64 programs: binfmt_misc with qemu-aarch64 is needed.
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc   (as root; in a container the
  host must allow it, e.g. docker run --privileged), then: apt-get install qemu-user-static
  binfmt-support. Check with: arch-test arm64"
  fi
}

sources_list() {
  echo "deb $MIRROR $SUITE $COMPONENTS"
  echo "deb $MIRROR $SUITE-updates $COMPONENTS"
  echo "deb $SECURITY_MIRROR $SUITE-security $COMPONENTS"
}

# apt-get on this machine pointed at the image's arm64 archive (for files the build needs on
# the host, e.g. Node's headers), without touching the host's own apt state.
# arm64_apt apt-get|apt-cache ARGS...
arm64_apt() {
  local tool=$1 dir=$WORK/apt
  shift
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"/{etc/apt/apt.conf.d,etc/apt/preferences.d,etc/apt/sources.list.d,lists/partial,cache/partial}
    touch "$dir/status"
    sources_list >"$dir/etc/apt/sources.list"
  fi
  "$tool" -q -o Dir::Etc="$dir/etc/apt" -o Dir::State::Lists="$dir/lists" -o Dir::State::Status="$dir/status" \
    -o Dir::Cache="$dir/cache" -o Dir::Etc::Trusted=/etc/apt/trusted.gpg \
    -o Dir::Etc::TrustedParts=/usr/share/keyrings -o APT::Architecture=arm64 -o APT::Architectures=arm64 \
    -o APT::Sandbox::User=root "$@"
}

build_bundle() {
  log "building the Vigil bundle (npm run build)"
  [ -d "$REPO/node_modules/esbuild" ] || die "node_modules is missing: run 'npm install' in $REPO first"
  (cd "$REPO" && npm run -s build)
  VIGIL_VERSION=$(node -p "require('$REPO/package.json').version")
  GIT_COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$REPO" status --porcelain 2>/dev/null)" ]; then GIT_COMMIT="$GIT_COMMIT+dirty"; fi
}

# Node's headers of exactly the nodejs the image installs (Debian's libnode-dev, arm64), and
# libuv's (Debian's node uses the system libuv, so node.h/nan.h include <uv.h> from there):
# native modules compiled against them load in that node.
fetch_node_headers() {
  log "fetching Node headers (libnode-dev, libuv1-dev; arm64) from $SUITE"
  arm64_apt apt-get update -qq
  NODE_DEB_VERSION=$(arm64_apt apt-cache policy nodejs | sed -n 's/^ *Candidate: //p')
  [ -n "$NODE_DEB_VERSION" ] || die "no nodejs for arm64 in $SUITE at $MIRROR"
  (cd "$WORK" && arm64_apt apt-get download -qq "libnode-dev=$NODE_DEB_VERSION" libuv1-dev)
  mkdir -p "$WORK/node-headers"
  local deb
  for deb in "$WORK"/libnode-dev_*_arm64.deb "$WORK"/libuv1-dev_*_arm64.deb; do
    dpkg-deb -x "$deb" "$WORK/node-headers"
  done
  [ -f "$WORK/node-headers/usr/include/node/node.h" ] || die "libnode-dev has no usr/include/node/node.h"
  [ -f "$WORK/node-headers/usr/include/uv.h" ] || die "libuv1-dev has no usr/include/uv.h"
}

# Vigil's run-time packages (build.ts EXTERNAL_PACKAGES) for linux/arm64: npm picks the arm64
# binaries of sharp (@img/*) and onnxruntime-node ships them; the native modules
# (better-sqlite3, unix-dgram) are cross-compiled with Debian's aarch64 toolchain.
stage_runtime_modules() {
  local stage=$WORK/runtime gyp natives name key cache
  mkdir -p "$stage"
  (cd "$REPO" && npx tsx image/runtimePackages.ts) >"$stage/package.json"
  # Cached by everything that goes into it (compiling better-sqlite3 takes minutes): the pinned
  # packages, the Node/libuv headers and this function itself.
  key=$( {
    cat "$stage/package.json"
    echo "$NODE_DEB_VERSION"
    sha256sum "$WORK"/*.deb | cut -d' ' -f1
    declare -f stage_runtime_modules
  } | sha256sum | cut -c1-16)
  cache=$OUT_DIR/.cache/runtime-$key
  if [ -d "$cache/node_modules" ]; then
    log "Vigil's run-time packages for arm64: cached ($cache)"
    cp -a "$cache/node_modules" "$cache/npm-packages.txt" "$stage/"
    cp "$stage/npm-packages.txt" "$WORK/npm-packages.txt"
    return 0
  fi
  log "installing Vigil's run-time packages for linux/arm64 (npm)"
  (cd "$stage" && npm install --omit=dev --ignore-scripts --os=linux --cpu=arm64 --libc=glibc \
    --no-audit --no-fund --loglevel=error >/dev/null)
  gyp=$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js
  [ -f "$gyp" ] || die "node-gyp (bundled with npm) not found at $gyp"
  natives=$(cd "$REPO" && npx tsx image/runtimePackages.ts natives)
  for name in $natives; do
    log "cross-compiling $name for arm64"
    (cd "$stage/node_modules/$name" &&
      CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
        CPPFLAGS="-I$WORK/node-headers/usr/include" node "$gyp" rebuild --release --arch=arm64 --nodedir="$WORK/node-headers/usr" -j "$(nproc)" \
        >"$WORK/gyp.log" 2>&1) || die "compiling $name for arm64 failed:
$(grep -v '^gyp info' "$WORK/gyp.log" | tail -20)"
    # Keep only the addon: objects, sources of the sqlite amalgamation and test addons are not run.
    find "$stage/node_modules/$name/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
    find "$stage/node_modules/$name/build/Release" -mindepth 1 ! -name '*.node' -exec rm -rf {} +
    rm -f "$stage/node_modules/$name/build/Release/test_extension.node"
    file "$stage/node_modules/$name/build/Release/"*.node | grep -q 'ARM aarch64' || die "$name did not build for arm64"
  done
  # onnxruntime-node carries every platform's binaries; the Pi needs linux/arm64 only.
  find "$stage/node_modules/onnxruntime-node/bin" -mindepth 2 -maxdepth 2 ! -name linux -exec rm -rf {} + 2>/dev/null || true
  find "$stage/node_modules/onnxruntime-node/bin" -mindepth 3 -maxdepth 3 ! -name arm64 -exec rm -rf {} + 2>/dev/null || true
  (cd "$stage" && npm ls --all --omit=dev 2>/dev/null) >"$WORK/npm-packages.txt" || true
  rm -rf "$OUT_DIR/.cache" && mkdir -p "$cache"
  cp -a "$stage/node_modules" "$cache/" && cp "$WORK/npm-packages.txt" "$cache/"
}

build_rootfs() {
  log "building the $SUITE arm64 root file system ($FLAVOR flavor) with mmdebstrap"
  local sources=() line
  while read -r line; do sources+=("$line"); done < <(sources_list)
  # update-initramfs is diverted to a no-op while packages install (the kernel package and
  # a trigger would each build it, ~10 min apiece under emulation) and run once at the end.
  # shellcheck disable=SC2016 # "$1" is the hook's argument (the root directory), expanded by mmdebstrap
  mmdebstrap --mode=root --architectures=arm64 --variant=minbase --format=directory \
    --components="$COMPONENTS" --include="$(IFS=,; echo "${PACKAGES[*]}")" \
    --aptopt='APT::Install-Recommends "false"' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs' \
    --essential-hook='ln -sf /bin/true "$1/usr/sbin/update-initramfs"' \
    --customize-hook="\"$IMAGE_DIR/customize.sh\" \"\$1\" \"$FLAVOR\" \"$WORK\" \"${TEST_INITRAMFS_MODULES[*]}\"" \
    "$SUITE" "$ROOTFS" "${sources[@]}" 2>&1 | tee "$WORK/mmdebstrap.log" | { grep --line-buffered -E '^I: (running|install|finished)|^E:' >&2 || true; }
  [ -x "$ROOTFS/usr/bin/node" ] || die "mmdebstrap did not finish:
$(tail -30 "$WORK/mmdebstrap.log")"
}

install_vigil() {
  log "installing Vigil $VIGIL_VERSION into /opt/vigil"
  local have
  have=$(sed -n '/^Package: nodejs$/,/^$/s/^Version: //p' "$ROOTFS/var/lib/dpkg/status")
  [ "$have" = "$NODE_DEB_VERSION" ] ||
    die "the image got nodejs $have but the native modules were built against $NODE_DEB_VERSION (mirror changed mid-build?)"
  mkdir -p "$ROOTFS/opt/vigil"
  # The whole of dist/: both bundles, their maps, and any asset directories the build makes.
  cp -a "$REPO/dist/." "$ROOTFS/opt/vigil/"
  cp -a "$WORK/runtime/node_modules" "$ROOTFS/opt/vigil/node_modules"
  cp "$REPO/README.md" "$ROOTFS/opt/vigil/README.md"
  printf '%s\n' "$VIGIL_VERSION" >"$ROOTFS/opt/vigil/VERSION"
  chown -R 0:0 "$ROOTFS/opt/vigil"
  chmod -R u=rwX,go=rX "$ROOTFS/opt/vigil"
  chmod 755 "$ROOTFS/opt/vigil/vigil.mjs"
}

# Last touches that mmdebstrap would otherwise undo at its end.
finish_rootfs() {
  # The first boot makes its own machine id (an image must not carry one).
  : >"$ROOTFS/etc/machine-id"
  rm -f "$ROOTFS/var/lib/dbus/machine-id"
  ln -sf ../run/systemd/resolve/stub-resolv.conf "$ROOTFS/etc/resolv.conf"
  echo vigil >"$ROOTFS/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tvigil\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOTFS/etc/hosts"
  # Reproducible: nothing newer than SOURCE_DATE_EPOCH (files copied in carry today's time).
  find "$ROOTFS" -xdev -newermt "@$SOURCE_DATE_EPOCH" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
}

write_build_log() {
  local logf=$1 raw=$2 xz=$3
  {
    echo "Vigil Raspberry Pi image ($FLAVOR)"
    echo "vigil: $VIGIL_VERSION (git $GIT_COMMIT)"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), in $BUILD_SECONDS s"
    echo "SOURCE_DATE_EPOCH: $SOURCE_DATE_EPOCH ($(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ))"
    echo "debian: $SUITE arm64, components: $COMPONENTS"
    echo "mirrors: $MIRROR, $SECURITY_MIRROR"
    echo "suite dates (InRelease Date: = the archive state this image was built from):"
    sed 's/^/  /' "$WORK/suite-dates.txt"
    echo "initramfs: $([ "$FLAVOR" = test ] && echo "MODULES=list (${TEST_INITRAMFS_MODULES[*]})" || echo 'MODULES=most (Debian default)')"
    echo "kernel: $(cat "$WORK/kernel-version.txt")"
    echo "image: $(basename "$raw") $(stat -c %s "$raw") bytes raw; $(basename "$xz") $(stat -c %s "$xz") bytes"
    echo "root file system: $(du -s --block-size=1M "$ROOTFS" | cut -f1) MiB (boot partition files included)"
    echo
    echo "Debian packages ($(wc -l <"$WORK/packages.tsv"), installed size KiB, largest first; total $(awk -F'\t' '{s+=$3} END {print s}' "$WORK/packages.tsv") KiB):"
    sort -t$'\t' -k3,3nr "$WORK/packages.tsv" | awk -F'\t' '{printf "  %-40s %-36s %8d\n", $1, $2, $3}'
    echo
    echo "Vigil /opt/vigil: $(du -s --block-size=1K "$ROOTFS/opt/vigil" | cut -f1) KiB"
    du -s --block-size=1K "$ROOTFS/opt/vigil"/*.mjs "$ROOTFS/opt/vigil/node_modules"/* \
      "$ROOTFS/opt/vigil/node_modules"/@*/* 2>/dev/null | sort -nr | head -20 | sed "s|$ROOTFS||; s/^/  /"
    echo
    echo "npm run-time packages (linux/arm64):"
    sed 's/^/  /' "$WORK/npm-packages.txt"
  } >"$logf"
}

main() {
  parse_args "$@"
  require_root
  local started=$SECONDS
  SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$REPO" log -1 --format=%ct 2>/dev/null || date +%s)}
  export SOURCE_DATE_EPOCH
  mkdir -p "$OUT_DIR"
  WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/vigil-image.XXXXXX")
  ROOTFS=$WORK/rootfs
  # Kept after a failure, for its logs (mmdebstrap.log, gyp.log) and the root file system.
  # shellcheck disable=SC2154 # rc is assigned inside the trap
  trap 'rc=$?; if [ $rc -eq 0 ]; then rm -rf "$WORK"; else echo "image/build.sh: work directory kept: $WORK" >&2; fi' EXIT
  install_host_tools
  ensure_binfmt
  build_bundle
  fetch_node_headers
  stage_runtime_modules
  build_rootfs
  install_vigil
  finish_rootfs
  local name suffix=''
  [ "$FLAVOR" = test ] && suffix=-test
  name=vigil-$VIGIL_VERSION-arm64$suffix
  # shellcheck source=image/assemble.sh
  source "$IMAGE_DIR/assemble.sh"
  assemble_image "$ROOTFS" "$WORK" "$OUT_DIR/$name.img" "$BOOT_START_MB" "$BOOT_MB"
  log "compressing $name.img (xz)"
  rm -f "$OUT_DIR/$name.img.xz"
  xz -T0 -6 --keep "$OUT_DIR/$name.img"
  (cd "$OUT_DIR" && sha256sum "$name.img.xz" >"$name.img.xz.sha256")
  BUILD_SECONDS=$((SECONDS - started))
  write_build_log "$OUT_DIR/$name.build.log" "$OUT_DIR/$name.img" "$OUT_DIR/$name.img.xz"
  log "done in ${BUILD_SECONDS}s: $OUT_DIR/$name.img.xz ($(du -h "$OUT_DIR/$name.img.xz" | cut -f1)), build log $name.build.log"
}

main "$@"
