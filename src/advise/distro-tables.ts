// What distributions put on an arm64 kernel's command line for kdump, as data with the source each value was read
// from. A value that could not be found is `undefined` and shows as "unknown (source not found)"; no number here
// is estimated or remembered.
//
// Sources read (2026):
// - Fedora/RHEL kdump-utils: repository rhkdump/kdump-utils, file kdump-lib.sh, function
//   kdump_get_arch_recommend_crashkernel(), tag v1.0.61 (commit 63f248c94a4af61e3e2c3d89108020e2b36793a6).
//   The aarch64 base line "2G-4G:256M,4G-64G:320M,64G-:576M" (the 1G lower bound became 2G in ca42bd6,
//   2025-03-06); the 64K-page additions came in 05c4861 and 7a2c4cb (2023-06-13). The additions are applied to
//   every size of the range list by _crashkernel_add(); the kernel then picks the size for its RAM.
// - Debian kdump-tools: /etc/default/grub.d/kdump-tools.cfg inside Debian's arm64 binary packages
//   kdump-tools_1:1.8.1_arm64.deb (bookworm), kdump-tools_1:1.10.7_arm64.deb (trixie) and
//   kdump-tools_1:1.10.9_arm64.deb (sid): the same line in all three. (The amd64 package of 1:1.8.1 carries
//   "crashkernel=384M-:128M" instead: the arm64 file is its own.) The dump kernel's command line gets
//   KDUMP_CMDLINE_APPEND="reset_devices systemd.unit=kdump-tools-dump.service nr_cpus=1" (usr/sbin/kdump-config).
// - Ubuntu kdump-tools: repository canonical/ubuntu-server-documentation, file
//   docs/how-to/software/kernel-crash-dump.md, commit 080024d740f68ccb50c744585a3796467dd30edf ("Reserving
//   Memory"): the same range list, documented for Ubuntu without an architecture.
// - SUSE/openSUSE kdump: repository openSUSE/kdump, file kdumptool/calibrate.cc, tag v2.1.9 (commit
//   34da4b8824555565b3ba2d03da33ec7802a14ecf). The formula is there; its measured per-architecture constants
//   (KERNEL_BASE, INIT_CACHED, PERCPU, USER_BASE …) live in calibrate.conf.all, which is kept in the package
//   sources of the build service and not in that repository: not found, so the size is unknown.

export interface DistroSource {
  repo: string;
  file: string;
  version: string;
}

export interface DistroDefault {
  id: string;
  distro: string;
  tool: string;
  /** Which variant of the tool's rule (page size, devices), short. */
  variant: string;
  /** The crashkernel= value (without the name) the tool writes; undefined when it could not be found. */
  crashkernel?: string;
  /** When the row applies (kernel page size, devices). */
  appliesTo: string;
  sources: DistroSource[];
  note?: string;
}

const KDUMP_UTILS: DistroSource = { repo: 'rhkdump/kdump-utils', file: 'kdump-lib.sh (kdump_get_arch_recommend_crashkernel)', version: 'v1.0.61 (63f248c94a4a)' };
const DEBIAN: DistroSource = { repo: 'Debian kdump-tools binary packages (arm64)', file: '/etc/default/grub.d/kdump-tools.cfg', version: '1:1.8.1 (bookworm), 1:1.10.7 (trixie), 1:1.10.9 (sid)' };
const UBUNTU: DistroSource = { repo: 'canonical/ubuntu-server-documentation', file: 'docs/how-to/software/kernel-crash-dump.md', version: '080024d740f6' };
const SUSE: DistroSource = { repo: 'openSUSE/kdump', file: 'kdumptool/calibrate.cc', version: 'v2.1.9 (34da4b882455)' };

/** kdump-utils' aarch64 base line for 4K-page kernels, and what it adds for other cases (MiB, added to every size). */
export const KDUMP_UTILS_AARCH64 = {
  base: '2G-4G:256M,4G-64G:320M,64G-:576M',
  /** A kernel release containing "64k": "the diff of MemFree between 4K and 64K … is 82M. Picking up 100M". */
  add64k: 100,
  /** 64K kernels with /sys/devices/platform/arm-smmu-* present: SMMU command/event/PRI queues. */
  add64kSmmu: 384,
  /** /sys/bus/pci/drivers/mlx5_core present: 150M on 4K kernels, 200M on 64K kernels. */
  addMlx5: { k4: 150, k64: 200 },
} as const;

/** Adds `mib` to every size of a range list, as kdump-utils' _crashkernel_add() does. */
export function addToRanges(list: string, mib: number): string {
  return list.split(',').map((e) => e.replace(/:(\d+)M$/, (_, m: string) => `:${Number(m) + mib}M`)).join(',');
}

const DEBIAN_ARM64 = '2G-4G:320M,4G-32G:512M,32G-64G:1024M,64G-128G:2048M,128G-:4096M';

export const DISTRO_DEFAULTS: readonly DistroDefault[] = [
  { id: 'kdump-utils', distro: 'Fedora / RHEL', tool: 'kdump-utils', variant: '4K pages', crashkernel: KDUMP_UTILS_AARCH64.base, appliesTo: '4K-page kernel (as the Debian profiles are)', sources: [KDUMP_UTILS] },
  { id: 'kdump-utils-64k', distro: 'Fedora / RHEL', tool: 'kdump-utils', variant: '64K pages', crashkernel: addToRanges(KDUMP_UTILS_AARCH64.base, KDUMP_UTILS_AARCH64.add64k), appliesTo: '64K-page kernel (release named …+64k), no SMMU', sources: [KDUMP_UTILS], note: '+100M to every size' },
  { id: 'kdump-utils-64k-smmu', distro: 'Fedora / RHEL', tool: 'kdump-utils', variant: '64K pages + SMMU', crashkernel: addToRanges(KDUMP_UTILS_AARCH64.base, KDUMP_UTILS_AARCH64.add64k + KDUMP_UTILS_AARCH64.add64kSmmu), appliesTo: '64K-page kernel with an SMMU (/sys/devices/platform/arm-smmu-*)', sources: [KDUMP_UTILS], note: '+100M +384M to every size; mlx5 NICs add 150M (4K) or 200M (64K) more' },
  { id: 'debian', distro: 'Debian', tool: 'kdump-tools', variant: 'arm64', crashkernel: DEBIAN_ARM64, appliesTo: 'arm64 package, bookworm to sid', sources: [DEBIAN], note: 'the dump kernel boots with nr_cpus=1' },
  { id: 'ubuntu', distro: 'Ubuntu', tool: 'kdump-tools', variant: 'documented', crashkernel: DEBIAN_ARM64, appliesTo: 'as documented (no architecture named)', sources: [UBUNTU] },
  {
    id: 'suse', distro: 'SUSE / openSUSE', tool: 'kdump', variant: 'kdumptool calibrate', appliesTo: 'KDUMP_CRASHKERNEL="auto"', sources: [SUSE],
    note: 'formula: (max(run time, boot) × 130 % + 64 MiB), run time = measured kernel and initramfs constants + framebuffers + per-CPU + user space + makedumpfile bitmaps, scaled for dirty pages, hashes and memmap; on aarch64 all of it in one crashkernel=<Low>M (no ,high); 192 MiB when calibration fails. The measured aarch64 constants (calibrate.conf.all) were not found',
  },
];

/** The size a range list gives for `systemRam` bytes, as parse_crashkernel_mem() reads it ([start, end) ranges); 0 when none matches. */
export function rangeListSize(list: string, systemRam: bigint): bigint {
  const shifts: Record<string, bigint> = { '': 0n, K: 10n, M: 20n, G: 30n, T: 40n };
  const unit = (n: string, u: string): bigint => BigInt(n) << shifts[u.toUpperCase()];
  for (const e of list.split(',')) {
    const m = /^(\d+)([KMGT]?)-(?:(\d+)([KMGT]?))?:(\d+)([KMGT]?)$/i.exec(e);
    if (!m) continue;
    const start = unit(m[1], m[2]);
    const end = m[3] === undefined ? undefined : unit(m[3], m[4]);
    if (systemRam >= start && (end === undefined || systemRam < end)) return unit(m[5], m[6]);
  }
  return 0n;
}
