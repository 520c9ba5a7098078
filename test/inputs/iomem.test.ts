// /proc/iomem parser: real files from QEMU guests of the four Debian kernels (test/data/iomem, recorded by
// test/data/snapshot/record-guests.sh), their unprivileged views, bad lines one at a time, and a round-trip property.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { iomemCrashRegions, iomemKernel, iomemNomap, iomemReserved, iomemSystemRam, iomemWalk, parseIomem, type IomemNode } from '../../src/inputs/iomem.ts';
import { parseSnapshot, snapshotText } from '../../src/inputs/snapshot/index.ts';

const DATA = new URL('../data/iomem/', import.meta.url);
const read = (n: string): string => readFileSync(new URL(n, DATA), 'utf8');
const files = readdirSync(DATA).filter((n) => n.endsWith('.iomem'));

test('every recorded /proc/iomem parses; root views have one System RAM bank and the kernel inside it', () => {
  assert.ok(files.length >= 13);
  for (const f of files) {
    const r = parseIomem(read(f), f);
    assert.ok(r.ok, `${f}: ${!r.ok && JSON.stringify(r.error)}`);
    if (f.includes('unprivileged')) {
      assert.equal(r.value.zeroed, true, f);
      assert.ok([...iomemWalk(r.value.roots)].every((n) => n.start === 0n && n.end === 0n));
      continue;
    }
    assert.equal(r.value.zeroed, false, f);
    // QEMU virt -m 4G: RAM at 1 GiB (hw/arm/virt.c)
    assert.deepEqual(iomemSystemRam(r.value), [{ base: 0x40000000n, size: 4n << 30n }], f);
    const k = iomemKernel(r.value);
    // QEMU loads the Image at RAM + 2 MiB; 6.1 starts "Kernel code" at _stext, 64 KiB past _text (arch/arm64/kernel/setup.c)
    assert.equal(k.code?.base, f.startsWith('6.1') && !f.startsWith('6.12') ? 0x40210000n : 0x40200000n, f);
    assert.ok(k.data && k.data.base > k.code!.base);
    assert.deepEqual(iomemNomap(r.value), [], f);
    assert.ok(iomemReserved(r.value).length > 3);
    assert.equal(iomemCrashRegions(r.value).length, f.includes('crash512M-high') && !f.startsWith('6.1-') ? 2 : f.includes('crash') ? 1 : 0, f);
  }
});

test('the unprivileged view has the same shape as the root view of the same boot', () => {
  for (const [u, root] of [['6.12-crash256M-unprivileged.iomem', '6.12-crash256M.iomem'], ['5.10-unprivileged.iomem', '5.10.iomem']]) {
    const a = parseIomem(read(u));
    const b = parseIomem(read(root));
    assert.ok(a.ok && b.ok);
    const shape = (ns: readonly IomemNode[]): string[] => [...iomemWalk(ns)].map((n) => `${n.depth}:${n.name}`);
    // reserved ranges near the top of RAM vary between boots; the device and RAM lines do not
    assert.deepEqual(shape(a.value.roots).filter((s) => !s.endsWith(':reserved')), shape(b.value.roots).filter((s) => !s.endsWith(':reserved')));
  }
});

test('the crash regions /proc/iomem shows are the ones the same boot printed in dmesg', () => {
  const bundles = new URL('../data/snapshot/bundles/', import.meta.url);
  let checked = 0;
  for (const f of readdirSync(bundles).filter((n) => n.endsWith('.json'))) {
    const s = parseSnapshot(readFileSync(new URL(f, bundles)), f);
    assert.ok(s.ok);
    const io = parseIomem(snapshotText(s.value, 'iomem')!);
    assert.ok(io.ok);
    const printed = [...snapshotText(s.value, 'dmesg')!.matchAll(/crashkernel (?:low memory )?reserved: 0x([0-9a-f]+) - 0x([0-9a-f]+)/g)]
      .map((m) => ({ base: BigInt(`0x${m[1]}`), size: BigInt(`0x${m[2]}`) - BigInt(`0x${m[1]}`) }));
    const key = (r: { base: bigint }) => r.base;
    assert.deepEqual(iomemCrashRegions(io.value).sort((a, b) => Number(key(a) - key(b))), printed.sort((a, b) => Number(key(a) - key(b))), f);
    checked += printed.length;
  }
  assert.ok(checked >= 5);
});

const GOOD = read('6.12-crash256M.iomem');
const lineOffset = (text: string, n: number): number => text.split('\n').slice(0, n - 1).reduce((a, l) => a + l.length + 1, 0);

test('bad lines: one break at a time, each with its code, line and offset', () => {
  const lines = GOOD.split('\n');
  const cases: [number, (l: string) => string, string][] = [
    [3, () => 'garbage', 'IOMEM_BAD_LINE'],
    [4, (l) => ` ${l}`, 'IOMEM_BAD_INDENT'],
    [2, (l) => `  ${l}`, 'IOMEM_BAD_INDENT'],
    [10, (l) => l.replace('40000000-13fffffff', '50000000-4fffffff'), 'IOMEM_BAD_RANGE'],
    [11, (l) => l.replace('40200000', '30200000'), 'IOMEM_NOT_NESTED'],
    [13, (l) => l.replace(/^ {2}[0-9a-f]+/, '  41f30000'), 'IOMEM_OVERLAP'],
    [1, (l) => l.replace('09000000', '1234567890abcdef01'), 'IOMEM_BAD_RANGE'],
  ];
  for (const [n, edit, code] of cases) {
    const text = lines.map((l, i) => (i === n - 1 ? edit(l) : l)).join('\n');
    const r = parseIomem(text, 'x');
    assert.ok(!r.ok, `line ${n} → ${code}`);
    assert.equal(r.error.code, code, `line ${n}`);
    assert.equal(r.error.field, `line ${n}`);
    assert.ok(r.error.offset! >= lineOffset(text, n) && r.error.offset! <= lineOffset(text, n) + 4, `offset of line ${n}`);
  }
  const empty = parseIomem('', 'x');
  assert.ok(!empty.ok && empty.error.code === 'IOMEM_EMPTY');
});

/** Prints a tree as r_show() does (depth × 2 spaces, %0*llx with width 8). */
function print(nodes: readonly IomemNode[]): string {
  return [...iomemWalk(nodes)].map((n) => `${' '.repeat(n.depth * 2)}${n.start.toString(16).padStart(8, '0')}-${n.end.toString(16).padStart(8, '0')} : ${n.name}\n`).join('');
}

const tree = (lo: bigint, hi: bigint, depth: number): fc.Arbitrary<IomemNode[]> =>
  fc.array(fc.tuple(fc.bigInt(0n, 100n), fc.bigInt(1n, 100n), fc.constantFrom('System RAM', 'reserved', 'Crash kernel', 'pcie@10000000'), fc.boolean()), { maxLength: depth > 2 ? 0 : 4 })
    .chain((parts) => {
      let at = lo;
      const spans: [bigint, bigint, string, boolean][] = [];
      for (const [gap, len, name, kids] of parts) {
        const s = at + gap;
        const e = s + len * 0x1000n - 1n;
        if (e >= hi) break;
        spans.push([s, e, name, kids]);
        at = e + 1n;
      }
      return fc.tuple(...spans.map(([s, e, name, kids]) => (kids ? tree(s, e + 1n, depth + 1) : fc.constant([] as IomemNode[])).map((children) => ({
        start: s, end: e, base: s, size: e - s + 1n, name, depth, line: 0, children,
      }))));
    });

test('property: printing a resource tree as the kernel does and parsing it gives the tree back', () => {
  fc.assert(fc.property(tree(0x40000000n, 0x80000000n, 0).filter((t) => t.length > 0), (t) => {
    const r = parseIomem(print(t));
    assert.ok(r.ok);
    const strip = (ns: readonly IomemNode[]): unknown => ns.map((n) => ({ s: n.start, e: n.end, name: n.name, d: n.depth, c: strip(n.children) }));
    assert.deepEqual(strip(r.value.roots), strip(t));
    assert.equal(print(r.value.roots), print(t));
  }), { numRuns: 200 });
});
