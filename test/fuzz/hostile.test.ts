// Hostile inputs, one per classic parser bug: each must return quickly with a result or a typed InputError, never throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'fflate';
import { predict } from '../../src/api/predict.ts';
import type { InputError, Result } from '../../src/inputs/errors.ts';
import { buildFdt, fdtValue, parseFdt, regEntries, findNode, dtRootCells } from '../../src/inputs/fdt/index.ts';
import { parseKernelImage } from '../../src/inputs/image.ts';
import { kernelConfigFacts, parseKconfig } from '../../src/inputs/kconfig.ts';
import { parseCrashkernel, parseEarlyParams } from '../../src/inputs/cmdline/index.ts';
import { cmdlineVariants } from '../../src/kernels/behaviors/cmdline-variants.ts';
import { ofDmaGetMaxCpuAddress } from '../../src/model/of-address.ts';
import { checkInputError, TARGETS } from '../../fuzz/targets.ts';
import { rawImage, zbootImage } from '../../fuzz/seeds.ts';
import { BEGIN, END, END_NODE, NOP, PROP, nameWords, node, rawFdt, smallTree } from '../inputs/fdt-helpers.ts';

/** Runs f under the clock: it must not throw, and must end within `ms`. */
function quick<T>(ms: number, f: () => T): T {
  const t0 = performance.now();
  const v = f();
  const took = performance.now() - t0;
  assert.ok(took < ms, `took ${took.toFixed(0)} ms (limit ${ms} ms)`);
  return v;
}

/** A typed error (well-formed, of that code when given) or a result. */
function typed<T>(r: Result<T, InputError>, code?: string | RegExp): void {
  if (r.ok) {
    assert.equal(code, undefined, 'expected a typed error, got a result');
    return;
  }
  checkInputError(r.error);
  if (typeof code === 'string') assert.equal(r.error.code, code);
  else if (code) assert.match(r.error.code, code);
}

const u32 = fdtValue.u32;
const withRoot = (props: [string, Uint8Array][], kids = smallTree().children) =>
  buildFdt(node('', props, [...kids]));

test('FDT: a structure block of NOPs that never reaches FDT_END', () => {
  const words = [BEGIN, ...nameWords(''), ...new Array<number>(250_000).fill(NOP)];
  typed(quick(500, () => parseFdt(rawFdt(words, ''), 'nops.dtb')), 'FDT_ERR_TRUNCATED');
});

test('FDT: BEGIN_NODE after BEGIN_NODE, never closed (10^5 levels)', () => {
  const words: number[] = [];
  for (let i = 0; i < 100_000; i++) words.push(BEGIN, ...nameWords('a'));
  const r = quick(500, () => parseFdt(rawFdt(words, ''), 'deep.dtb'));
  typed(r, 'FDT_ERR_BADSTRUCTURE');
  assert.equal(!r.ok && r.error.field, 'depth');
});

test('FDT: 10^5 balanced levels, then FDT_END', () => {
  const words: number[] = [];
  for (let i = 0; i < 100_000; i++) words.push(BEGIN, ...nameWords('a'));
  for (let i = 0; i < 100_000; i++) words.push(END_NODE);
  words.push(END);
  typed(quick(500, () => parseFdt(rawFdt(words, ''), 'deep.dtb')), 'FDT_ERR_BADSTRUCTURE');
});

test('FDT: a property length of 0xffffffff', () => {
  const words = [BEGIN, ...nameWords(''), PROP, 0xffffffff, 0, 0, END_NODE, END];
  const r = quick(200, () => parseFdt(rawFdt(words, 'reg\0'), 'len.dtb'));
  typed(r, 'FDT_ERR_TRUNCATED');
});

test('FDT: a nameoff of 0xffffffff and one past the strings block', () => {
  for (const nameoff of [0xffffffff, 4]) {
    const words = [BEGIN, ...nameWords(''), PROP, 0, nameoff, END_NODE, END];
    typed(quick(200, () => parseFdt(rawFdt(words, 'reg\0'), 'nameoff.dtb')), /^FDT_ERR_/);
  }
});

test('FDT: header offsets and sizes whose sum overflows 32 bits', () => {
  const good = buildFdt(smallTree());
  for (const [field, off, v] of [['off_dt_strings', 12, 0xfffffff0], ['size_dt_strings', 32, 0xfffffff0], ['off_dt_struct', 8, 0xfffffffc],
    ['size_dt_struct', 36, 0xffffffff], ['totalsize', 4, 0xffffffff], ['off_mem_rsvmap', 16, 0xfffffff8]] as const) {
    const b = good.slice();
    new DataView(b.buffer).setUint32(off, v);
    const r = quick(200, () => parseFdt(b, 'hdr.dtb'));
    assert.equal(r.ok, false, field);
    typed(r, /^FDT_ERR_/);
  }
});

test('FDT: a memory reservation map with no terminator', () => {
  const b = buildFdt(smallTree(), { memreserve: [] });
  const dv = new DataView(b.buffer);
  const rsv = dv.getUint32(16);
  // Fill the map to the end of the blob with non-zero entries.
  for (let o = rsv; o + 8 <= b.length; o += 8) dv.setBigUint64(o, 0x1000n);
  typed(quick(200, () => parseFdt(b, 'rsv.dtb')), /^FDT_ERR_/);
});

// Known bug (fuzz/regressions/KNOWN.md #2): early_pgtable_alloc() throws a plain Error when the linear map needs more page-table pages than memblock can give.
const KNOWN_PGTABLE = {};

test('FDT: #address-cells = <0xffffffff> and #size-cells = <0xffffffff> reach regEntries and predict as typed errors', KNOWN_PGTABLE, () => {
  for (const [ac, sc] of [[0xffffffff, 2], [2, 0xffffffff], [0, 0], [5, 1], [0x80000000, 0x80000000]]) {
    const b = withRoot([['#address-cells', u32(ac)], ['#size-cells', u32(sc)]]);
    const r = parseFdt(b, 'cells.dtb');
    assert.ok(r.ok);
    const mem = findNode(r.value, '/memory')!;
    typed(quick(200, () => regEntries(r.value, mem, dtRootCells(r.value))), 'FDT_ERR_BADNCELLS');
    quick(200, () => ofDmaGetMaxCpuAddress(r.value));
    for (const kernel of ['debian-5.10', 'debian-7.2']) typed(quick(2000, () => predict({ dtb: { bytes: b, file: 'cells.dtb' }, kernel })));
  }
});

test('FDT: a count of reg entries far larger than the property (cells × entries overflows)', () => {
  const b = withRoot([['#address-cells', u32(0x40000000)], ['#size-cells', u32(0x40000000)]]);
  const r = parseFdt(b, 'count.dtb');
  assert.ok(r.ok);
  typed(quick(200, () => regEntries(r.value, findNode(r.value, '/memory')!, { addrCells: 0x40000000, sizeCells: 0x40000000 })), 'FDT_ERR_BADNCELLS');
});

test('FDT: 64-bit reg bases and sizes that wrap past 2^64', KNOWN_PGTABLE, () => {
  const M = 0xffffffffffffffffn;
  for (const [base, size] of [[M - 0xfffffn, 0x40000000n], [0x40000000n, M], [M, M], [0n, 0n], [0x40000000n, 1n << 63n]]) {
    const b = buildFdt(node('', [['#address-cells', u32(2)], ['#size-cells', u32(2)]], [
      node('memory@40000000', [['device_type', fdtValue.strings('memory')], ['reg', fdtValue.cells(2, 0x40000000n, 0x40000000n, base, size)]]),
      node('reserved-memory', [['#address-cells', u32(2)], ['#size-cells', u32(2)], ['ranges', fdtValue.empty()]], [
        node('wrap', [['reg', fdtValue.cells(2, base, size)], ['no-map', fdtValue.empty()]]),
      ]),
    ]));
    for (const kernel of ['debian-5.10', 'debian-6.1', 'debian-6.12', 'debian-7.2']) {
      typed(quick(3000, () => predict({ dtb: { bytes: b, file: 'wrap.dtb' }, kernel, cmdline: 'crashkernel=256M' })));
    }
  }
});

test('FDT: dma-ranges whose child + size wraps, on a bus nested 60 deep', () => {
  let bus = node('dev', [['reg', u32(0, 0x1000)]]);
  for (let i = 0; i < 60; i++) {
    bus = node(`bus${i}`, [['#address-cells', u32(1)], ['#size-cells', u32(1)], ['ranges', fdtValue.empty()],
      ['dma-ranges', u32(0xffffffff, 0, 0xffffffff)], ['compatible', fdtValue.strings('simple-bus')]], [bus]);
  }
  const b = withRoot([['#address-cells', u32(1)], ['#size-cells', u32(1)]], [node('memory@40000000', [['device_type', fdtValue.strings('memory')], ['reg', u32(0x40000000, 0x40000000)]]), bus]);
  const r = parseFdt(b, 'dma.dtb');
  assert.ok(r.ok, r.ok ? '' : r.error.expected);
  quick(500, () => ofDmaGetMaxCpuAddress(r.value));
  typed(quick(3000, () => predict({ dtb: { bytes: b, file: 'dma.dtb' }, kernel: 'debian-6.12' })));
});

test('image: a 1 KiB gzip that inflates past the cap is refused by the cap', () => {
  const bomb = gzipSync(new Uint8Array(1 << 20), { level: 9 });
  assert.ok(bomb.length <= 1100, `bomb is ${bomb.length} bytes`);
  typed(quick(1000, () => parseKernelImage(bomb, 'bomb.gz', 256 << 10)), 'IMAGE_TOO_LARGE');
  typed(quick(1000, () => parseKernelImage(zbootImage(bomb), 'bomb.efi', 256 << 10)), 'IMAGE_TOO_LARGE');
});

/** A gzip stream of `n` zero bytes built by hand (fixed-Huffman literal 0, then <length 258, distance 1> copies), fast to make; its CRC is wrong on purpose. */
function zeroBomb(n: number): Uint8Array {
  const out: number[] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
  let acc = 0;
  let bits = 0;
  const put = (v: number, len: number): void => {
    acc |= v << bits;
    bits += len;
    while (bits >= 8) {
      out.push(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  };
  const rev = (v: number, len: number): number => {
    let r = 0;
    for (let i = 0; i < len; i++) r = (r << 1) | ((v >> i) & 1);
    return r;
  };
  put(1, 1); // BFINAL
  put(1, 2); // fixed Huffman
  put(rev(0x30, 8), 8); // literal 0
  for (let done = 1; done + 258 <= n; done += 258) {
    put(rev(0xc5, 8), 8); // length code 285 = 258
    put(0, 5); // distance code 0 = 1
  }
  put(0, 7); // end of block
  if (bits) put(0, 8 - bits);
  out.push(0, 0, 0, 0, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  return Uint8Array.from(out);
}

test('image: a 2 MB gzip that inflates to 300 MiB is refused by the default cap, without inflating all of it', () => {
  const bomb = zeroBomb(300 << 20);
  assert.ok(bomb.length < 2 << 20, `bomb is ${bomb.length} bytes`);
  typed(quick(8000, () => parseKernelImage(bomb, 'bomb.gz')), 'IMAGE_TOO_LARGE');
});

test('image: header fields of 2^64 − 1, a truncated zboot payload, a payload offset past the end', () => {
  const M = 0xffffffffffffffffn;
  typed(parseKernelImage(rawImage('Linux version 6.12.1\n', M, M, M), 'max'));
  const z = zbootImage(gzipSync(rawImage('Linux version 6.1.2\n')));
  for (const [off, v] of [[8, 0xffffffff], [12, 0xffffffff], [8, z.length], [12, 0]] as const) {
    const c = z.slice();
    new DataView(c.buffer).setUint32(off, v, true);
    typed(quick(200, () => parseKernelImage(c, 'zboot')), /^IMAGE_|TRUNCATED/);
  }
  typed(parseKernelImage(gzipSync(rawImage('Linux version 6.12.1\n')).slice(0, 40), 'trunc.gz'), 'IMAGE_BAD_GZIP');
});

const EARLY_CTX = { nrCpus: 8, rodata: { enabled: true, full: true }, kfenceEarlyInit: false, debugPagealloc: false } as never;

test('command line: 10 MB of one word, of digits, of one huge crashkernel= size', () => {
  for (const [s, v] of [['x'.repeat(10_000_000), cmdlineVariants['5.10']], [`crashkernel=${'9'.repeat(9_999_000)}M`, cmdlineVariants['7.2']]] as const) {
    // Linear, but ~100–200 ns a character: generous limits, a hang would take minutes.
    quick(10_000, () => parseCrashkernel(s, 4n << 30n, v.crashkernel));
    quick(10_000, () => parseEarlyParams(s, EARLY_CTX, v.early));
  }
});

// Known bug (KNOWN.md #3): the kernel copies at most COMMAND_LINE_SIZE (2048) bytes of bootargs; the model takes any length,
// and get_last_crashkernel's strstr/strchr walk is quadratic in it.
test('command line: 2 MB made of 90 000 crashkernel= ranges, or 120 000 crashkernel= tokens', () => {
  const ranges = `${'crashkernel=1G-2G:128M,'.repeat(90_000)}4G-:256M`;
  const tokens = 'crashkernel=256M '.repeat(120_000);
  quick(500, () => parseCrashkernel(ranges, 4n << 30n, cmdlineVariants['6.12'].crashkernel));
  typed(quick(1000, () => predict({ machine: { type: 'qemu-virt', ramBytes: 4n << 30n, smp: 2 }, kernel: 'debian-6.12', cmdline: tokens })));
});

test('kernel config: 10^6 lines, a 10 MB line, a 10 MB quoted string', () => {
  const lines: string[] = [];
  for (let i = 0; i < 1_000_000; i++) lines.push(i % 3 ? `CONFIG_OPT_${i}=y` : `# CONFIG_OFF_${i} is not set`);
  const text = `${lines.join('\n')}\nCONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_VA_BITS=48\nCONFIG_ARM64_PA_BITS=48\nCONFIG_PGTABLE_LEVELS=4\nCONFIG_NR_CPUS=8\n`;
  const r = quick(15_000, () => parseKconfig(text, 'config'));
  assert.ok(r.ok);
  typed(kernelConfigFacts(r.value, 'config'));
  typed(quick(10_000, () => parseKconfig(`CONFIG_CMDLINE="${'\\"'.repeat(5_000_000)}"`, 'config')));
  typed(quick(5000, () => parseKconfig('x'.repeat(10_000_000), 'config')), 'KCONFIG_BAD_LINE');
});

// Known bug (KNOWN.md #4): a number of 10^6 digits goes to BigInt(), which is quadratic in the digits (~5 s for 10^7).
test('kernel config: a number of 10^6 digits', () => {
  typed(quick(200, () => parseKconfig(`CONFIG_X=${'9'.repeat(1_000_000)}`, 'config')));
});

// Known bug (KNOWN.md #1): `-0x48` passes the number pattern, then BigInt('-0x48') throws SyntaxError.
test('kernel config: a negative hex value', () => {
  typed(parseKconfig('CONFIG_X=-0x48\n', 'config'));
});

test('every fuzz target accepts the empty input and a lone byte', () => {
  for (const t of Object.values(TARGETS)) {
    for (const b of [new Uint8Array(), new Uint8Array([0]), new Uint8Array([0xff])]) quick(2000, () => t.run(b));
  }
});
