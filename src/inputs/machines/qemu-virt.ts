// The devicetree QEMU 7.2 hands the kernel for `-M virt -cpu cortex-a57 -smp N -m RAM -kernel …` (hw/arm/virt.c + hw/arm/boot.c).
import { buildFdt, fdtValue, type FdtBuildNode } from '../fdt/writer.ts';

export interface QemuVirtOptions {
  ramBytes: bigint;
  /** 1..8 (GICv2, QEMU's default for virt, takes at most 8 CPUs). */
  smp: number;
  /** 'cortex-a57' (default), 'cortex-a53', 'cortex-a72', or 'max' (TCG's max is an A57 in the tree). */
  cpu?: string;
  /** `-append`; an absent or empty command line adds no `bootargs`. */
  cmdline?: string;
  /** Where QEMU put the `-initrd` image: /chosen gets 1-cell linux,initrd-start/-end (end = start + file size). */
  initrd?: { start: bigint; end: bigint };
  /** Values for the seeds QEMU draws at random (defaults: fixed patterns). */
  kaslrSeed?: bigint;
  rngSeed?: Uint8Array;
}

/** VIRT_MEM base (hw/arm/virt.c memmap). */
export const QEMU_VIRT_RAM_BASE = 0x40000000n;
/** create_device_tree()'s FDT_MAX_SIZE: the blob is never packed, so totalsize is 1 MiB. */
export const QEMU_VIRT_FDT_SIZE = 0x100000;

const CPU_COMPATIBLE: Record<string, string> = {
  'cortex-a57': 'arm,cortex-a57',
  'cortex-a53': 'arm,cortex-a53',
  'cortex-a72': 'arm,cortex-a72',
  max: 'arm,cortex-a57',
};

/**
 * The order in which QEMU first sets each property name (libfdt appends a name to the strings block
 * on first use and reuses suffixes, so "method" shares "enable-method" when that exists).
 */
export const QEMU_VIRT_STRINGS_ORDER = [
  'compatible', '#address-cells', '#size-cells', 'model', 'kaslr-seed', 'rng-seed', '#clock-cells',
  'clock-frequency', 'clock-output-names', 'phandle', 'always-on', 'interrupts', 'device_type',
  'enable-method', 'reg', 'cpu', 'bank-width', 'interrupt-parent', '#interrupt-cells',
  'interrupt-controller', 'ranges', 'msi-controller', 'clocks', 'clock-names', 'stdout-path',
  'linux,pci-domain', 'bus-range', 'dma-coherent', 'msi-map', 'interrupt-map', 'interrupt-map-mask',
  '#gpio-cells', 'gpio-controller', 'label', 'linux,code', 'gpios', 'bootargs', 'linux,initrd-start',
  'linux,initrd-end', 'method', 'cpu_suspend', 'cpu_off', 'cpu_on', 'migrate',
] as const;

type Props = [string, Uint8Array][];
const node = (name: string, props: Props, children: FdtBuildNode[] = []): FdtBuildNode => ({
  name,
  props: props.map(([n, value]) => ({ name: n, value })),
  children,
});
const { u32, strings: str, empty } = fdtValue;
const reg2 = (...v: bigint[]): Uint8Array => fdtValue.cells(2, ...v);

const GIC_SPI = 0;
const GIC_PPI = 1;
const IRQ_TYPE_EDGE_RISING = 1;
const IRQ_TYPE_LEVEL_HIGH = 4;
const VIRTIO_MMIO_TRANSPORTS = 32;

/** The tree in the order QEMU's blob holds it (libfdt inserts each new node and property first, so this is creation order reversed). */
export function qemuVirtTree(opts: QemuVirtOptions): FdtBuildNode {
  const { smp } = opts;
  if (!Number.isInteger(smp) || smp < 1 || smp > 8) throw new RangeError(`smp ${smp}: GICv2 virt takes 1..8 CPUs`);
  const compatible = CPU_COMPATIBLE[opts.cpu ?? 'cortex-a57'];
  if (!compatible) throw new RangeError(`cpu ${opts.cpu}: not modelled (${Object.keys(CPU_COMPATIBLE).join(', ')})`);
  if (opts.ramBytes <= 0n) throw new RangeError('ramBytes must be positive');

  // Phandles are handed out from 0x8000 in creation order: clock, CPUs (last first), GIC, v2m, pl061.
  const clk = 0x8000;
  const cpuPhandle = (i: number): number => 0x8000 + smp - i;
  const gic = 0x8000 + smp + 1;
  const v2m = gic + 1;
  const pl061 = gic + 2;
  // GIC_FDT_IRQ_PPI_CPU: one bit per CPU in bits 8..15 of a PPI's flags.
  const ppiFlags = (((1 << smp) - 1) << 8) | IRQ_TYPE_LEVEL_HIGH;

  const virtio: FdtBuildNode[] = [];
  for (let i = 0; i < VIRTIO_MMIO_TRANSPORTS; i++) {
    const base = 0xa000000n + BigInt(i * 0x200);
    virtio.push(node(`virtio_mmio@${base.toString(16)}`, [
      ['dma-coherent', empty()],
      ['interrupts', u32(GIC_SPI, 0x10 + i, IRQ_TYPE_EDGE_RISING)],
      ['reg', reg2(base, 0x200n)],
      ['compatible', str('virtio,mmio')],
    ]));
  }

  const imap: number[] = [];
  for (let slot = 0; slot < 4; slot++) {
    for (let pin = 1; pin <= 4; pin++) {
      imap.push(slot << 11, 0, 0, pin, gic, 0, 0, GIC_SPI, 3 + ((pin - 1 + slot) % 4), IRQ_TYPE_LEVEL_HIGH);
    }
  }

  const cores: FdtBuildNode[] = [];
  const cpus: FdtBuildNode[] = [];
  for (let i = 0; i < smp; i++) {
    cores.push(node(`core${i}`, [['cpu', u32(cpuPhandle(i))]]));
    const props: Props = [['phandle', u32(cpuPhandle(i))], ['reg', u32(i)]];
    if (smp > 1) props.push(['enable-method', str('psci')]);
    props.push(['compatible', str(compatible)], ['device_type', str('cpu')]);
    cpus.push(node(`cpu@${i}`, props));
  }

  const chosen: Props = [];
  if (opts.initrd) {
    chosen.push(['linux,initrd-end', u32(Number(opts.initrd.end & 0xffffffffn))]);
    chosen.push(['linux,initrd-start', u32(Number(opts.initrd.start & 0xffffffffn))]);
  }
  if (opts.cmdline) chosen.push(['bootargs', str(opts.cmdline)]);
  chosen.push(
    ['stdout-path', str('/pl011@9000000')],
    ['rng-seed', opts.rngSeed ?? Uint8Array.from({ length: 32 }, (_, i) => i)],
    ['kaslr-seed', fdtValue.cells(2, opts.kaslrSeed ?? 0x0123456789abcdefn)],
  );

  return node('', [
    ['interrupt-parent', u32(gic)],
    ['model', str('linux,dummy-virt')],
    ['#size-cells', u32(2)],
    ['#address-cells', u32(2)],
    ['compatible', str('linux,dummy-virt')],
  ], [
    node('psci', [
      ['migrate', u32(0xc4000005)],
      ['cpu_on', u32(0xc4000003)],
      ['cpu_off', u32(0x84000002)],
      ['cpu_suspend', u32(0xc4000001)],
      ['method', str('hvc')],
      ['compatible', str('arm,psci-1.0', 'arm,psci-0.2', 'arm,psci')],
    ]),
    node(`memory@${QEMU_VIRT_RAM_BASE.toString(16)}`, [
      ['reg', reg2(QEMU_VIRT_RAM_BASE, opts.ramBytes)],
      ['device_type', str('memory')],
    ]),
    node('platform-bus@c000000', [
      ['interrupt-parent', u32(gic)],
      ['ranges', u32(0, 0, 0xc000000, 0x2000000)],
      ['#address-cells', u32(1)],
      ['#size-cells', u32(1)],
      ['compatible', str('qemu,platform', 'simple-bus')],
    ]),
    node('fw-cfg@9020000', [
      ['dma-coherent', empty()],
      ['reg', reg2(0x9020000n, 0x18n)],
      ['compatible', str('qemu,fw-cfg-mmio')],
    ]),
    ...virtio,
    node('gpio-keys', [['compatible', str('gpio-keys')]], [
      node('poweroff', [
        ['gpios', u32(pl061, 3, 0)],
        ['linux,code', u32(0x74)],
        ['label', str('GPIO Key Poweroff')],
      ]),
    ]),
    node('pl061@9030000', [
      ['phandle', u32(pl061)],
      ['clock-names', str('apb_pclk')],
      ['clocks', u32(clk)],
      ['interrupts', u32(GIC_SPI, 7, IRQ_TYPE_LEVEL_HIGH)],
      ['gpio-controller', empty()],
      ['#gpio-cells', u32(2)],
      ['compatible', str('arm,pl061', 'arm,primecell')],
      ['reg', reg2(0x9030000n, 0x1000n)],
    ]),
    node('pcie@10000000', [
      ['interrupt-map-mask', u32(0x1800, 0, 0, 7)],
      ['interrupt-map', u32(...imap)],
      ['#interrupt-cells', u32(1)],
      ['ranges', u32(
        0x1000000, 0, 0, 0, 0x3eff0000, 0, 0x10000,
        0x2000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000,
        0x3000000, 0x80, 0, 0x80, 0, 0x80, 0,
      )],
      ['reg', reg2(0x4010000000n, 0x10000000n)],
      ['msi-map', u32(0, v2m, 0, 0x10000)],
      ['dma-coherent', empty()],
      ['bus-range', u32(0, 0xff)],
      ['linux,pci-domain', u32(0)],
      ['#size-cells', u32(2)],
      ['#address-cells', u32(3)],
      ['device_type', str('pci')],
      ['compatible', str('pci-host-ecam-generic')],
    ]),
    node('pl031@9010000', [
      ['clock-names', str('apb_pclk')],
      ['clocks', u32(clk)],
      ['interrupts', u32(GIC_SPI, 2, IRQ_TYPE_LEVEL_HIGH)],
      ['reg', reg2(0x9010000n, 0x1000n)],
      ['compatible', str('arm,pl031', 'arm,primecell')],
    ]),
    node('pl011@9000000', [
      ['clock-names', str('uartclk', 'apb_pclk')],
      ['clocks', u32(clk, clk)],
      ['interrupts', u32(GIC_SPI, 1, IRQ_TYPE_LEVEL_HIGH)],
      ['reg', reg2(0x9000000n, 0x1000n)],
      ['compatible', str('arm,pl011', 'arm,primecell')],
    ]),
    node('pmu', [
      ['interrupts', u32(GIC_PPI, 7, ppiFlags)],
      ['compatible', str('arm,armv8-pmuv3')],
    ]),
    node('intc@8000000', [
      ['phandle', u32(gic)],
      ['reg', reg2(0x8000000n, 0x10000n, 0x8010000n, 0x10000n)],
      ['compatible', str('arm,cortex-a15-gic')],
      ['ranges', empty()],
      ['#size-cells', u32(2)],
      ['#address-cells', u32(2)],
      ['interrupt-controller', empty()],
      ['#interrupt-cells', u32(3)],
    ], [
      node('v2m@8020000', [
        ['phandle', u32(v2m)],
        ['reg', reg2(0x8020000n, 0x1000n)],
        ['msi-controller', empty()],
        ['compatible', str('arm,gic-v2m-frame')],
      ]),
    ]),
    node('flash@0', [
      ['bank-width', u32(4)],
      ['reg', reg2(0n, 0x4000000n, 0x4000000n, 0x4000000n)],
      ['compatible', str('cfi-flash')],
    ]),
    node('cpus', [['#size-cells', u32(0)], ['#address-cells', u32(1)]], [
      node('cpu-map', [], [node('socket0', [], [node('cluster0', [], cores)])]),
      ...cpus,
    ]),
    node('timer', [
      ['interrupts', u32(GIC_PPI, 13, ppiFlags, GIC_PPI, 14, ppiFlags, GIC_PPI, 11, ppiFlags, GIC_PPI, 10, ppiFlags)],
      ['always-on', empty()],
      ['compatible', str('arm,armv8-timer', 'arm,armv7-timer')],
    ]),
    node('apb-pclk', [
      ['phandle', u32(clk)],
      ['clock-output-names', str('clk24mhz')],
      ['clock-frequency', u32(24000000)],
      ['#clock-cells', u32(0)],
      ['compatible', str('fixed-clock')],
    ]),
    node('chosen', chosen),
  ]);
}

/**
 * Where QEMU 7.2 loads `-initrd` on virt: RAM base + min(RAM / 2, 128 MiB) (measured with -m 128M,
 * 200M, 256M, 512M, 16G and 27–48 MB Debian Images; an Image reaching past that point would move it,
 * which is not modelled). /chosen then holds <start> and <start + file size> as single cells.
 */
export function qemuVirtInitrdStart(ramBytes: bigint): bigint {
  const half = ramBytes / 2n;
  const cap = 128n << 20n;
  return QEMU_VIRT_RAM_BASE + (half < cap ? half : cap);
}

/** The blob itself: libfdt layout, strings in QEMU's first-use order, totalsize 1 MiB. */
export function qemuVirtDtb(opts: QemuVirtOptions): Uint8Array {
  return buildFdt(qemuVirtTree(opts), { totalsize: QEMU_VIRT_FDT_SIZE, stringsOrder: QEMU_VIRT_STRINGS_ORDER });
}
