#!/usr/bin/env bash
# mmdebstrap --customize-hook of image/build.sh: runs on the build machine once every package
# is installed, with ROOT the new arm64 root file system (proc/sys/dev mounted in it).
# Lays overlay/ and systemd/ onto it, creates the vigil user, enables and masks units, points
# the Pi firmware at the root partition's label, builds the initramfs once, and records the
# installed package versions for the build log.
# Usage: customize.sh ROOT FLAVOR WORKDIR "TEST_INITRAMFS_MODULES"
set -euo pipefail

ROOT=$1
FLAVOR=$2
WORK=$3
TEST_MODULES=$4
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

in_root() { chroot "$ROOT" "$@"; }

lay_overlay() {
  cp -a --no-preserve=ownership "$REPO/overlay/." "$ROOT/"
  install -m 0644 "$REPO"/systemd/*.service "$REPO"/systemd/*.mount "$ROOT/etc/systemd/system/"
}

# The user and the gpio group come from overlay/usr/lib/sysusers.d/vigil.conf (systemd-sysusers
# would make them at boot; making them now lets files below be owned by them in the image).
create_users() {
  in_root systemd-sysusers
  in_root chown root:vigil /etc/vigil
  in_root chmod 0750 /etc/vigil
  # It may hold an MQTT password: readable by vigil, not by everyone.
  in_root chown root:vigil /etc/vigil/config.yaml
  in_root chmod 0640 /etc/vigil/config.yaml
  # No SSH on the image, and no login on the console either: root's password is locked and no
  # getty logs anyone in by itself. A forgotten admin password is reset with a file on the boot
  # partition (vigil-password-reset.service), which only someone holding the card can write.
  in_root passwd -l root >/dev/null
  if grep -rqs -e '--autologin' -e '-a root' "$ROOT/etc/systemd/system" "$ROOT/usr/lib/systemd/system"/*getty*; then
    echo "customize.sh: a getty logs in by itself; the image must not have one" >&2
    exit 1
  fi
  # data_dir, owned by the user before anything mounts the recording ring inside it.
  in_root install -d -o vigil -g vigil -m 0750 /var/lib/vigil
}

configure_units() {
  in_root systemctl enable vigil.service vigil-firstboot.service vigil-growroot.service \
    vigil-password-reset.service var-lib-vigil-ring.mount nftables.service \
    systemd-networkd.service systemd-resolved.service systemd-timesyncd.service
  # Not wanted on an appliance: the interactive first-boot prompts (Vigil's own first-boot
  # unit does the device set-up), apt fetching package lists every day (writes to the card;
  # updates come as a new image), e2scrub (needs LVM), and the wait for a network nothing here
  # needs before starting.
  in_root systemctl mask systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer \
    apt-daily.service apt-daily-upgrade.service e2scrub_all.timer e2scrub_reap.service \
    systemd-networkd-wait-online.service
}

# raspi-firmware writes cmdline.txt from this file when its hooks run (on initramfs updates):
# without it the root would be /dev/mmcblk0p2, wrong for USB/NVMe boot and under QEMU.
# tty0 last: /dev/console (where the admin password and the certificate fingerprint are shown) is
# the HDMI screen.
configure_firmware() {
  local conf=$ROOT/etc/default/raspi-firmware
  sed -i -e 's/^#\?ROOTPART=.*/ROOTPART=LABEL=RASPIROOT/' \
    -e 's/^#\?CONSOLES=.*/CONSOLES="ttyS1,115200 tty0"/' "$conf"
  grep -q '^ROOTPART=LABEL=RASPIROOT' "$conf" || echo 'ROOTPART=LABEL=RASPIROOT' >>"$conf"
  grep -q '^CONSOLES=' "$conf" || echo 'CONSOLES="ttyS1,115200 tty0"' >>"$conf"
  cat >"$ROOT/etc/fstab" <<'FSTAB'
# <file system>   <mount point>   <type>  <options>                 <dump> <pass>
LABEL=RASPIROOT   /               ext4    rw,noatime,commit=30      0      1
LABEL=RASPIFIRM   /boot/firmware  vfat    rw,noatime,umask=0022     0      2
FSTAB
}

# Undo the build-time diversion and build the initramfs once, now that the firmware settings
# are in place (its post-update hook copies kernel + initrd to /boot/firmware, writes cmdline.txt).
build_initramfs() {
  if [ "$FLAVOR" = test ]; then
    printf 'MODULES=list\n' >"$ROOT/etc/initramfs-tools/conf.d/vigil-test-image.conf"
    # shellcheck disable=SC2086 # one module name per word
    printf '%s\n' $TEST_MODULES >>"$ROOT/etc/initramfs-tools/modules"
  fi
  rm -f "$ROOT/usr/sbin/update-initramfs"
  in_root dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs
  in_root update-initramfs -c -k all
  ls "$ROOT/lib/modules" >"$WORK/kernel-version.txt"
}

record_versions() {
  # shellcheck disable=SC2016 # dpkg-query's format, not shell variables
  in_root dpkg-query -W -f '${Package}\t${Version}\t${Installed-Size}\n' >"$WORK/packages.tsv"
  : >"$WORK/suite-dates.txt"
  local release
  for release in "$ROOT"/var/lib/apt/lists/*_InRelease; do
    printf '%s: %s\n' "$(basename "$release" _InRelease)" "$(sed -n 's/^Date: //p' "$release")" >>"$WORK/suite-dates.txt"
  done
}

lay_overlay
create_users
configure_units
configure_firmware
build_initramfs
record_versions
