#!/usr/bin/env bash
# bootmap: builds the kexec-lifecycle guest userspace for one Debian suite from Debian's arm64 packages only:
# busybox-static, kexec-tools and every library `kexec` needs (the Depends closure of lib* packages), unpacked into
# a tree with the merged-/usr symlinks, plus lifecycle-init.sh as /init, as a gzipped newc cpio. A second, small
# cpio holds only busybox and the same /init: the initrd the kdump kernel is given.
#
#   build-guest.sh SUITE OUT_DIR        -> OUT_DIR/guest.cpio.gz, OUT_DIR/kdump-initrd.cpio.gz, OUT_DIR/versions.txt
# The kernel the guest loads as its crash kernel is added per run (run.ts), not here.
set -euo pipefail
suite=$1; out=$(realpath -m "$2"); here=$(cd "$(dirname "$0")" && pwd)
[ -s "$out/guest.cpio.gz" ] && [ -s "$out/kdump-initrd.cpio.gz" ] && exit 0
for t in apt-get dpkg-deb cpio readelf gzip; do command -v $t >/dev/null || { echo "build-guest.sh: $t is needed" >&2; exit 1; }; done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) \
         | grep -oE '^(URIs:|deb) +[a-z]+://[^ ]+/debian/?' | awk '{print $2}' | grep -v security | head -n1)
mirror=${mirror%/}
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/debs"
echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$work/apt/sources.list"
O=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64 -oDir::State::Lists="$work/apt/lists" -oDir::State::Status=/dev/null
   -oDir::Etc::SourceList="$work/apt/sources.list" -oDir::Etc::SourceParts=/dev/null -oDir::Cache="$work/apt/cache")
apt-get "${O[@]}" update -qq 2>/dev/null
# the closure of kexec-tools' library dependencies (lib* and zlib packages only: no debconf, no init system)
want=(busybox-static kexec-tools); seen=" "; queue=(kexec-tools)
while [ ${#queue[@]} -gt 0 ]; do
  p=${queue[0]}; queue=("${queue[@]:1}")
  for d in $(apt-cache "${O[@]}" depends --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$p" 2>/dev/null \
             | awk '/^ *(Pre)?Depends:/ {print $2}' | tr -d '<>' | sed 's/:any$//'); do
    case "$d" in lib*|zlib1g) case "$seen" in *" $d "*) ;; *) seen="$seen$d "; want+=("$d"); queue+=("$d");; esac;; esac
  done
done
(cd "$work/debs" && apt-get "${O[@]}" download -qq "${want[@]}" 2>/dev/null)
r="$work/root"; mkdir -p "$r"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$r"; done
# merged /usr: whatever a package put in /bin, /sbin or /lib moves under /usr, and the top-level names become links
mkdir -p "$r/usr/bin" "$r/usr/sbin" "$r/usr/lib"
for d in bin sbin lib; do
  if [ -d "$r/$d" ] && [ ! -L "$r/$d" ]; then cp -a "$r/$d/." "$r/usr/$d/"; rm -rf "${r:?}/$d"; fi
  ln -sfn "usr/$d" "$r/$d"
done
rm -rf "$r/usr/share/doc" "$r/usr/share/man" "$r/usr/share/lintian" "$r/usr/share/locale" "$r/etc/init.d" "$r/lib/systemd"
# every NEEDED library of kexec must be in the tree, or the guest would fail late and obscurely
for n in $(readelf -d "$r/usr/sbin/kexec" | awk '/NEEDED/ {gsub(/[\[\]]/, "", $5); print $5}'); do
  find "$r/usr/lib" -name "$n" | grep -q . || { echo "build-guest.sh: $suite: kexec needs $n, not in the unpacked packages" >&2; exit 1; }
done
mkdir -p "$r"/{proc,sys,dev,tmp,etc,boot}
cp "$here/lifecycle-init.sh" "$r/init"; chmod +x "$r/init"
printf 'root:x:0:0:root:/:/bin/sh\n' > "$r/etc/passwd"
mkdir -p "$out"
(cd "$r" && find . | LC_ALL=C sort | cpio -H newc -o --quiet -R 0:0 | gzip -9n) > "$out/guest.cpio.gz"
k="$work/kdump"; mkdir -p "$k"/{bin,proc,sys,dev,tmp}
cp "$r/usr/bin/busybox" "$k/bin/busybox"; cp "$here/lifecycle-init.sh" "$k/init"; chmod +x "$k/init"
(cd "$k" && find . | LC_ALL=C sort | cpio -H newc -o --quiet -R 0:0 | gzip -9n) > "$out/kdump-initrd.cpio.gz"
for deb in "$work"/debs/*.deb; do dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"; done > "$out/versions.txt"
echo "$suite: $(grep -E '^(kexec-tools|busybox-static) ' "$out/versions.txt" | paste -sd', ')"
