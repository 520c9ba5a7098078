// Command-line parsers: memparse, crashkernel= (kernel behaviour, [QEMU]-verified lines, kdump-utils' range cases), early params.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memparse, getOption, kstrtoull } from '../../src/inputs/cmdline/memparse.ts';
import { parseCrashkernel, EINVAL, ENOENT } from '../../src/inputs/cmdline/crashkernel.ts';
import { nextArg, splitCmdline, parseEarlyParams, nokaslrFromCmdline } from '../../src/inputs/cmdline/params.ts';
import { cmdlineVariants as V } from '../../src/kernels/behaviors/cmdline-variants.ts';

const GENS = ['5.10', '6.1', '6.12', '7.2'] as const;
const M = 1n << 20n;
const G = 1n << 30n;
const U64 = (1n << 64n) - 1n;
const fmts = (r: { printk: { fmt: string; args: readonly unknown[] }[] }): string[] => r.printk.map((p) => p.fmt.replace('%c', String(p.args[0] ?? '')));

test('memparse: bases, suffixes, stop char', () => {
  const v = V['6.12'].memparse;
  assert.deepEqual(memparse('0x10M,x', 0, v), { value: 16n * M, end: 5 });
  assert.deepEqual(memparse('010k', 0, v), { value: 8n * 1024n, end: 4 });
  assert.deepEqual(memparse('09', 0, v), { value: 0n, end: 1 }); // octal stops at 9
  assert.deepEqual(memparse('0xg', 0, v), { value: 0n, end: 1 }); // 0x without a hex digit is octal 0
  assert.deepEqual(memparse('1e', 0, v), { value: 1n << 60n, end: 2 });
  assert.deepEqual(memparse('abc', 0, v), { value: 0n, end: 0 });
});

test('memparse: bare suffix and overflow per generation [QEMU: 6.12 wraps, 7.2 saturates]', () => {
  assert.deepEqual(memparse('M', 0, V['6.12'].memparse), { value: 0n, end: 1 });
  assert.deepEqual(memparse('M', 0, V['7.2'].memparse), { value: 0n, end: 0 });
  assert.equal(memparse('17179869186G', 0, V['6.12'].memparse).value, 2n * G);
  assert.equal(memparse('17179869184G', 0, V['7.2'].memparse).value, U64);
  assert.equal(memparse('18446744073709551617', 0, V['6.12'].memparse).value, 1n);
  assert.equal(memparse('18446744073709551617', 0, V['7.2'].memparse).value, U64);
});

test('kstrtoull / get_option', () => {
  assert.deepEqual(kstrtoull('+0x10\n'), { ok: true, value: 16n });
  assert.deepEqual(kstrtoull('12a'), { ok: false, errno: 'EINVAL' });
  assert.deepEqual(kstrtoull('99999999999999999999'), { ok: false, errno: 'ERANGE' });
  assert.deepEqual(getOption('-4,', 0), { ret: 2, value: -4, end: 3 });
  assert.deepEqual(getOption('0x100000000', 0), { ret: 1, value: 0, end: 11 });
});

// Expected lines below are the ones recorded from real QEMU boots (kernel-notes §3, and this session's boots).
test('crashkernel: QEMU-verified behaviours', () => {
  const ram = 4n * G;
  const a = parseCrashkernel('crashkernel=256M crashkernel=64M,cma', ram, V['6.1'].crashkernel);
  assert.deepEqual(fmts(a), ['crashkernel: unrecognized char: ,\n']);
  assert.equal(a.proceed, false);
  const b = parseCrashkernel('crashkernel=256M crashkernel=64M,cma', ram, V['7.2'].crashkernel);
  assert.deepEqual([b.size, b.proceed, b.printk.length], [256n * M, true, 0]);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=100M@0x60000000,high', ram, V['6.12'].crashkernel)), ['crashkernel: unrecognized char: @\n']);
  const c = parseCrashkernel('crashkernel=512M,high', ram, V['5.10'].crashkernel);
  assert.deepEqual([c.ret, c.proceed, c.printk.length], [EINVAL, false, 0]);
  const d = parseCrashkernel('crashkernel=512M,high', ram, V['6.1'].crashkernel);
  assert.deepEqual([d.size, d.lowSize, d.high, d.proceed], [512n * M, 0n, true, true]);
  const e = parseCrashkernel('crashkernel=512M,high', ram, V['6.12'].crashkernel);
  assert.deepEqual([e.size, e.lowSize, e.high, e.ret], [512n * M, 128n * M, true, 0]);
  const f = parseCrashkernel('crashkernel=512M,high crashkernel=0,low', ram, V['7.2'].crashkernel);
  assert.deepEqual([f.lowSize, f.proceed], [0n, true]);
  const g = parseCrashkernel('crashkernel=8G', ram, V['6.12'].crashkernel);
  assert.deepEqual([g.ret, g.printk.length], [EINVAL, 0]);
  // This session: 7.2 `crashkernel=M` → "memory value expected"; 6.12 silent. 7.2 `crashkernel=1-:1@` (2 GiB).
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=M', 2n * G, V['7.2'].crashkernel)), ['crashkernel: memory value expected\n']);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=M', 2n * G, V['6.12'].crashkernel)), []);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=1-:1@', 2n * G, V['7.2'].crashkernel)), ["crashkernel: Memory value expected after '@'\n"]);
});

test('crashkernel: the per-generation message texts', () => {
  const at = (g: (typeof GENS)[number]): string[] => fmts(parseCrashkernel('crashkernel=1-:1@', 2n * G, V[g].crashkernel));
  assert.deepEqual(GENS.map(at), [["Memory value expected after '@'\n"], ["Memory value expected after '@'\n"], ["crahskernel: Memory value expected after '@'\n"], ["crashkernel: Memory value expected after '@'\n"]]);
  const sz = (g: (typeof GENS)[number]): string[] => fmts(parseCrashkernel('crashkernel=1G-:x', 2n * G, V[g].crashkernel));
  assert.deepEqual(GENS.map(sz), [['Memory value expected\n'], ['Memory value expected\n'], ['crashkernel: Memory value expected\n'], ['crashkernel: Memory value expected\n']]);
  for (const g of GENS) {
    const r = parseCrashkernel('quiet', 2n * G, V[g].crashkernel);
    assert.equal(r.proceed, false);
    assert.equal(r.ret, g === '5.10' ? EINVAL : g === '6.1' ? ENOENT : EINVAL);
  }
});

test('crashkernel: range form details', () => {
  const v = V['6.1'].crashkernel;
  // 6.1+ rounds system RAM up to 128 MiB: 1.9 GiB counts as 2 GiB, so "2G-" matches.
  const ram = 2n * G - 100n * M;
  assert.equal(parseCrashkernel('crashkernel=1G-2G:64M,2G-:128M', ram, v).size, 128n * M);
  assert.equal(parseCrashkernel('crashkernel=1G-2G:64M,2G-:128M', ram, V['5.10'].crashkernel).size, 64n * M);
  // first match wins, later entries are not parsed; the offset after them is.
  const r = parseCrashkernel('crashkernel=0-:64M,garbage@0x80000000', 4n * G, v);
  assert.deepEqual([r.size, r.base, r.ret], [64n * M, 0x80000000n, 0]);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=2G-1G:64M', 4n * G, v)), ['crashkernel: end <= start\n']);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=2G:64M', 4n * G, v)), ["crashkernel: '-' expected\n"]);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=1G-2Gx:64M', 4n * G, v)), ["crashkernel: ':' expected\n"]);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=8G-:64M', 4n * G, v)), ['crashkernel size resulted in zero bytes\n']);
  assert.deepEqual(fmts(parseCrashkernel('crashkernel=0-:4G', 4n * G, v)), ['crashkernel: invalid size\n']);
  // strstr: foo.crashkernel= counts, and the last one wins.
  assert.equal(parseCrashkernel('crashkernel=64M foo.crashkernel=128M', 4n * G, v).size, 128n * M);
});

// Ported from rhkdump/kdump-utils spec/kdump-lib_spec.sh, 'get_recommend_size()': inclusive lower bound, exclusive upper bound,
// unsorted ranges. The kernel differs for 1 GiB: it checks every entry's size against RAM before matching, so
// 12345M ≥ 1 GiB is "invalid size" where kdump-utils answers 0M.
test('crashkernel: kdump-utils get_recommend_size() ranges', () => {
  const ck = 'crashkernel=4G-64G:256M,2G-4G:192M,64G-1T:512M,1T-:12345M';
  const cases: [bigint, bigint | 'invalid'][] = [[1n, 'invalid'], [2n, 192n], [64n, 512n], [1024n, 12345n], [64n * 1024n, 12345n]];
  for (const g of ['6.1', '6.12', '7.2'] as const) {
    for (const [gib, want] of cases) {
      const r = parseCrashkernel(ck, gib * G, V[g].crashkernel);
      if (want === 'invalid') assert.deepEqual([r.ret, fmts(r)], [EINVAL, ['crashkernel: invalid size\n']]);
      else assert.deepEqual([r.ret, r.size], [0, want * M], `${g} ${gib}G`);
    }
  }
});

// Ported from rhkdump/kdump-utils spec/kdumpctl_general_spec.sh: the last crashkernel= wins even after "crcrashkernel=".
test('crashkernel: kdump-utils get_grub_kernel_boot_parameter() command line', () => {
  const args = 'crashkernel=11M nvidia-drm.modeset=1 crashkernel=100M ro rhgb quiet crcrashkernel=200M crashkernel=32T-64T:128G,64T-102400T:180G fadump=on';
  const T = 1n << 40n;
  assert.deepEqual(fmts(parseCrashkernel(args, 4n * G, V['6.12'].crashkernel)), ['crashkernel: invalid size\n']);
  assert.equal(parseCrashkernel(args, 40n * T, V['6.12'].crashkernel).size, 128n * G);
  assert.equal(parseCrashkernel(args, 64n * T, V['6.12'].crashkernel).size, 180n * G);
});

test('crashkernel: properties', () => {
  const genArb = fc.constantFrom(...GENS);
  fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.bigInt({ min: 0n, max: U64 }), genArb, (s, ram, g) => {
    const r = parseCrashkernel(s, ram, V[g].crashkernel);
    return typeof r.ret === 'number' && (!r.proceed || r.size > 0n);
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'crashkernel=0123456789xKMG@-:, ,highlowcma'.split('')) }), genArb, (s, g) => {
    parseCrashkernel(s, 4n * G, V[g].crashkernel);
    return true;
  }), { numRuns: 3000 });
  const MB = fc.bigInt({ min: 1n, max: 4095n });
  fc.assert(fc.property(MB, fc.bigInt({ min: 0n, max: 1n << 20n }), genArb, (size, baseMb, g) => {
    const r = parseCrashkernel(`quiet crashkernel=${size}M@${baseMb}M`, 1n << 50n, V[g].crashkernel);
    return r.ret === 0 && r.size === size * M && r.base === baseMb * M && r.syntax === 'simple';
  }));
  fc.assert(fc.property(fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 1n, max: 1000n }), MB), { minLength: 1, maxLength: 5 }), fc.bigInt({ min: 1n, max: 2000n }), (ents, ramG) => {
    const text = ents.map(([s, len, sz]) => `${s}G-${s + len}G:${sz}M`).join(',');
    const r = parseCrashkernel(`crashkernel=${text}`, ramG * G, V['6.12'].crashkernel);
    const ram = ramG * G;
    let want: bigint | 'invalid' = 0n;
    for (const [s, len, sz] of ents) {
      if (sz * M >= ram) { want = 'invalid'; break; }
      if (ram >= s * G && ram < (s + len) * G) { want = sz * M; break; }
    }
    return want === 'invalid' ? r.ret === EINVAL : r.size === want;
  }));
});

test('next_arg: quotes, equals, dashes', () => {
  assert.deepEqual(splitCmdline('  a=1 "b=x y" c="p q" =d e -- f=2'), {
    args: [{ param: 'a', val: '1', offset: 2 }, { param: 'b', val: 'x y', offset: 6 }, { param: 'c', val: 'p q', offset: 14 }, { param: '=d', val: null, offset: 22 }, { param: 'e', val: null, offset: 25 }],
    afterDashes: 'f=2',
  });
  assert.deepEqual(nextArg('x\u00a0y', 0).param, 'x');
});

const ctx = { nrCpus: 256, rodata: { enabled: true, full: true }, kfenceEarlyInit: false, debugPagealloc: false };

test('early params: mem=, swiotlb= [QEMU 6.12/7.2 lines], cma=', () => {
  const r612 = parseEarlyParams('mem=17179869186G swiotlb=1000,3,force', ctx, V['6.12'].early);
  assert.deepEqual(fmts(r612), ['Memory limited to %lldMB\n', 'software IO TLB: area num %d.\n']);
  assert.deepEqual([r612.printk[0]!.args, r612.printk[1]!.args], [[2048n], [4]]);
  assert.deepEqual(r612.params.swiotlb, { nslabs: 1024n, nslabsFromCmdline: true, nareas: 4, force: true, noforce: false });
  const r72 = parseEarlyParams('mem=17179869184G', ctx, V['7.2'].early);
  assert.deepEqual(r72.printk[0]!.args, [17592186044415n]);
  const r510 = parseEarlyParams('swiotlb=1000,force swiotlb=noforce', ctx, V['5.10'].early);
  assert.deepEqual(r510.params.swiotlb, { nslabs: 1n, nslabsFromCmdline: true, nareas: 0, force: false, noforce: true });
  const rr = parseEarlyParams('swiotlb=100,2', ctx, V['6.1'].early);
  assert.deepEqual([rr.params.swiotlb.nslabs, fmts(rr)], [256n, ['software IO TLB: area num %d.\n', 'software IO TLB: SWIOTLB bounce buffer size roundup to %luMB']]);
  assert.deepEqual(parseEarlyParams('cma=64M@0x40000000', ctx, V['6.1'].early).params.cma, { size: 64n * M, base: 0x40000000n, limit: 0x44000000n });
  assert.deepEqual(fmts(parseEarlyParams('cma mem', ctx, V['6.1'].early)), ['cma: Config string not provided\n', "Malformed early option '%s'\n", "Malformed early option '%s'\n"]);
});

test('early params: rodata per generation', () => {
  const rd = (g: (typeof GENS)[number], val: string) => parseEarlyParams(`rodata=${val}`, ctx, V[g].early);
  assert.deepEqual(rd('6.12', 'on').params.rodata, { enabled: true, full: false });
  assert.deepEqual(rd('7.2', 'on').params.rodata, { enabled: true, full: true });
  assert.deepEqual(rd('7.2', 'noalias').params.rodata, { enabled: true, full: false });
  assert.deepEqual(fmts(rd('7.2', 'full')), ["Invalid option string for rodata: '%s'\n"]);
  assert.deepEqual(rd('5.10', 'full').params.rodata, { enabled: true, full: true });
  assert.deepEqual(fmts(rd('5.10', 'bogus')), ["Malformed early option '%s'\n"]);
});

test('early params: cpus, kfence, memblock, numa, nokaslr', () => {
  const p = parseEarlyParams('nr_cpus=2 maxcpus=abc kfence.sample-interval=100 memblock=debug numa=off debug_pagealloc=on', ctx, V['6.12'].early).params;
  assert.deepEqual([p.nrCpuIds, p.setupMaxCpus, p.kfenceEarlyInit, p.memblockDebug, p.numaOff, p.debugPagealloc], [2, 0, true, true, true, true]);
  assert.equal(parseEarlyParams('kfence.sample_interval=100', ctx, V['5.10'].early).params.kfenceEarlyInit, false);
  assert.equal(nokaslrFromCmdline('foonokaslr nokaslr', V['6.1'].early), false);
  assert.equal(nokaslrFromCmdline('foonokaslr nokaslr', V['6.12'].early), true);
  assert.equal(nokaslrFromCmdline('nokaslrx', V['5.10'].early), true);
  assert.equal(nokaslrFromCmdline('nokaslrx', V['7.2'].early), false);
  assert.equal(nokaslrFromCmdline('arm64-sw.nokaslr=1', V['7.2'].early), true);
});

test('early params: never throw', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.constantFrom(...GENS), (s, g) => {
    parseEarlyParams(s, ctx, V[g].early);
    return true;
  }), { numRuns: 1000 });
});
