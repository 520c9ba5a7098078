#!/bin/busybox sh
# /init of the recording initramfs (record-guests.sh): prints each snapshot file base64-encoded between markers.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
dump() { # dump NAME PATH: a file as base64 between markers, or the reason it could not be read
  if [ -e "$2" ]; then
    if cat "$2" > /tmp.f 2>/tmp.e; then echo "===FILE $1"; base64 /tmp.f; echo "===END"; else echo "===ERR $1 $(cat /tmp.e)"; fi
  else echo "===ABSENT $1"; fi
}
echo "===BOOTMAP-GUEST uname=$(uname -r)"
dump proc/iomem /proc/iomem
dump proc/cmdline /proc/cmdline
dump proc/sys/kernel/osrelease /proc/sys/kernel/osrelease
dump proc/self/auxv /proc/self/auxv
dump sys/firmware/fdt /sys/firmware/fdt
dump sys/kernel/kexec_crash_size /sys/kernel/kexec_crash_size
dump sys/kernel/kexec_crash_loaded /sys/kernel/kexec_crash_loaded
dump proc/config.gz /proc/config.gz
for t in IORT SPCR APIC SRAT; do dump sys/firmware/acpi/tables/$t /sys/firmware/acpi/tables/$t; done
[ -d /sys/firmware/efi ] && echo "===EFI present" || echo "===EFI absent"
dmesg > /dmesg.txt; dump dmesg.txt /dmesg.txt
echo "===UNPRIV-IOMEM"
su -s /bin/sh nobody -c "cat /proc/iomem" 2>&1
echo "===UNPRIV-END"
echo "===DONE"
poweroff -f
