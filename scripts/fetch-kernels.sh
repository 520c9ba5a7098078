#!/usr/bin/env bash
# bootmap: fetch the Debian arm64 kernels the conformance fixtures are recorded with (and optionally their
# sources and board devicetrees). Uses only Debian's package registry, through the host's own apt configuration
# (the mirror is read from the host's apt sources; no host names are written here), with a separate
# arm64-only apt state under the cache, so the host's apt is left alone.
#
#   scripts/fetch-kernels.sh [--src] [--dtbs] [--dest DIR] [SUITE...]
#
# SUITE is any of: bullseye bookworm trixie sid (default: all four; they carry the profiles debian-5.10,
# debian-6.1, debian-6.12 and debian-7.2). DIR defaults to ~/.cache/arm64-kernels.
# Result: DIR/<suite>/vmlinuz-<release>, DIR/<suite>/config-<release> (when packaged),
# with --src DIR/src/linux-<version>/ holding the memory-management parts of the tree, and with
# --dtbs DIR/<suite>/dtbs/<vendor>/*.dtb: every board devicetree that release's kernel package ships.
# When everything asked for is already in DIR the script touches no network and exits 0.
set -euo pipefail
src=0; dtbs=0; dest="${HOME}/.cache/arm64-kernels"; suites=()
while [ $# -gt 0 ]; do
  case "$1" in
    --src) src=1 ;;
    --dtbs) dtbs=1 ;;
    --dest) dest="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) suites+=("$1") ;;
  esac; shift
done
[ ${#suites[@]} -gt 0 ] || suites=(bullseye bookworm trixie sid)
# no-op when the cache already holds what was asked for
have=1
for s in "${suites[@]}"; do
  ls "$dest/$s"/vmlinuz-* >/dev/null 2>&1 || have=0
  [ $dtbs = 1 ] && [ ! -d "$dest/$s/dtbs" ] && have=0
done
[ $src = 1 ] && [ "$(ls -d "$dest"/src/linux-* 2>/dev/null | wc -l)" -lt ${#suites[@]} ] && have=0
if [ $have = 1 ]; then
  for s in "${suites[@]}"; do echo "$s: $(ls "$dest/$s"/vmlinuz-* | tail -n1) (cached)"; done
  exit 0
fi
command -v apt-get >/dev/null || { echo "apt-get is needed to fetch the kernels" >&2; exit 1; }
mirror=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true) \
         | grep -oE '^(URIs:|deb) +[a-z]+://[^ ]+/debian/?' | awk '{print $2}' | grep -v security | head -n1 || true)
[ -n "$mirror" ] || { echo "no Debian mirror found in the apt configuration" >&2; exit 1; }
mirror="${mirror%/}"
key=/usr/share/keyrings/debian-archive-keyring.gpg
work="$dest/.apt"; mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
: > "$work/sources.list"
for s in "${suites[@]}"; do
  echo "deb [arch=arm64 signed-by=$key] $mirror $s main" >> "$work/sources.list"
  [ $src = 1 ] && echo "deb-src [signed-by=$key] $mirror $s main" >> "$work/sources.list"
done
O=(-oAPT::Architecture=arm64 -oAPT::Architectures=arm64 -oDir::State::Lists="$work/lists"
   -oDir::Etc::SourceList="$work/sources.list" -oDir::Etc::SourceParts=/dev/null -oDir::Cache="$work/cache")
apt-get "${O[@]}" update -qq
for s in "${suites[@]}"; do
  ver=$(apt-cache "${O[@]}" madison linux-image-arm64 | awk -v s="$s" '$0 ~ " "s"/" {print $3; exit}')
  [ -n "$ver" ] || { echo "$s: no linux-image-arm64" >&2; continue; }
  # the meta package depends on the versioned image (7.x splits the binary into linux-binary-*)
  img=$(apt-cache "${O[@]}" show "linux-image-arm64=$ver" | sed -n 's/^Depends: //p' | tr ',' '\n' | grep -o 'linux-image-[^ ]*-arm64' | head -n1)
  rel=${img#linux-image-}
  out="$dest/$s"; mkdir -p "$out"
  if [ ! -s "$out/vmlinuz-$rel" ] || { [ $dtbs = 1 ] && [ ! -d "$out/dtbs" ]; }; then
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get "${O[@]}" download -qq "$img" && { apt-get "${O[@]}" download -qq "linux-binary-$rel" "linux-base-$rel" 2>/dev/null || true; })
    for deb in "$tmp"/*.deb; do
      dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*' './usr/lib/modules/*/vmlinuz' './usr/lib/modules/*/config' 2>/dev/null || true
      # devicetrees: usr/lib/linux-image-<rel>/<vendor>/ up to 6.x, usr/lib/modules/<rel>/dtb/<vendor>/ from 7.x
      [ $dtbs = 1 ] && dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.dtb' 2>/dev/null || true
    done
    if [ $dtbs = 1 ]; then
      dt=$(find "$tmp" -name '*.dtb' -path '*/broadcom/*' -printf '%h\n' | head -n1)
      [ -n "$dt" ] && mkdir -p "$out/dtbs" && cp -r "$(dirname "$dt")"/. "$out/dtbs/"
    fi
    find "$tmp" -name 'vmlinuz*' -type f -size +1M | head -n1 | xargs -I{} cp {} "$out/vmlinuz-$rel"
    find "$tmp" \( -name 'config-*' -o -path '*/modules/*/config' \) -type f | head -n1 | xargs -r -I{} cp {} "$out/config-$rel"
    rm -rf "$tmp"
  fi
  echo "$s: $out/vmlinuz-$rel"
  if [ $src = 1 ]; then
    sver=${ver%-*}
    d="$dest/src/linux-$sver"
    if [ ! -d "$d" ]; then
      tmp=$(mktemp -d)
      (cd "$tmp" && apt-get "${O[@]}" source --download-only -qq "linux=$ver" >/dev/null 2>&1) || true
      tarball=$(ls "$tmp"/linux_*.orig.tar.xz 2>/dev/null | head -n1 || true)
      if [ -z "$tarball" ]; then
        # the archive may hold an older upload's tarball only: take the newest one that is there
        for v in $(apt-cache "${O[@]}" showsrc linux | sed -n 's/^Version: //p' | sort -rV); do
          u="$mirror/pool/main/l/linux/linux_${v%-*}.orig.tar.xz"
          if curl -fsS -o "$tmp/linux_${v%-*}.orig.tar.xz" "$u" 2>/dev/null; then tarball="$tmp/linux_${v%-*}.orig.tar.xz"; sver=${v%-*}; d="$dest/src/linux-$sver"; break; fi
        done
      fi
      if [ -n "$tarball" ]; then
        mkdir -p "$d"
        tar -xJf "$tarball" -C "$d" --strip-components=1 --wildcards '*/arch/arm64/*' '*/mm/*' '*/kernel/*' \
          '*/drivers/of/*' '*/drivers/acpi/arm64/*' '*/drivers/base/arch_numa.c' '*/drivers/firmware/efi/*' \
          '*/include/*' '*/init/*' '*/Documentation/admin-guide/*' '*/Documentation/arch/arm64/*' \
          '*/Documentation/arm64/*' '*/tools/testing/memblock/*' 2>/dev/null || true
        echo "$s: source $d"
      else
        echo "$s: no source tarball could be fetched" >&2
      fi
      rm -rf "$tmp"
    fi
  fi
done
