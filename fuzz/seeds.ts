// Synthetic seeds no sample file provides: small arm64 Image headers (raw, gzip, zboot), and small DTBs with the structures the model reads.
import { gzipSync } from 'fflate';
import { buildFdt, fdtValue, type FdtBuildNode } from '../src/inputs/fdt/writer.ts';
import { encodePredictInput } from './predict-input.ts';

const enc = (s: string): Uint8Array => Uint8Array.from([...s].map((c) => c.charCodeAt(0) & 0xff));

const BANNERS = [
  'Linux version 5.10.0-32-arm64 (debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP Debian 5.10.223-1 (2024-08-10)\n',
  'Linux version 6.1.0-50-arm64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP Debian 6.1.176-1 (2025-01-01)\n',
  'Linux version 6.12.117+deb13-arm64 (debian-kernel@lists.debian.org) (aarch64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0) #1 SMP Debian 6.12.117-1 (2025-01-01)\n',
  'Linux version 7.2.13+deb14-arm64 #1 SMP PREEMPT_DYNAMIC Debian 7.2.13-1\n',
  'Linux version 6.6\n',
];

/** A raw arm64 Image: the 64-byte boot header (Documentation/arch/arm64/booting.rst), some text, a format string and the banner. */
export function rawImage(banner: string, flags = 0xan, imageSize = 0x2000000n, textOffset = 0n): Uint8Array {
  const body = enc(`\0\0\0\0Linux version %s (%s)\0${banner}\0`);
  const b = new Uint8Array(64 + 64 + body.length);
  const dv = new DataView(b.buffer);
  b.set(enc('MZ'), 0);
  dv.setBigUint64(8, textOffset, true);
  dv.setBigUint64(16, imageSize, true);
  dv.setBigUint64(24, flags, true);
  dv.setUint32(56, 0x644d5241, true);
  dv.setUint32(60, 0x40, true);
  b.set(body, 128);
  return b;
}

/** An EFI zboot image (drivers/firmware/efi/libstub/zboot-header.S): "MZ", "zimg", payload offset and size, the compression name. */
export function zbootImage(payload: Uint8Array, comp = 'gzip'): Uint8Array {
  const off = 0x100;
  const b = new Uint8Array(off + payload.length + 4);
  const dv = new DataView(b.buffer);
  b.set(enc('MZ'), 0);
  b.set(enc('zimg'), 4);
  dv.setUint32(8, off, true);
  dv.setUint32(12, payload.length, true);
  b.set(enc(`${comp}\0`), 24);
  b.set(payload, off);
  return b;
}

/**
 * A raw Image that carries a __setup()/early_param() table (24-byte obs_kernel_param records) and a kernel_param
 * table (40-byte records), with their pointers stored in place (RELR builds: 6.12, 7.2) or as R_AARCH64_RELATIVE
 * addends with zeroed slots (5.10, 6.1). `*name` marks an early_param(). Linked at 0xffff800080000000.
 */
export function imageWithParamTables(style: 'relr' | 'rela', setup: readonly string[], params: readonly string[], banner = BANNERS[2]!): Uint8Array {
  const base = 0xffff800080000000n;
  const head = rawImage(banner);
  const strings: number[] = [];
  const strAt = new Map<string, number>();
  const strOff = head.length;
  for (const n of [...setup.map((x) => x.replace(/^\*/, '')), ...params]) {
    if (strAt.has(n)) continue;
    strAt.set(n, strOff + strings.length);
    strings.push(...enc(`${n}\0`));
  }
  const align8 = (x: number): number => (x + 7) & ~7;
  const setupOff = align8(strOff + strings.length);
  const paramOff = setupOff + 24 * setup.length + 8; // an empty slot ends the setup table
  const funcOff = 64; // the "functions" point into the header's text
  const relaOff = paramOff + 40 * params.length + 8;
  const slots: [number, number][] = []; // file offset of a pointer, file offset it points at
  setup.forEach((x, i) => {
    slots.push([setupOff + 24 * i, strAt.get(x.replace(/^\*/, ''))!], [setupOff + 24 * i + 8, funcOff]);
  });
  params.forEach((n, i) => slots.push([paramOff + 40 * i, strAt.get(n)!], [paramOff + 40 * i + 16, funcOff]));
  const b = new Uint8Array(relaOff + (style === 'rela' ? 24 * slots.length : 0));
  const dv = new DataView(b.buffer);
  b.set(head, 0);
  b.set(strings, strOff);
  setup.forEach((x, i) => dv.setUint32(setupOff + 24 * i + 16, x.startsWith('*') ? 1 : 0, true));
  slots.forEach(([at, to], i) => {
    if (style === 'relr') {
      dv.setBigUint64(at, base + BigInt(to), true);
    } else {
      dv.setBigUint64(relaOff + 24 * i, base + BigInt(at), true);
      dv.setBigUint64(relaOff + 24 * i + 8, 0x403n, true);
      dv.setBigUint64(relaOff + 24 * i + 16, base + BigInt(to), true);
    }
  });
  return b;
}

const SEED_SETUP = ['rdinit=', 'init=', '*quiet', '*debug', 'reset_devices', 'rootwait', 'root=', 'rw', 'ro', 'console=', '*mem', '*nokaslr', '*crashkernel', 'irqpoll', '*nr_cpus', 'cgroup_disable=', 'nosmp'];
const SEED_PARAMS = ['initcall_debug', 'panic_on_warn', 'pause_on_oops', 'panic', 'nomodule', 'consoleblank', 'printk.time', 'printk.devkmsg', 'workqueue.power_efficient', 'rcupdate.rcu_expedited', 'kfence.sample_interval', 'usbcore.nousb', 'module.sig_enforce', 'sysrq_always_enabled', 'irqtime', 'xen_scrub_pages'];

export function imageSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  BANNERS.forEach((banner, i) => {
    const raw = rawImage(banner, BigInt(i * 2 + 8));
    out.push(raw);
    if (i % 2 === 0) out.push(gzipSync(raw, { level: 6 }));
    if (i !== 1) out.push(zbootImage(gzipSync(raw, { level: 9 })));
  });
  out.push(rawImage(BANNERS[2]!, 0n, 0n, 0x80000n)); // pre-3.17 style: text_offset 0x80000, image_size 0
  out.push(imageWithParamTables('relr', SEED_SETUP, SEED_PARAMS), imageWithParamTables('rela', SEED_SETUP, SEED_PARAMS, BANNERS[0]!));
  return out;
}

const u32 = fdtValue.u32;
const str = (s: string): Uint8Array => fdtValue.strings(s);
const node = (name: string, props: [string, Uint8Array][], children: FdtBuildNode[] = []): FdtBuildNode => ({
  name, props: props.map(([n, value]) => ({ name: n, value })), children,
});

/** Small DTBs shaped like the cases the model handles: banks, /reserved-memory, dma-ranges buses, /chosen. */
export function fdtSeeds(): Uint8Array[] {
  const memory = node('memory@40000000', [['device_type', str('memory')], ['reg', fdtValue.cells(2, 0x40000000n, 0x40000000n, 0x100000000n, 0x100000000n)]]);
  const rmem = node('reserved-memory', [['#address-cells', u32(2)], ['#size-cells', u32(2)], ['ranges', fdtValue.empty()]], [
    node('linux,cma', [['compatible', str('shared-dma-pool')], ['reusable', fdtValue.empty()], ['size', fdtValue.cells(2, 0x4000000n)],
      ['alignment', fdtValue.cells(2, 0x400000n)], ['alloc-ranges', fdtValue.cells(2, 0x40000000n, 0x40000000n)], ['linux,cma-default', fdtValue.empty()]]),
    node('fw@48000000', [['reg', fdtValue.cells(2, 0x48000000n, 0x100000n)], ['no-map', fdtValue.empty()]]),
  ]);
  const soc = node('soc', [['compatible', str('simple-bus')], ['#address-cells', u32(1)], ['#size-cells', u32(1)],
    ['ranges', u32(0, 0, 0, 0, 0x40000000)], ['dma-ranges', u32(0, 0, 0, 0, 0x3fffffff)]], [
    node('dev@1000', [['reg', u32(0x1000, 0x100)], ['status', str('okay')], ['dma-coherent', fdtValue.empty()]]),
  ]);
  const chosen = node('chosen', [['bootargs', str('console=ttyAMA0 crashkernel=256M')], ['linux,usable-memory-range', fdtValue.cells(2, 0x50000000n, 0x10000000n)],
    ['linux,initrd-start', u32(0x48000000)], ['linux,initrd-end', u32(0x48100000)]]);
  const root = (kids: FdtBuildNode[], ac = 2, sc = 2): FdtBuildNode => node('', [['#address-cells', u32(ac)], ['#size-cells', u32(sc)], ['compatible', str('linux,dummy-virt')]], kids);
  const deep = (n: number): FdtBuildNode => (n === 0 ? node('leaf', [['reg', u32(1, 2)]]) : node(`n${n}`, [['#address-cells', u32(1)]], [deep(n - 1)]));
  return [
    buildFdt(root([chosen, memory, rmem, soc])),
    buildFdt(root([memory, rmem]), { memreserve: [{ address: 0x48000000n, size: 0x1000n }], layout: 'dtc' }),
    buildFdt(root([node('memory', [['device_type', str('memory')], ['reg', u32(0x40000000, 0x20000000)]])], 1, 1)),
    buildFdt(root([deep(20)], 1, 1)),
    buildFdt(root([])),
  ];
}

/** whole-predict seeds built from the synthetic DTBs (the corpus loader adds the conformance machines). */
export function predictSeeds(): Uint8Array[] {
  return fdtSeeds().slice(0, 3).map((dtb, i) => encodePredictInput({ flags: i | 4, dtb, cmdline: ['crashkernel=256M', 'crashkernel=512M,high', 'crashkernel=1G-4G:128M,4G-:192M cma=64M'][i]! }));
}
