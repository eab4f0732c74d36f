#!/usr/bin/env bash
# Turns a root file system directory into a dos-partitioned disk image without loop devices
# or mounts: the FAT boot partition is made with mkfs.vfat on a plain file and filled with
# mcopy, the ext4 root with mke2fs -d, the partition table with sfdisk on the image file,
# and dd stitches the two file systems in. Sourced by build.sh (set -euo pipefail there).

# assemble_image ROOTFS WORKDIR IMAGE BOOT_START_MB BOOT_MB
assemble_image() {
  local rootfs=$1 work=$2 img=$3 boot_start=$4 boot_mb=$5
  local boot_img=$work/boot.vfat root_img=$work/root.ext4 bootdir=$work/bootfs root_mb root_start
  # Fixed ids: the same inputs give the same image (fstab and cmdline.txt use labels anyway).
  local disk_id=0x5669676c ext4_uuid=5669676c-0000-4000-8000-000000000001

  log "assembling $(basename "$img")"
  # The boot files go to the FAT partition; /boot/firmware stays an empty mount point in ext4.
  rm -rf "$bootdir"
  mv "$rootfs/boot/firmware" "$bootdir"
  mkdir -m 0755 "$rootfs/boot/firmware"
  [ -n "$(ls "$bootdir")" ] || die "/boot/firmware is empty: raspi-firmware's hooks did not run"

  rm -f "$boot_img"
  truncate -s "${boot_mb}M" "$boot_img"
  # --invariant: fixed volume id and times (SOURCE_DATE_EPOCH style) in the FAT itself.
  mkfs.vfat -F 32 -n RASPIFIRM --invariant "$boot_img" >/dev/null
  mcopy -i "$boot_img" -s -p -m "$bootdir"/* ::/

  # Root partition: the files plus 20 % and 256 MiB of slack; it grows to the card on first boot.
  root_mb=$(du -s --block-size=1M "$rootfs" | cut -f1)
  root_mb=$((root_mb + root_mb / 5 + 256))
  rm -f "$root_img"
  E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH mke2fs -q -t ext4 -L RASPIROOT -U "$ext4_uuid" \
    -E "root_owner=0:0,hash_seed=$ext4_uuid" -d "$rootfs" "$root_img" "${root_mb}M" >/dev/null

  root_start=$((boot_start + boot_mb))
  rm -f "$img"
  truncate -s "$((root_start + root_mb))M" "$img"
  sfdisk --quiet "$img" <<SFDISK
label: dos
label-id: $disk_id
unit: sectors
start=$((boot_start * 2048)), size=$((boot_mb * 2048)), type=c, bootable
start=$((root_start * 2048)), size=$((root_mb * 2048)), type=83
SFDISK
  dd if="$boot_img" of="$img" bs=1M seek="$boot_start" conv=notrunc,sparse status=none
  dd if="$root_img" of="$img" bs=1M seek="$root_start" conv=notrunc,sparse status=none
  rm -f "$boot_img" "$root_img"
  mv "$bootdir" "$rootfs/boot/firmware.image"
}
