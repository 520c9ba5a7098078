// Tests of the conformance harness itself: the line classifier, the scenario schema, the boot stub, the fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { classifyLine, extractMemoryLines, stripTimestamp } from '../../conformance/lines.ts';
import { PROFILES, validateScenario } from '../../conformance/scenario.ts';
import { br, encodeBootStub, ldrLiteral64, movZero64 } from '../../conformance/stub.ts';
import { atFragment, editDts, sha256 } from '../../conformance/qemu.ts';
import { explainLineChange, FIXTURE_DIR, type Fixture, loadScenarios } from '../../conformance/fixture.ts';

// Excerpts of real consoles (Debian 5.10.223 and 7.2.13 on QEMU virt, 2 GiB, crashkernel=256M).
const LOG_5_10 = `[    0.000000] Booting Linux on physical CPU 0x0000000000 [0x411fd070]\r
[    0.000000] Linux version 5.10.0-32-arm64 (debian-kernel@lists.debian.org) (gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2) #1 SMP Debian 5.10.223-1 (2024-08-10)\r
[    0.000000] Machine model: linux,dummy-virt\r
[    0.000000] efi: UEFI not found.\r
[    0.000000] NUMA: No NUMA configuration found\r
[    0.000000] NUMA: Faking a node at [mem 0x0000000040000000-0x00000000bfffffff]\r
[    0.000000] NUMA: NODE_DATA [mem 0xbfbf4b00-0xbfbf6fff]\r
[    0.000000] Zone ranges:\r
[    0.000000]   DMA      [mem 0x0000000040000000-0x00000000bfffffff]\r
[    0.000000]   DMA32    empty\r
[    0.000000]   Normal   empty\r
[    0.000000] Movable zone start for each node\r
[    0.000000] Early memory node ranges\r
[    0.000000]   node   0: [mem 0x0000000040000000-0x00000000bfffffff]\r
[    0.000000] Initmem setup node 0 [mem 0x0000000040000000-0x00000000bfffffff]\r
[    0.000000] On node 0 totalpages: 524288\r
[    0.000000]   DMA zone: 8192 pages used for memmap\r
[    0.000000]   DMA zone: 0 pages reserved\r
[    0.000000]   DMA zone: 524288 pages, LIFO batch:63\r
[    0.000000] cma: Reserved 64 MiB at 0x00000000b9000000\r
[    0.000000] crashkernel reserved: 0x00000000a9000000 - 0x00000000b9000000 (256 MB)\r
[    0.000000] psci: probing for conduit method from DT.\r
[    0.000000] percpu: Embedded 33 pages/cpu s95576 r8192 d31400 u135168\r
[    0.000000] pcpu-alloc: s95576 r8192 d31400 u135168 alloc=33*4096\r
[    0.000000] pcpu-alloc: [0] 0 [0] 1 \r
[    0.000000] CPU features: detected: Kernel page table isolation (KPTI)\r
[    0.000000] Built 1 zonelists, mobility grouping on.  Total pages: 516096\r
[    0.000000] Policy zone: DMA\r
[    0.000000] Kernel command line: console=ttyAMA0 ignore_loglevel panic=-1 crashkernel=256M\r
[    0.000000] Dentry cache hash table entries: 262144 (order: 9, 2097152 bytes, linear)\r
[    0.000000] Inode-cache hash table entries: 131072 (order: 8, 1048576 bytes, linear)\r
[    0.000000] mem auto-init: stack:off, heap alloc:on, heap free:off\r
[    0.000000] Memory: 1020116K/2097152K available (11712K kernel code, 2440K rwdata, 7104K rodata, 5440K init, 597K bss, 330884K reserved, 65536K cma-reserved)\r
[    0.000000] SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=2, Nodes=1\r
[    0.020899] Mount-cache hash table entries: 4096 (order: 3, 32768 bytes, linear)\r
`;

test('classifier: every memory line of a real 5.10 console, and nothing else', () => {
  const got = LOG_5_10.split('\n').map(stripTimestamp).filter((t) => t !== '').map((t) => [classifyLine(t) ?? '-', t]);
  const kinds = got.map(([k]) => k);
  assert.deepEqual(kinds, [
    '-', '-', '-', 'efi', 'numa', 'numa', 'node-data', 'zones', 'zones', 'zones', 'zones', 'movable', 'node-ranges', 'node-ranges',
    'initmem', 'zone-debug', 'zone-debug', 'zone-debug', 'zone-debug', 'cma', 'crashkernel', '-', 'percpu', 'percpu', 'percpu', '-',
    'zones', 'zones', '-', 'hash', 'hash', '-', 'memory', '-', 'hash',
  ]);
});

test('classifier: lines of other generations and other scenarios', () => {
  const cases: [string, string | undefined][] = [
    ['NODE_DATA(0) allocated [mem 0xbfbee540-0xbfbf1d3f]', 'node-data'],
    ['OF: reserved mem: Reserved memory: No reserved-memory node in the DT', 'reserved-mem'],
    ["OF: reserved mem: Reserved memory: invalid reg property in 'badreg@50000000', skipping node.", 'reserved-mem'],
    ['Reserved memory: created CMA memory pool at 0x00000000f8000000, size 128 MiB', 'reserved-mem'],
    ['OF: fdt: Reserved memory: failed to reserve memory for node', 'reserved-mem'],
    ['  Device   empty', 'zones'],
    ['  Node 0: 0x0000000040000000', 'movable'],
    ['On node 0, zone DMA: 512 pages in unavailable ranges', 'zone-debug'],
    ['Fallback order for Node 0: 0 ', 'zones'],
    ['software IO TLB: mapped [mem 0x00000000a9600000-0x00000000a9800000] (2MB)', 'swiotlb'],
    ['crashkernel low memory reserved: 0xb8000000 - 0xc0000000 (128 MB)', 'crashkernel'],
    ['cannot allocate crashkernel (size:0x200000000)', 'crashkernel'],
    ["Malformed early option 'crashkernel'", 'crashkernel'],
    ['crahskernel: memory value expected', 'crashkernel'],
    ['OF: fdt: Reserving 1 KiB of memory at 0x... for elfcorehdr', 'elfcorehdr'],
    ['Memory limited to 3072MB', 'mem-limit'],
    ['OF: fdt: Ignoring memory range 0x40000000 - 0x40200000', 'fdt'],
    ['futex hash table entries: 512 (32768 bytes on 1 NUMA nodes, total 32 KiB, linear).', 'hash'],
    ['Kernel command line: console=ttyAMA0 crashkernel=256M', undefined],
    ['Unknown kernel command line parameters "foo.crashkernel=128M", will be passed to user space.', undefined],
    ['memblock_reserve: [0x00000000a9000000-0x00000000b8ffffff] reserve_crashkernel+0xd0/0x1a4', undefined],
    ['node 0 deferred pages initialised in 44ms', undefined],
    ['DMA: preallocated 256 KiB GFP_KERNEL pool for atomic allocations', undefined],
    ['Machine model: linux,dummy-virt', undefined],
  ];
  for (const [text, kind] of cases) assert.equal(classifyLine(text), kind, text);
});

test('extractMemoryLines stops at the Memory: line and at a panic', () => {
  const r = extractMemoryLines(LOG_5_10);
  assert.equal(r.stop, 'memory');
  assert.equal(r.lines.at(-1)?.kind, 'memory');
  assert.equal(r.lines.filter((l) => l.kind === 'hash').length, 2);
  assert.equal(r.lines[0].text, 'efi: UEFI not found.');
  const p = extractMemoryLines('[    0.000000] cma: Reserved 64 MiB at 0x00000000b9000000\n[    0.1] Kernel panic - not syncing: x\n[    0.2] Memory: 1K/2K available\n');
  assert.deepEqual(p, { lines: [{ kind: 'cma', text: 'cma: Reserved 64 MiB at 0x00000000b9000000' }], stop: 'panic' });
  assert.equal(extractMemoryLines('[    0.000000] cma: x\n').stop, 'timeout');
});

test('stripTimestamp keeps the text verbatim (trailing spaces included)', () => {
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', ' ', ':', '[', ']', '0') }), fc.nat(99999), (s, t) => {
    const line = `[${String(t).padStart(5)}.000123] ${s}\r`;
    assert.equal(stripTimestamp(line), s);
  }));
});

const VALID = {
  id: 'virt-4g-ck256m', description: 'd', machine: { memory: '4G', smp: 2 }, cmdline: 'crashkernel=256M',
};

test('scenario: defaults', () => {
  const r = validateScenario(VALID, 'virt-4g-ck256m.json');
  assert.ok(r.ok);
  assert.equal(r.value.machine.cpu, 'cortex-a57');
  assert.equal(r.value.machine.seed, 1);
  assert.equal(r.value.machine.seed, 1);
  assert.equal(r.value.machine.memoryBytes, 4n << 30n);
  assert.deepEqual(r.value.loader, { kind: 'qemu-virt' });
  assert.deepEqual(r.value.kernels, PROFILES);
  assert.equal(r.value.dts, '');
});

test('scenario: each broken field is reported by name', () => {
  const at = { kind: 'at', imageAddr: '0x40200000', dtbAddr: '0x48000000', memory: [{ base: '0x40000000', size: '0x40000000' }] };
  const cases: [Record<string, unknown>, string][] = [
    [{ id: 'Bad Id' }, 'id'],
    [{ id: 'other-name' }, 'id'],
    [{ description: '' }, 'description'],
    [{ machine: { memory: '4096', smp: 2 } }, 'machine.memory'],
    [{ machine: { memory: '4G', smp: 9 } }, 'machine.smp'],
    [{ machine: { memory: '4G', cpu: 'max; rm' } }, 'machine.cpu'],
    [{ machine: { memory: '4G', seed: -1 } }, 'machine.seed'],
    [{ machine: { memory: '4G', seed: -1 } }, 'machine.seed'],
    [{ cmdline: 'a"b' }, 'cmdline'],
    [{ dts: ['/dts-v1/;'] }, 'dts'],
    [{ memreserve: [{ base: '0x1' }] }, 'memreserve[0]'],
    [{ kernels: ['debian-4.19'] }, 'kernels'],
    [{ loader: { kind: 'uboot' } }, 'loader'],
    [{ loader: { ...at, imageAddr: '0x40210000' } }, 'loader.imageAddr'],
    [{ loader: { ...at, dtbAddr: '0x40000000' } }, 'loader.dtbAddr'],
    [{ loader: { ...at, memory: [{ base: '0x40000000', size: '0x200000000' }] } }, 'loader.memory[0]'],
    [{ loader: { ...at, memory: [] } }, 'loader.memory'],
    [{ extra: 1 }, 'extra'],
  ];
  for (const [patch, field] of cases) {
    const r = validateScenario({ ...VALID, ...patch }, 'virt-4g-ck256m.json');
    assert.ok(!r.ok, JSON.stringify(patch));
    assert.ok(r.error.some((e) => e.includes(`: ${field}: `)), `${field}: ${r.error.join(' | ')}`);
  }
  assert.ok(validateScenario({ ...VALID, loader: at }, 'virt-4g-ck256m.json').ok);
});

test('boot stub: AArch64 encodings and layout', () => {
  assert.equal(movZero64(1), 0xaa1f03e1); // mov x1, xzr
  assert.equal(br(4), 0xd61f0080); // br x4
  assert.equal(ldrLiteral64(0, 0x18), 0x580000c0); // ldr x0, .+0x18
  assert.equal(ldrLiteral64(4, 0x10), 0x58000084); // ldr x4, .+0x10
  const b = encodeBootStub(0x48000000n, 0x40200000n);
  const v = new DataView(b.buffer);
  assert.deepEqual([0, 4, 8, 12, 16, 20].map((o) => v.getUint32(o, true)), [0x580000c0, 0xaa1f03e1, 0xaa1f03e2, 0xaa1f03e3, 0x58000084, 0xd61f0080]);
  // each ldr reaches its own literal: pc + imm19*4
  assert.equal(0 + ((v.getUint32(0, true) >> 5) & 0x7ffff) * 4, 0x18);
  assert.equal(16 + ((v.getUint32(16, true) >> 5) & 0x7ffff) * 4, 0x20);
  assert.equal(v.getBigUint64(0x18, true), 0x48000000n);
  assert.equal(v.getBigUint64(0x20, true), 0x40200000n);
});

test('determinism report: a line whose numbers alone changed is explained by its deltas', () => {
  assert.equal(
    explainLineChange('NUMA: NODE_DATA [mem 0x13f7f2b00-0x13f7f4fff]', 'NUMA: NODE_DATA [mem 0x13f7f1b00-0x13f7f3fff]'),
    '0x13f7f2b00→0x13f7f1b00 (-0x1000), 0x13f7f4fff→0x13f7f3fff (-0x1000)',
  );
  assert.equal(explainLineChange('Memory: 3954164K/4194304K available (174604K reserved)', 'Memory: 3954156K/4194304K available (174612K reserved)'),
    '3954164→3954156 (-8), 174604→174612 (+8)');
  assert.equal(explainLineChange('cma: Reserved 64 MiB', 'cma: Failed to reserve 64 MiB'), undefined);
});

test('DTS edits: /memreserve/ after the header, at memory nodes replaced, bootargs set', () => {
  const dts = '/dts-v1/;\n\n/ {\n\tmemory@40000000 {\n\t\treg = <0x00 0x40000000 0x00 0x80000000>;\n\t};\n};\n';
  const e = editDts(dts, [{ base: 0x48000000n, size: 0x100000n }], '/ { x { }; };');
  assert.ok(e.startsWith('/dts-v1/;\n\n/memreserve/ 0x48000000 0x100000;\n'));
  assert.ok(e.endsWith('/ { x { }; };\n'));
  const f = atFragment(dts, [{ base: 0x40000000n, size: 0x20000000n }, { base: 0x100000000n, size: 0x40000000n }], 'console=ttyAMA0');
  assert.match(f, /\/delete-node\/ memory@40000000;/);
  assert.match(f, /memory@100000000 \{\n\t\tdevice_type = "memory";\n\t\treg = <0x1 0x0 0x0 0x40000000>;/);
  assert.match(f, /bootargs = "console=ttyAMA0";/);
});

const { scenarios, errors } = loadScenarios(sha256);

test('scenario corpus: every file valid, and the coverage the brief asks for', () => {
  assert.deepEqual(errors, []);
  assert.ok(scenarios.length >= 45, `${scenarios.length} scenarios`);
  const s = scenarios.map((l) => l.scenario);
  for (const m of ['512M', '1G', '2G', '3G', '4G', '6G', '8G', '16G']) assert.ok(s.some((x) => x.machine.memory === m), m);
  for (const n of [1, 2, 4, 8]) assert.ok(s.some((x) => x.machine.smp === n), `smp ${n}`);
  assert.ok(s.some((x) => x.machine.cpu === 'max'));
  assert.ok(s.filter((x) => x.loader.kind === 'at' && x.loader.memory.length > 1).length >= 2);
  assert.ok(s.some((x) => x.memreserve.length > 0));
  for (const p of ['dma-ranges', 'reserved-memory', 'linux,cma-default', 'alloc-ranges', 'alignment', 'no-map', 'inner-bus']) {
    assert.ok(s.some((x) => x.dts.includes(p)), p);
  }
  for (const c of ['crashkernel=256M@0 ', 'crashkernel=512M,high crashkernel=0,low', 'mem=', 'cma=0', 'swiotlb=force', 'swiotlb=1024,4']) {
    assert.ok(s.some((x) => `${x.cmdline} `.includes(c)), c);
  }
});

test('fixtures: well-formed, from the current scenario files, lines equal to their console logs', () => {
  const byId = new Map(scenarios.map((l) => [l.scenario.id, l]));
  const dirs = existsSync(FIXTURE_DIR) ? readdirSync(FIXTURE_DIR) : [];
  let n = 0;
  for (const id of dirs) {
    const ls = byId.get(id);
    assert.ok(ls, `fixtures/${id} has no scenario`);
    const dtbSha = sha256(readFileSync(join(FIXTURE_DIR, id, 'machine.dtb')));
    for (const f of readdirSync(join(FIXTURE_DIR, id)).filter((x) => x.endsWith('.json'))) {
      const fx = JSON.parse(readFileSync(join(FIXTURE_DIR, id, f), 'utf8')) as Fixture;
      const where = `${id}/${f}`;
      assert.ok((PROFILES as readonly string[]).includes(fx.profile) && f === `${fx.profile}.json`, `${where}: profile`);
      assert.equal(fx.scenario, id, where);
      assert.equal(fx.scenarioSha256, ls.sha256, `${where}: recorded from another version of the scenario file (re-record)`);
      assert.equal(fx.dtb.sha256, dtbSha, `${where}: machine.dtb sha256`);
      if (fx.dtb.input) assert.equal(sha256(readFileSync(join(FIXTURE_DIR, id, 'input.dtb'))), fx.dtb.input.sha256, `${where}: input.dtb`);
      // a kernel that panics before its console registers prints nothing at all (cmdline-unknown-too-many)
      if (fx.stop === 'memory' || fx.lines.length) assert.match(fx.kernel.banner, /^Linux version /, where);
      else assert.equal(fx.kernel.banner, '', where);
      assert.equal(fx.cpu, ls.scenario.machine.cpu, `${where}: cpu`);
      assert.equal(fx.qemu.argv[fx.qemu.argv.indexOf('-seed') + 1], String(ls.scenario.machine.seed), `${where}: -seed in the argv`);
      assert.equal(fx.qemu.argv[fx.qemu.argv.indexOf('-cpu') + 1], fx.cpu, `${where}: -cpu in the argv`);
      assert.equal(fx.loader.type, ls.scenario.loader.kind, `${where}: loader`);
      assert.equal(fx.loader.kind, fx.loader.type, `${where}: loader.kind`);
      if (fx.loader.type === 'at' && ls.scenario.loader.kind === 'at') {
        assert.equal(BigInt(fx.loader.imageAddr), ls.scenario.loader.imageAddr, `${where}: imageAddr`);
        assert.equal(BigInt(fx.loader.dtbAddr), ls.scenario.loader.dtbAddr, `${where}: dtbAddr`);
      }
      assert.ok(fx.qemu.argv.some((a) => a.includes(fx.kernel.image)), `${where}: the argv names the recorded Image`);
      const log = gunzipSync(readFileSync(join(FIXTURE_DIR, id, f.replace(/\.json$/, '.log.gz')))).toString('utf8');
      if (fx.stop !== 'memory' && !fx.lines.length) {
        // a silent boot: the kernel died before any console driver registered (replay.test.ts expects a predicted panic)
        assert.equal(log, '', `${where}: a boot without memory lines must have printed nothing`);
        n++;
        continue;
      }
      assert.ok(fx.cmdline.startsWith('console=ttyAMA0 ignore_loglevel panic=-1'), where);
      assert.equal(fx.stop, 'memory', `${where}: stop`);
      assert.ok(fx.lines.length > 0, where);
      for (const l of fx.lines) assert.equal(classifyLine(l.text), l.kind, `${where}: ${l.text}`);
      assert.equal(fx.lines.at(-1)?.kind, 'memory', where);
      assert.deepEqual(extractMemoryLines(log).lines, fx.lines, `${where}: lines differ from the console log`);
      n++;
    }
  }
  assert.ok(n > 0 || dirs.length === 0);
});
