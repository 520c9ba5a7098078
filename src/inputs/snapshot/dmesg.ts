// Picks the memory and crash-kernel lines out of a machine's `dmesg`, as a snapshot keeps them.

const TIMESTAMP = /^(?:<\d+>)?\[\s*\d+\.\d+\] ?/;

/** Lines worth keeping: the kernel's account of memory at boot, and what it said about crash kernels. */
const KEEP: readonly RegExp[] = [
  /^Linux version /,
  /^Machine model: /,
  /^Kernel command line: /,
  /crashkernel|crahskernel|[Cc]rash kernel|kdump|kexec|elfcorehdr/,
  /^Zone ranges:$|^ {2}(DMA|DMA32|Normal|Device|Movable) +(\[mem |empty$)/,
  /^Built \d+ zonelists, |^Policy zone: |^Fallback order for Node /,
  /^Movable zone start for each node$|^ {2}Node \d+: /,
  /^Early memory node ranges$|^ {2}node +\d+: \[mem /,
  /^Initmem setup node /,
  /^NUMA: |^NODE_DATA\(/,
  /^OF: reserved mem: |^Reserved memory: |^OF: fdt: /,
  /^cma: |^CMA: /,
  /^software IO TLB: /,
  /^Memory limited to |^Memory: \d+K\/\d+K available/,
  /^efi: /,
  /^ACPI: (IORT|SRAT|SPCR|MCFG|RSDP|XSDT) /,
  /^On node \d+, zone \S+: \d+ pages in unavailable ranges/,
];

/** The kept lines of a dmesg text, timestamps (and `<level>` prefixes) removed, in order. */
export function memoryDmesgLines(dmesg: string): string[] {
  const out: string[] = [];
  for (const raw of dmesg.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(TIMESTAMP, '');
    if (KEEP.some((re) => re.test(line))) out.push(line);
  }
  return out;
}
