#!/usr/bin/env bash
# Records real /proc/iomem (root and unprivileged views) and a whole snapshot tree from QEMU guests of each
# Debian kernel: a tiny initramfs whose /init (guest-init.sh) is Debian's static busybox; it prints each file
# base64-encoded between markers on the console and powers off. The files land in OUT/<name>/ as a --root
# tree for `bootmap snapshot --root`, plus OUT/<name>/qemu-argv.txt (the exact command).
#
#   record-guests.sh OUT [KERNELS_DIR]      (KERNELS_DIR defaults to ~/.cache/arm64-kernels)
set -euo pipefail
out=$(realpath -m "$1"); kdir="${2:-$HOME/.cache/arm64-kernels}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# busybox-static from Debian's arm64 archive, with an arm64-only apt configuration (as ../../../../shared/tools does)
mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) \
         | grep -oE '^(URIs:|deb) +[a-z]+://[^ ]+/debian/?' | awk '{print $2}' | grep -v security | head -n1)
mirror=${mirror%/}
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial"
echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$work/apt/sources.list"
O=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64 -oDir::State::Lists="$work/apt/lists"
   -oDir::Etc::SourceList="$work/apt/sources.list" -oDir::Etc::SourceParts=/dev/null -oDir::Cache="$work/apt/cache")
apt-get "${O[@]}" update -qq
(cd "$work" && apt-get "${O[@]}" download -qq busybox-static)
dpkg-deb -x "$work"/busybox-static_*.deb "$work/bb"
r="$work/initrd"; mkdir -p "$r"/{bin,proc,sys,dev,etc}
cp "$work/bb/usr/bin/busybox" "$r/bin/busybox"; cp "$here/guest-init.sh" "$r/init"; chmod +x "$r/init"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$r/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
(cd "$r" && find . | cpio -H newc -o --quiet | gzip -9) > "$work/initrd.cpio.gz"

boot() { # boot NAME SUITE CMDLINE-EXTRA
  local name=$1 suite=$2 extra=$3 k d
  k=$(ls "$kdir/$suite"/vmlinuz-* | head -n1); d="$out/$name"; rm -rf "$d"; mkdir -p "$d"
  local argv=(qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 4G -nographic -no-reboot
              -kernel "$k" -initrd initrd.cpio.gz -append "console=ttyAMA0 rdinit=/init panic=-1${extra:+ $extra}")
  (cd "$work" && timeout 180 "${argv[@]}" < /dev/null) | tr -d '\r' > "$work/console.log"
  printf '%q ' "${argv[@]}" | sed "s|$kdir/||; s| $||" > "$d/qemu-argv.txt"; echo >> "$d/qemu-argv.txt"
  awk -v d="$d" '
    /^===BOOTMAP-GUEST / { sub(/.*uname=/, ""); print > (d "/uname-r"); next }
    /^===FILE / { f = d "/" $2 ".b64"; sub(/\/[^\/]*$/, "", f); system("mkdir -p " f); cur = d "/" $2 ".b64"; next }
    /^===END$/ { close(cur); cur = ""; next }
    /^===ERR / { n = $2; sub(/^===ERR [^ ]* /, ""); print n ": " $0 > (d "/unreadable.txt"); next }
    /^===UNPRIV-IOMEM$/ { un = 1; next }  /^===UNPRIV-END$/ { un = 0; next }
    /^===EFI present$/ { system("mkdir -p " d "/sys/firmware/efi"); next }
    un { print > (d "/iomem-unprivileged.txt"); next }
    cur != "" { print > cur }' "$work/console.log"
  find "$d" -name '*.b64' | while read -r f; do base64 -d "$f" > "${f%.b64}"; rm "$f"; done
  # the guest's dmesg is /dev/kmsg as root read it; a snapshot takes it from `dmesg`
  echo "$name: $(grep -c . "$d/proc/iomem") iomem lines"
}
boot 5.10 bullseye ""
boot 5.10-crash256M bullseye "crashkernel=256M"
boot 6.1 bookworm ""
boot 6.1-crash256M bookworm "crashkernel=256M"
boot 6.1-crash512M-high bookworm "crashkernel=512M,high"
boot 6.12 trixie ""
boot 6.12-crash256M trixie "crashkernel=256M"
boot 6.12-crash512M-high trixie "crashkernel=512M,high"
boot 7.2 sid ""
boot 7.2-crash256M sid "crashkernel=256M"
boot 7.2-crash512M-high sid "crashkernel=512M,high"
