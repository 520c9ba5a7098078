// The scenarios every benchmark runs: QEMU virt as `-M virt -m 4G -smp 2`, and large synthetic machines
// (QEMU virt's devicetree with its one memory node replaced by `regions` memory nodes of equal size,
// separated by holes so that memblock cannot merge them).
import { parseFdt } from '../src/inputs/fdt/check.ts';
import type { FdtNode } from '../src/inputs/fdt/tree.ts';
import { buildFdt, fdtValue } from '../src/inputs/fdt/writer.ts';
import { qemuVirtDtb } from '../src/inputs/machines/qemu-virt.ts';
import type { KernelProfile } from '../src/kernels/profile.ts';

export const GiB = 1n << 30n;
export const TiB = 1n << 40n;
export const QEMU_CMDLINE = 'console=ttyAMA0 panic=-1 crashkernel=512M';

/** The DTB QEMU 7.2 hands a `-M virt -cpu cortex-a57 -smp 2 -m 4G` guest. */
export function qemuVirt4G(cmdline = QEMU_CMDLINE): Uint8Array {
  return qemuVirtDtb({ ramBytes: 4n * GiB, smp: 2, cmdline });
}

/**
 * A machine with `ram` bytes of RAM in `regions` memory nodes (one `reg` entry each) from 0x40000000 up,
 * each followed by a hole of its own size rounded to 1 GiB (so 16 TiB in 4 096 regions spans 32 TiB of
 * physical addresses, inside arm64's 48-bit PA space). Everything else is QEMU virt's tree.
 */
export function manyRegionsDtb(ram: bigint, regions: number, cmdline = QEMU_CMDLINE): Uint8Array {
  const base = qemuVirtDtb({ ramBytes: 1n * GiB, smp: 2, cmdline });
  const parsed = parseFdt(base, 'qemu-virt');
  if (!parsed.ok) throw new Error('qemu-virt DTB does not parse');
  const root = parsed.value.root;
  const template = root.children.find((c) => c.name.startsWith('memory@'));
  if (!template) throw new Error('qemu-virt DTB has no memory node');
  const each = ram / BigInt(regions);
  const stride = ((each + GiB - 1n) / GiB) * GiB * 2n;
  const mems: FdtNode[] = [];
  for (let i = 0; i < regions; i++) {
    const addr = 0x40000000n + BigInt(i) * stride;
    mems.push({
      ...template,
      name: `memory@${addr.toString(16)}`,
      props: [
        { name: 'reg', value: fdtValue.cells(2, addr, each), offset: 0 },
        { name: 'device_type', value: fdtValue.strings('memory'), offset: 0 },
      ],
      children: [],
    });
  }
  const children = root.children.flatMap((c) => (c === template ? mems : [c]));
  return buildFdt({ ...root, children }, { totalsize: parsed.value.header.totalsize + regions * 64 });
}

/** A built-in profile with another page size (the Debian kernels are built for 4 KiB pages). */
export function withPageSize(profile: KernelProfile, pageSize: bigint): KernelProfile {
  return { ...profile, config: { ...profile.config, pageSize } };
}
