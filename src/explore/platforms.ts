// The platform corpus of `bootmap explore`: devicetrees of machine classes whose memory layout stresses the
// ordering of the crash reservation against the DMA limits and the linear map. Each tree is built with
// buildFdt(), as a boot loader or firmware would hand it to the kernel; nothing here runs a kernel.
import { buildFdt, fdtValue, type FdtBuildNode } from '../inputs/fdt/writer.ts';

const MiB = 1n << 20n;
const GiB = 1n << 30n;
const TiB = 1n << 40n;

export interface PhysRange {
  readonly base: bigint;
  readonly size: bigint;
}

export interface Platform {
  readonly id: string;
  /** One line for people. */
  readonly label: string;
  /** Class, for grouping in tables and charts. */
  readonly family: 'rpi4' | 'imx8' | 'server';
  readonly ramBytes: bigint;
  /** /memory reg, in order. */
  readonly banks: readonly PhysRange[];
  /** /reserved-memory no-map regions (firmware areas the kernel must not map). */
  readonly nomap: readonly PhysRange[];
  /** What limits device DMA on the platform, in words (the tree holds it as dma-ranges). */
  readonly dmaNote: string;
  /** Where the boot loader puts the Image (_text) and the DTB. */
  readonly imageAddr: bigint;
  readonly dtbAddr: bigint;
  /** The blob the kernel receives. */
  readonly dtb: () => Uint8Array;
}

type Props = [string, Uint8Array][];
const node = (name: string, props: Props, children: FdtBuildNode[] = []): FdtBuildNode => ({
  name,
  props: props.map(([n, value]) => ({ name: n, value })),
  children,
});
const { u32, strings: str, empty } = fdtValue;

interface TreeSpec {
  compatible: string[];
  model: string;
  /** Root #address-cells / #size-cells. */
  rootCells: [number, number];
  banks: readonly PhysRange[];
  nomap: readonly PhysRange[];
  /** The /soc bus: its cells, ranges and dma-ranges (absent: the devices sit at the root, no DMA limit). */
  soc?: { cells: [number, number]; ranges: Uint8Array; dmaRanges: Uint8Array };
  cpus: number;
  cpuCompatible: string;
}

function tree(t: TreeSpec): FdtBuildNode {
  const [ac, sc] = t.rootCells;
  const reg = (rs: readonly PhysRange[]): Uint8Array => u32(...rs.flatMap((r) => [...cellWords(r.base, ac), ...cellWords(r.size, sc)]));
  const cpus: FdtBuildNode[] = [];
  for (let i = 0; i < t.cpus; i++) {
    cpus.push(node(`cpu@${i}`, [['device_type', str('cpu')], ['compatible', str(t.cpuCompatible)], ['reg', u32(i)], ['enable-method', str('psci')]]));
  }
  const children: FdtBuildNode[] = [
    node('psci', [['compatible', str('arm,psci-1.0')], ['method', str('smc')]]),
    node('cpus', [['#address-cells', u32(1)], ['#size-cells', u32(0)]], cpus),
    node(`memory@${t.banks[0].base.toString(16)}`, [['device_type', str('memory')], ['reg', reg(t.banks)]]),
  ];
  if (t.nomap.length > 0) {
    children.push(node('reserved-memory', [['#address-cells', u32(ac)], ['#size-cells', u32(sc)], ['ranges', empty()]],
      t.nomap.map((r) => node(`firmware@${r.base.toString(16)}`, [['reg', reg([r])], ['no-map', empty()]]))));
  }
  if (t.soc) {
    children.push(node('soc', [
      ['compatible', str('simple-bus')],
      ['#address-cells', u32(t.soc.cells[0])],
      ['#size-cells', u32(t.soc.cells[1])],
      ['ranges', t.soc.ranges],
      ['dma-ranges', t.soc.dmaRanges],
    ]));
  }
  children.push(node('chosen', []));
  return node('', [
    ['compatible', str(...t.compatible)],
    ['model', str(t.model)],
    ['#address-cells', u32(ac)],
    ['#size-cells', u32(sc)],
  ], children);
}

function cellWords(x: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((x >> BigInt(32 * i)) & 0xffffffffn));
  return out;
}

const sum = (rs: readonly PhysRange[]): bigint => rs.reduce((n, r) => n + r.size, 0n);

/**
 * Raspberry Pi 4 (BCM2711) as its firmware leaves /memory: gpu_mem (76 MiB) off the first GiB, RAM up to the
 * low-peripheral window at 0xfc000000, then 2 GiB banks from 4 GiB (src/inputs/boards/raspberry-pi.ts). /soc
 * translates bus 0xc0000000 to CPU 0 for 1 GiB: the 30-bit DMA limit (bcm2711.dtsi).
 */
function rpi4(ram: bigint): Platform {
  const banks: PhysRange[] = [{ base: 0n, size: GiB - 76n * MiB }, { base: GiB, size: 0xfc000000n - GiB }];
  for (let b = 4n * GiB; b < ram; b += 2n * GiB) banks.push({ base: b, size: ram - b < 2n * GiB ? ram - b : 2n * GiB });
  const spec: TreeSpec = {
    compatible: ['raspberrypi,4-model-b', 'brcm,bcm2711'], model: `Raspberry Pi 4 Model B (${ram / GiB} GiB)`,
    rootCells: [2, 1], banks, nomap: [], cpus: 4, cpuCompatible: 'arm,cortex-a72',
    soc: { cells: [1, 1], ranges: u32(0x7e000000, 0x0, 0xfe000000, 0x01800000), dmaRanges: u32(0xc0000000, 0x0, 0x00000000, 0x40000000) },
  };
  return {
    id: `rpi4-${ram / GiB}g`, label: spec.model, family: 'rpi4', ramBytes: sum(banks), banks, nomap: [],
    dmaNote: '30-bit: /soc dma-ranges maps 1 GiB at CPU 0',
    // The Pi firmware loads arm64 kernels at 0x200000 and the DTB at 0x2eff2e00 (config.txt defaults, 64-bit).
    imageAddr: 0x200000n, dtbAddr: 0x2eff2000n,
    dtb: () => buildFdt(tree(spec)),
  };
}

/** An i.MX8M-class board: DRAM from 0x40000000; /soc@0 dma-ranges stop at 4 GiB (imx8mp.dtsi): 32-bit DMA. */
function imx8(ram: bigint): Platform {
  const banks: PhysRange[] = [{ base: GiB, size: ram }];
  const spec: TreeSpec = {
    compatible: ['fsl,imx8mp-evk', 'fsl,imx8mp'], model: `i.MX8M Plus class (${ram / GiB} GiB)`,
    rootCells: [2, 2], banks, nomap: [], cpus: 4, cpuCompatible: 'arm,cortex-a53',
    soc: { cells: [1, 1], ranges: u32(0x0, 0x0, 0x0, 0x3e000000), dmaRanges: u32(0x40000000, 0x0, 0x40000000, 0xc0000000) },
  };
  return {
    id: `imx8-${ram / GiB}g`, label: spec.model, family: 'imx8', ramBytes: ram, banks, nomap: [],
    dmaNote: '32-bit: /soc dma-ranges end at 0xffffffff',
    // U-Boot's imx8mp loadaddr (0x40480000) rounded to 2 MiB, fdt_addr 0x43000000.
    imageAddr: 0x40400000n, dtbAddr: 0x43000000n,
    dtb: () => buildFdt(tree(spec)),
  };
}

/**
 * A server DT: several DRAM regions with holes between them (a small one below 4 GiB, then per-socket ranges
 * high up), a firmware area marked no-map whose edges are not 2 MiB aligned, no dma-ranges (64-bit DMA).
 */
function server(id: string, label: string, banks: PhysRange[]): Platform {
  const nomap: PhysRange[] = [{ base: banks[0].base + 0x101c0000n, size: 0x2e0000n }];
  const spec: TreeSpec = {
    compatible: ['bootmap,server'], model: label, rootCells: [2, 2], banks, nomap, cpus: 8, cpuCompatible: 'arm,neoverse-n1',
  };
  return {
    id, label, family: 'server', ramBytes: sum(banks), banks, nomap,
    dmaNote: 'none in the tree (64-bit DMA)',
    imageAddr: banks[0].base + 0x200000n, dtbAddr: banks[0].base + 0x8000000n,
    dtb: () => buildFdt(tree(spec)),
  };
}

/** The corpus, smallest first. */
export const PLATFORMS: readonly Platform[] = [
  rpi4(4n * GiB),
  rpi4(8n * GiB),
  imx8(2n * GiB),
  imx8(4n * GiB),
  server('server-512g', 'Server, 512 GiB in 2 regions', [
    { base: 0x80000000n, size: 2n * GiB },
    { base: 0x8080000000n, size: 510n * GiB },
  ]),
  server('server-4t', 'Server, 4 TiB in 4 regions', [
    { base: 0x80000000n, size: 2n * GiB },
    { base: 0x880000000n, size: 30n * GiB },
    { base: 0x8800000000n, size: 992n * GiB },
    { base: 2n * TiB, size: 3n * TiB },
  ]),
  server('server-16t', 'Server, 16 TiB in 4 regions', [
    { base: 0x80000000n, size: 2n * GiB },
    { base: 0x880000000n, size: 30n * GiB },
    { base: 1n * TiB, size: 4n * TiB - 32n * GiB },
    { base: 8n * TiB, size: 12n * TiB },
  ]),
];

export const GRANULES = [4096, 16384, 65536] as const;
export type ExploreGranule = (typeof GRANULES)[number];

export function platformById(id: string): Platform | undefined {
  return PLATFORMS.find((p) => p.id === id);
}
