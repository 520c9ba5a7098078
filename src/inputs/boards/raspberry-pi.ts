// The memory the Raspberry Pi firmware (start*.elf) writes into /memory before starting Linux.
//
// Sources (see docs/REAL-MACHINES.md): the firmware keeps the top `gpu_mem` of the first GiB for the
// VideoCore, 76 MiB by default on boards with 1 GiB or more, 64 MiB below ("Default gpu_mem value is 76
// for 1GB (or greater) and 64 for less", the config.txt documentation); a Pi 4 with 4 GiB gets
// <0 0 0x3b400000>, <0 0x40000000 0xbc000000> (raspberrypi/firmware#1191: the RAM stops at 0xfc000000,
// where the low-peripheral window starts), and 8 GiB adds <1 0 0x80000000>, <1 0x80000000 0x80000000>
// (seL4's overlay-rpi4-8gb.dts, taken from the firmware's DTB). Boards whose firmware rule is not known
// here (the Pi 5, BCM2712) return undefined and get the generic rule.
import { propStrings } from '../fdt/props.ts';
import type { Fdt } from '../fdt/tree.ts';
import type { PhysRange } from '../iomem.ts';

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const LOW_PERIPHERALS = 0xfc000000n;

export function raspberryPiBanks(fdt: Fdt, ramBytes: bigint): { banks: PhysRange[]; why: string } | undefined {
  const compat = propStrings(fdt.root, 'compatible');
  const gpuMem = ramBytes >= GiB ? 76n * MiB : 64n * MiB;
  const firstGiB = ramBytes < GiB ? ramBytes : GiB;
  if (compat.some((c) => c === 'brcm,bcm2711')) {
    const banks: PhysRange[] = [{ base: 0n, size: firstGiB - gpuMem }];
    if (ramBytes > GiB) banks.push({ base: GiB, size: (ramBytes < LOW_PERIPHERALS ? ramBytes : LOW_PERIPHERALS) - GiB });
    for (let b = 4n * GiB; b < ramBytes; b += 2n * GiB) banks.push({ base: b, size: ramBytes - b < 2n * GiB ? ramBytes - b : 2n * GiB });
    return { banks, why: `Raspberry Pi firmware, BCM2711: gpu_mem ${gpuMem >> 20n}M off the first GiB, RAM up to 0xfc000000, then 2 GiB banks from 4 GiB` };
  }
  if (compat.some((c) => c === 'brcm,bcm2837' || c === 'brcm,bcm2836' || c === 'brcm,bcm2835')) {
    return { banks: [{ base: 0n, size: firstGiB - gpuMem }], why: `Raspberry Pi firmware, ${compat.find((c) => c.startsWith('brcm,bcm283'))}: gpu_mem ${gpuMem >> 20n}M off the top` };
  }
  return undefined;
}
