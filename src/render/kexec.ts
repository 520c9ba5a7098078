// Renders a kexec plan (src/api/kexec.ts): the crash region after each step, the segments, the protection, the
// purgatory check and the kdump kernel's own boot, as text or as JSON (schema bootmap.kexec/1, docs/JSON.md).
import type { KexecReport } from '../api/kexec.ts';
import type { KexecLoadResult } from '../model/kexec/kexec-tools.ts';
import type { CrashState, LifecycleStep } from '../model/kexec/lifecycle.ts';
import { dmesgLines } from './dmesg.ts';

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const mib = (v: bigint): string => (v < 1048576n ? `${(Number(v) / 1024).toFixed(v % 1024n ? 1 : 0)} KiB` : `${(Number(v) / 1048576).toFixed(v % 1048576n ? 2 : 0)} MiB`);

function stateText(s: CrashState): string[] {
  return [
    ...(s.iomem.length ? s.iomem.map((l) => `    /proc/iomem ${l.trim()}`) : ['    /proc/iomem: no "Crash kernel" line']),
    `    kexec_crash_size ${s.size}, kexec_crash_loaded ${s.loaded ? 1 : 0}`,
  ];
}

function loadText(r: KexecLoadResult, out: string[]): void {
  if (!r.ok) {
    out.push(...r.printed.map((l) => `    kexec prints: ${l}`), `    why: ${r.why}`);
    return;
  }
  for (const s of [...r.segments].sort((a, b) => (a.mem < b.mem ? -1 : 1))) {
    out.push(`    ${s.name.padEnd(11)} ${hex(s.mem).padStart(12)}-${hex(s.mem + s.memsz - 1n).padEnd(12)} ${mib(s.memsz).padStart(10)}`);
  }
  if (r.free.length) out.push(`    free in the crash region: ${r.free.map((f) => `${hex(f.base)}+${mib(f.size)}`).join(', ')}`);
  out.push(`    the kdump kernel is given: ${r.usable.map((u) => `${hex(u.base)}-${hex(u.base + u.size - 1n)}`).join(', ')}; elfcorehdr ${hex(r.elfcorehdr.base)} (${r.elfcorehdr.size} bytes)`);
}

function stepText(s: LifecycleStep, out: string[]): void {
  if (s.kind === 'shrink') {
    out.push(`  echo ${s.bytes} > /sys/kernel/kexec_crash_size: ${s.ret === 0 ? 'ok' : s.error}`, `    why: ${s.why}`, ...stateText(s.state));
  } else if (s.kind === 'load') {
    out.push(`  load (${s.result.ok ? `${s.result.segments.length} segments` : 'fails'}):`);
    loadText(s.result, out);
    if (s.hypothetical) {
      out.push('    on a kernel built with KEXEC_FILE=y the kernel would place them (model only, never checked on a real run):');
      loadText(s.hypothetical, out);
    }
    out.push(...stateText(s.state));
  } else if (s.kind === 'unload') {
    out.push('  kexec -p -u: unloaded', ...stateText(s.state));
  }
}

export function renderKexecText(r: KexecReport): string {
  const out: string[] = [];
  out.push(`first kernel ${r.first.profile.name}, crash kernel ${r.crashProfile.name}, ${r.load}${r.load === 'kexec_load' ? ` (kexec-tools ${r.kexecTools})` : ''}`);
  out.push('  after boot:', ...stateText(r.boot));
  for (const s of r.steps) stepText(s, out);
  out.push(`  protection: ${r.protection.strayWrite}`);
  if (r.digest) {
    out.push(`  purgatory: sha256 over ${r.digest.regions.map((g) => `${g.name} ${hex(g.start)}+${hex(g.len)}`).join(', ')}; ${r.digest.checked ? 'checked before the kdump kernel is entered' : 'not checked (kexec -i)'}`);
    if (r.digest.unknown.length) out.push(...r.digest.unknown.map((u) => `    not computable here: ${u}`));
    for (const g of r.digest.regions) if (g.sha256) out.push(`    ${g.name}: sha256 of its bytes and zero fill ${g.sha256}`);
  }
  if (r.kdump) {
    out.push(`  kdump kernel (${r.crashProfile.name}) command line: ${r.crashCmdline}`);
    out.push(...dmesgLines(r.kdump.trace).map((l) => `    ${l.text}`));
  }
  out.push(`kdump: ${r.verdict.lives === undefined ? 'unknown' : r.verdict.lives ? 'lives' : 'dies'} — ${r.verdict.reasons.join('; ')}`);
  return `${out.join('\n')}\n`;
}

const stateJson = (s: CrashState) => ({ iomem: s.iomem, kexecCrashSize: Number(s.size), kexecCrashLoaded: s.loaded ? 1 : 0 });
const loadJson = (r: KexecLoadResult) => (r.ok
  ? {
    ok: true,
    segments: r.segments.map((s) => ({ name: s.name, mem: hex(s.mem), memsz: hex(s.memsz), bufsz: hex(s.bufsz) })),
    free: r.free.map((f) => ({ base: hex(f.base), size: hex(f.size) })),
    usableMemoryRange: r.usable.map((u) => ({ base: hex(u.base), size: hex(u.size) })),
    elfcorehdr: { base: hex(r.elfcorehdr.base), size: hex(r.elfcorehdr.size) },
  }
  : { ok: false, printed: r.printed, why: r.why });

export function kexecJson(r: KexecReport): object {
  return {
    schema: 'bootmap.kexec/1',
    first: { profile: r.first.profile.name, cmdline: r.first.cmdline },
    crashKernel: { profile: r.crashProfile.name, cmdline: r.crashCmdline },
    load: r.load,
    kexecTools: r.load === 'kexec_load' ? r.kexecTools : null,
    afterBoot: stateJson(r.boot),
    steps: r.steps.filter((s) => s.kind !== 'crash').map((s) => s.kind === 'shrink'
      ? { kind: 'shrink', bytes: Number(s.bytes), ok: s.ret === 0, errno: s.ret || null, error: s.error ?? null, why: s.why, after: stateJson(s.state) }
      : s.kind === 'load'
        ? { kind: 'load', ...loadJson(s.result), dtbBytes: Number(s.dtbBytes), hypothetical: s.hypothetical ? loadJson(s.hypothetical) : null, after: stateJson(s.state) }
        : { kind: s.kind, after: stateJson(s.state) }),
    protection: { mechanism: r.protection.mechanism, invalid: r.protection.invalid.map((x) => ({ base: hex(x.base), size: hex(x.size) })), strayWrite: r.protection.strayWrite },
    purgatory: r.digest ? { checked: r.digest.checked, regions: r.digest.regions.map((g) => ({ name: g.name, start: hex(g.start), len: hex(g.len), sha256: g.sha256 ?? null })), digest: r.digest.digest ?? null, unknown: r.digest.unknown } : null,
    kdump: {
      lives: r.verdict.lives ?? null,
      availableBytes: r.verdict.availableBytes ?? null,
      unmovableBytes: r.verdict.unmovableBytes ?? null,
      reasons: r.verdict.reasons,
      dmesg: r.kdump ? dmesgLines(r.kdump.trace).map((l) => l.text) : [],
    },
  };
}

export const renderKexecJson = (r: KexecReport): string => `${JSON.stringify(kexecJson(r), null, 2)}\n`;
