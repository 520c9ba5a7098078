#!/bin/busybox sh
# /init of the kexec-lifecycle guests (build-guest.sh). In the first kernel it records the crash region's state,
# runs the scenario's actions (/scenario, appended by run.ts: ACTIONS, KDUMP_APPEND) and triggers the crash; in the
# kdump kernel (where /proc/vmcore exists) it records what that kernel was given and powers off.
# Every record is a marker line (===...) or a data line starting with "@@ ", so the harness can pick them out of
# the console among the kernel's own lines.
/bin/busybox mkdir -p /bin /proc /sys /dev /tmp
/bin/busybox --install -s /bin 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
say() { echo "$@"; }
dumpfile() { say "===FILE $1"; sed 's/^/@@ /' "$2"; say "===END"; }
state() { # state LABEL: /proc/iomem and the two sysfs files
  say "===STATE $1"
  sed 's/^/@@ /' /proc/iomem
  say "@@size $(cat /sys/kernel/kexec_crash_size 2>&1)"
  say "@@loaded $(cat /sys/kernel/kexec_crash_loaded 2>&1)"
  say "===END"
}
if [ -e /proc/vmcore ]; then
  say "===KDUMP uname=$(uname -r)"
  dumpfile cmdline /proc/cmdline
  dumpfile iomem /proc/iomem
  say "===VMCORE $(stat -c %s /proc/vmcore)"
  grep -E '^(MemTotal|MemFree|MemAvailable):' /proc/meminfo | sed 's/^/@@ /;1s/^/===MEMINFO\n/;$s/$/\n===END/'
  say "===DONE"
  poweroff -f
fi
say "===GUEST uname=$(uname -r)"
dmesg -n 1   # the recording must not interleave with console printks; the kernel's lines are read from dmesg
. /scenario
say "===KEXEC $(kexec --version 2>&1 | head -n1)"
state boot
for a in $ACTIONS; do
  case "$a" in
    shrink:*)
      n=${a#shrink:}
      if echo "$n" > /sys/kernel/kexec_crash_size 2>/tmp/e; then say "===SHRINK $n ok"; else say "===SHRINK $n error $(cat /tmp/e)"; fi
      state "after-shrink-$n" ;;
    load|load-nochecks)
      extra=""; [ "$a" = load-nochecks ] && extra="-i"
      dmesg -c > /dev/null
      kexec -d -p $extra /boot/Image --initrd=/boot/kdump-initrd --append="$KDUMP_APPEND" > /tmp/o 2>&1; rc=$?
      say "===LOAD rc=$rc"; sed 's/^/@@ /' /tmp/o; say "===END"
      dmesg > /tmp/d; dumpfile load-dmesg /tmp/d
      state "after-$a" ;;
    unload)
      kexec -p -u > /tmp/o 2>&1; rc=$?
      say "===UNLOAD rc=$rc"; sed 's/^/@@ /' /tmp/o; say "===END"
      state after-unload ;;
    crash)
      say "===CRASH"
      dmesg -n 8
      echo c > /proc/sysrq-trigger ;;
  esac
done
say "===DONE"
poweroff -f
