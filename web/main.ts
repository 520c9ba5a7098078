// The page: the model runs here, in the browser (src/index.ts has no Node imports). Pick a QEMU virt preset
// or drop a DTB, type a command line, tick kernels: each kernel's map, memory lines and reasons update live,
// and the lines that differ between the first two ticked kernels are shown. URL parameters (preset, ram, smp,
// cmdline, kernels) set the form, so a link reproduces a view.
import { predict, PROFILE_NAMES, dmesgLines, type Prediction } from '../src/index.ts';
import { kexecPlan } from '../src/api/kexec.ts';
import type { PredictOptions } from '../src/api/predict.ts';
import { renderSvg } from '../src/render/svg.ts';
import { explainPrediction } from '../src/render/explain.ts';
import { diffPredictions } from '../src/render/diff.ts';
import { parseSize } from '../src/api/sizes.ts';
import { formatInputError } from '../src/inputs/errors.ts';
import { unknownWordsFinding } from '../src/check/unknown-words.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
let dtb: { bytes: Uint8Array; file: string } | undefined;

// Machine presets the model can build without a file (src/inputs/machines/qemu-virt.ts); -cpu max implements LPA2.
const PRESETS: Record<string, { label: string; ram: string; smp: number; cpu?: string }> = {
  'virt-4g': { label: 'QEMU virt, 4 GiB, 2 CPUs', ram: '4G', smp: 2 },
  'virt-2g': { label: 'QEMU virt, 2 GiB, 2 CPUs', ram: '2G', smp: 2 },
  'virt-16g': { label: 'QEMU virt, 16 GiB, 8 CPUs', ram: '16G', smp: 8 },
  'virt-4g-max': { label: 'QEMU virt, 4 GiB, 4 CPUs, -cpu max (LPA2)', ram: '4G', smp: 4, cpu: 'max' },
};
let cpu: string | undefined;

function pickPreset(id: string): void {
  const p = PRESETS[id];
  if (!p) return;
  dtb = undefined;
  cpu = p.cpu;
  $<HTMLSelectElement>('preset').value = id;
  $<HTMLInputElement>('ram').value = p.ram;
  $<HTMLInputElement>('smp').value = String(p.smp);
  $('source').textContent = p.label;
}

function params(): void {
  const q = new URLSearchParams(location.search);
  if (q.get('preset')) pickPreset(q.get('preset')!);
  if (q.get('ram')) $<HTMLInputElement>('ram').value = q.get('ram')!;
  if (q.get('smp')) $<HTMLInputElement>('smp').value = q.get('smp')!;
  if (q.get('cmdline') !== null) $<HTMLInputElement>('cmdline').value = q.get('cmdline')!;
  const ks = q.get('kernels');
  if (ks) for (const k of PROFILE_NAMES) $<HTMLInputElement>(`k-${k}`).checked = ks.split(',').includes(k);
}

/** After boot: `kexec -p` into the crash region with Debian's kdump command line, and whether the kdump kernel lives. */
function kdumpLine(o: PredictOptions, p: Prediction): string {
  if (!p.crash?.ok) return '';
  const k = kexecPlan({ first: o });
  if (!k.ok) return '';
  const v = k.value.verdict;
  const load = k.value.steps.find((s) => s.kind === 'load');
  const segs = load?.kind === 'load' && load.result.ok ? load.result.segments.map((s) => `${s.name} 0x${s.mem.toString(16)}`).join(', ') : '';
  return `<p class="kdump ${v.lives === false ? 'dies' : 'lives'}">kdump kernel: <b>${v.lives === undefined ? 'unknown' : v.lives ? 'lives' : 'dies'}</b> — ${esc(v.reasons[0] ?? '')}${segs ? `<br><small>kexec -p: ${esc(segs)}</small>` : ''}</p>`;
}

/** The command-line words this kernel hands to init (bootmap check's UNKNOWN_PARAMS), with any did-you-mean. */
function unknownLine(p: Prediction): string {
  const f = unknownWordsFinding(p);
  if (!f) return '';
  return `<p class="unknown ${f.level}">${esc(f.message)}<br><small>${f.evidence.map(esc).join('<br>')}</small></p>`;
}

function update(): void {
  const cmdline = $<HTMLInputElement>('cmdline').value;
  const kernels = PROFILE_NAMES.filter((k) => $<HTMLInputElement>(`k-${k}`).checked);
  const out = $('results');
  const preds: Prediction[] = [];
  const parts: string[] = [];
  for (const kernel of kernels) {
    let o: PredictOptions;
    if (dtb) o = { dtb, kernel, cmdline: cmdline || undefined };
    else {
      const ram = parseSize($<HTMLInputElement>('ram').value, 'RAM');
      if (!ram.ok) { out.innerHTML = `<p class="err">${esc(formatInputError(ram.error))}</p>`; return; }
      o = { machine: { type: 'qemu-virt', ramBytes: ram.value, smp: Number($<HTMLInputElement>('smp').value) || 1, cpu }, kernel, cmdline };
    }
    const r = predict(o);
    if (!r.ok) { parts.push(`<section class="kernel"><h2>${kernel}</h2><p class="err">${esc(formatInputError(r.error))}</p></section>`); continue; }
    preds.push(r.value);
    parts.push(`<section class="kernel" data-kernel="${kernel}"><h2>${kernel}</h2><div class="map">${renderSvg(r.value, { width: 900 })}</div>` +
      `<pre class="lines">${dmesgLines(r.value.trace).map((l) => esc(l.text)).join('\n')}</pre>` + kdumpLine(o, r.value) + unknownLine(r.value) +
      `<details><summary>why</summary><ul>${explainPrediction(r.value).map((l) => `<li>${esc(l)}</li>`).join('')}</ul></details></section>`);
  }
  if (preds.length >= 2) {
    const d = diffPredictions(preds[0], preds[1]);
    parts.unshift(`<section id="diff"><h2>${preds[0].profile.name} → ${preds[1].profile.name}: what moved</h2><pre>${d.map((e) => `@@ ${e.kind}\n${e.a.map((t) => `- ${esc(t)}`).join('\n')}\n${e.b.map((t) => `+ ${esc(t)}`).join('\n')}`).join('\n') || '(identical)'}</pre></section>`);
  }
  out.innerHTML = parts.join('');
}

function main(): void {
  $('preset').innerHTML = Object.entries(PRESETS).map(([id, p]) => `<option value="${id}">${esc(p.label)}</option>`).join('') + '<option value="dtb" disabled>a DTB file</option>';
  pickPreset('virt-4g');
  $('kernels').innerHTML = PROFILE_NAMES.map((k) => `<label><input type="checkbox" id="k-${k}" ${k === 'debian-6.1' || k === 'debian-7.2' ? 'checked' : ''}> ${k}</label>`).join(' ');
  params();
  for (const id of ['ram', 'smp', 'cmdline']) $(id).addEventListener('input', update);
  for (const k of PROFILE_NAMES) $(`k-${k}`).addEventListener('change', update);
  const drop = $('drop');
  const load = async (f: File) => { dtb = { bytes: new Uint8Array(await f.arrayBuffer()), file: f.name }; $<HTMLSelectElement>('preset').value = 'dtb'; $('source').textContent = `DTB: ${f.name}`; update(); };
  drop.addEventListener('dragover', (e) => e.preventDefault());
  drop.addEventListener('drop', (e) => { e.preventDefault(); const f = e.dataTransfer?.files[0]; if (f) void load(f); });
  $<HTMLInputElement>('file').addEventListener('change', (e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) void load(f); });
  $('preset').addEventListener('change', () => { pickPreset($<HTMLSelectElement>('preset').value); update(); });
  update();
}

main();
