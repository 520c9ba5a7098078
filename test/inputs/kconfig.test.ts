// Kernel config parser: the four Debian configs (extracts kept in test/data/kconfig, full files when cached) and bad lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { kernelConfigFacts, parseKconfig } from '../../src/inputs/kconfig.ts';

const DATA = new URL('../data/kconfig/', import.meta.url);
const CASES = [
  { file: 'config-5.10.0-32-arm64', suite: 'bullseye', cpus: 256, zoneDevice: false, rodataFull: true, va: 48, pa: 48, levels: 4, maxOrder: 11, opt: 'FORCE_MAX_ZONEORDER', kfence: false, crashReserve: false, lpa2: false, bounce: false },
  { file: 'config-6.1.0-50-arm64', suite: 'bookworm', cpus: 256, zoneDevice: false, rodataFull: true, va: 48, pa: 48, levels: 4, maxOrder: 11, opt: 'ARCH_FORCE_MAX_ORDER', kfence: false, crashReserve: false, lpa2: false, bounce: false },
  { file: 'config-6.12.117+deb13-arm64', suite: 'trixie', cpus: 512, zoneDevice: true, rodataFull: true, va: 52, pa: 52, levels: 5, maxOrder: 10, opt: 'ARCH_FORCE_MAX_ORDER', kfence: true, crashReserve: true, lpa2: true, bounce: true },
  { file: 'config-7.2.13+deb14-arm64', suite: 'sid', cpus: 512, zoneDevice: true, rodataFull: false, va: 52, pa: 52, levels: 5, maxOrder: 10, opt: 'ARCH_FORCE_MAX_ORDER', kfence: true, crashReserve: true, lpa2: true, bounce: true },
] as const;

for (const c of CASES) {
  const full = `${homedir()}/.cache/arm64-kernels/${c.suite}/${c.file}`;
  const sources: [string, string | null][] = [
    ['extract', readFileSync(new URL(`${c.file}.extract`, DATA), 'utf8')],
    ['full', existsSync(full) ? readFileSync(full, 'utf8') : null],
  ];
  for (const [label, text] of sources) {
    test(`kconfig: ${c.file} (${label})`, { skip: text === null ? `${full} not cached` : false }, () => {
      const cfg = parseKconfig(text!, c.file);
      assert.ok(cfg.ok, cfg.ok ? '' : JSON.stringify(cfg.error));
      const f = kernelConfigFacts(cfg.value, c.file);
      assert.ok(f.ok);
      const v = f.value;
      assert.equal(v.pageSize, 4096);
      assert.equal(v.vaBits, c.va);
      assert.equal(v.paBits, c.pa);
      assert.equal(v.pgtableLevels, c.levels);
      assert.equal(v.nrCpus, c.cpus);
      assert.equal(v.numa, true);
      assert.equal(v.nodesShift, 4);
      assert.equal(v.zoneDma && v.zoneDma32, true);
      assert.equal(v.zoneDevice, c.zoneDevice);
      assert.equal(v.cma && v.dmaCma, true);
      assert.equal(v.cmaSizeMbytes, 64);
      assert.equal(v.cmaSizeSel, 'mbytes');
      assert.equal(v.kexec, true);
      assert.equal(v.kexecFile, false);
      assert.equal(v.crashDump, true);
      assert.equal(v.crashReserve, c.crashReserve);
      assert.equal(v.maxOrder, c.maxOrder);
      assert.equal(v.maxOrderOption, c.opt);
      assert.equal(v.kfence, c.kfence);
      if (c.kfence) assert.equal(v.kfenceSampleInterval, 0);
      assert.equal(v.arm64Lpa2, c.lpa2);
      assert.equal(v.dmaBounceUnalignedKmalloc, c.bounce);
      assert.equal(v.rodataFullDefaultEnabled, c.rodataFull);
      assert.equal(v.randomizeBase, true);
      assert.equal(v.sparsememVmemmap, true);
      assert.equal(v.deferredStructPageInit, true);
      assert.equal(v.debugPagealloc, false);
      assert.equal(v.cmdline, '');
      assert.equal(v.cmdlineForce, false);
    });
  }
}

test('kconfig: values, not-set lines, strings with escapes', () => {
  const r = parseKconfig('# c\n\nCONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_D=0x10\nCONFIG_E=-3\nCONFIG_F="a \\"q\\" b"\r\n', 'c');
  assert.ok(r.ok);
  assert.deepEqual([...r.value.values], [['A', 'y'], ['B', 'm'], ['C', 'n'], ['D', { num: 16n }], ['E', { num: -3n }], ['F', { str: 'a "q" b' }]]);
});

test('kconfig: garbage lines fail with line number and offset', () => {
  const bad = (text: string, code: string, line: number, offset: number): void => {
    const r = parseKconfig(text, 'cfg');
    assert.ok(!r.ok);
    assert.deepEqual([r.error.code, r.error.field, r.error.offset], [code, `line ${line}`, offset]);
  };
  bad('CONFIG_A=y\nhello\n', 'KCONFIG_BAD_LINE', 2, 11);
  bad('CONFIG_A=y\nCONFIG_B=yes\n', 'KCONFIG_BAD_VALUE', 2, 11);
  bad('CONFIG_A="open\n', 'KCONFIG_BAD_VALUE', 1, 0);
  bad('CONFIG_A="x"y"\n', 'KCONFIG_BAD_VALUE', 1, 0);
  bad('\n\nCONFIG-A=y', 'KCONFIG_BAD_LINE', 3, 2);
});

test('kconfig: facts need an arm64 config', () => {
  const r = parseKconfig('CONFIG_X86=y\n', 'x86');
  assert.ok(r.ok);
  const f = kernelConfigFacts(r.value, 'x86');
  assert.ok(!f.ok);
  assert.equal(f.error.code, 'KCONFIG_MISSING');
});
