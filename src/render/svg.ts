// Draws the physical address space of a prediction as one SVG: a row per memory bank (holes between rows),
// linear within a row, every reservation the trace made drawn over it with a minimum width so a 64 MiB
// region on a 16 TiB machine stays visible; <title>s carry exact addresses and the reason.
import type { Prediction } from '../kernels/boot.ts';
import { MEMBLOCK_NOMAP } from '../model/memblock/types.ts';

interface Item {
  base: bigint;
  size: bigint;
  label: string;
  color: string;
  why: string;
  lane: number;
}

const hex = (v: bigint) => '0x' + v.toString(16);
const human = (v: bigint) => (v >= 1n << 30n ? `${Number(v) / 2 ** 30} GiB` : v >= 1n << 20n ? `${Number(v) / 2 ** 20} MiB` : `${Number(v) / 1024} KiB`);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CATEGORIES: { test: (site: string, why: string) => boolean; label: string; color: string; lane: number }[] = [
  { test: (s) => /crashkernel_low/.test(s), label: 'crash kernel (low)', color: '#d62728', lane: 0 },
  { test: (s) => /crashkernel/.test(s), label: 'crash kernel', color: '#d62728', lane: 0 },
  { test: (s) => /cma_declare|dma_contiguous/.test(s), label: 'CMA', color: '#2ca02c', lane: 0 },
  { test: (s) => /swiotlb/.test(s), label: 'swiotlb', color: '#9467bd', lane: 0 },
  { test: (s) => /arm64_memblock_init/.test(s), label: 'kernel / initrd', color: '#1f77b4', lane: 0 },
  { test: (s) => /setup_machine_fdt/.test(s), label: 'DTB', color: '#17becf', lane: 0 },
  { test: (s) => /reserved_mem|rmem|fdt_reserve|memreserve|reserve_memory/.test(s), label: '/reserved-memory', color: '#ff7f0e', lane: 0 },
  { test: (s) => /pgtable|kfence/.test(s), label: 'page tables', color: '#8c564b', lane: 1 },
  { test: (s) => /memmap|sparse|earlyonly/.test(s), label: 'memmap', color: '#e377c2', lane: 1 },
  { test: () => true, label: 'other early allocations', color: '#7f7f7f', lane: 1 },
];

function items(p: Prediction): Item[] {
  const out: Item[] = [];
  for (const e of p.trace.events) {
    if (!e.range || e.range.size <= 0n || (e.kind !== 'alloc' && e.kind !== 'reserve')) continue;
    const c = CATEGORIES.find((k) => k.test(e.site, e.why ?? ''))!;
    out.push({ base: e.range.base, size: e.range.size, label: c.label, color: c.color, why: `${e.site}: ${e.why ?? ''}`, lane: c.lane });
  }
  return out;
}

export function renderSvg(p: Prediction, opts: { width?: number } = {}): string {
  const W = opts.width ?? 960;
  const left = 150, right = 20, rowH = 46, top = 40;
  const banks = p.final.memory.slice(0, 32);
  const its = items(p);
  const page = p.profile.config.pageSize;
  const rows: string[] = [];
  const scale = (b: { base: bigint; size: bigint }, x: bigint) => left + Number(((x - b.base) * 1000000n) / (b.size || 1n)) / 1000000 * (W - left - right);
  banks.forEach((b, i) => {
    const y = top + i * rowH;
    const nomap = (b.flags & MEMBLOCK_NOMAP) !== 0;
    rows.push(`<text x="4" y="${y + 14}" font-size="11">${hex(b.base)}</text><text x="4" y="${y + 27}" font-size="10" fill="#555">${human(b.size)}${nomap ? ' NOMAP' : ''}</text>`);
    rows.push(`<rect class="bank" x="${left}" y="${y}" width="${W - left - right}" height="30" fill="${nomap ? '#eee' : '#f7f7f7'}" stroke="#999"><title>memory [${hex(b.base)}-${hex(b.base + b.size)}) ${human(b.size)}${nomap ? ' (NOMAP: not mapped, not allocatable)' : ''}</title></rect>`);
    for (const z of p.zones ?? []) {
      const zs = z.startPfn * page, ze = z.endPfn * page;
      const lo = zs > b.base ? zs : b.base, hi = ze < b.base + b.size ? ze : b.base + b.size;
      if (hi <= lo) continue;
      const x0 = scale(b, lo), x1 = scale(b, hi);
      const color = z.name === 'DMA' ? '#c6dbef' : z.name === 'DMA32' ? '#c7e9c0' : '#fdd0a2';
      rows.push(`<rect class="zone" x="${x0.toFixed(2)}" y="${y + 31}" width="${Math.max(1, x1 - x0).toFixed(2)}" height="5" fill="${color}"><title>ZONE_${z.name.toUpperCase()} [${hex(zs)}-${hex(ze)})</title></rect>`);
    }
    for (const it of its) {
      const lo = it.base > b.base ? it.base : b.base, hi = it.base + it.size < b.base + b.size ? it.base + it.size : b.base + b.size;
      if (hi <= lo) continue;
      const x0 = scale(b, lo), w = Math.max(3, scale(b, hi) - x0);
      rows.push(`<rect class="item" data-label="${esc(it.label)}" x="${x0.toFixed(2)}" y="${y + 2 + it.lane * 14}" width="${w.toFixed(2)}" height="12" fill="${it.color}" opacity="0.85"><title>${esc(it.label)} [${hex(it.base)}-${hex(it.base + it.size)}) ${human(it.size)} — ${esc(it.why)}</title></rect>`);
    }
  });
  const more = p.final.memory.length - banks.length;
  const legendY = top + banks.length * rowH + (more > 0 ? 24 : 6);
  if (more > 0) rows.push(`<text x="${left}" y="${legendY - 8}" font-size="11">… ${more} more memory banks not drawn</text>`);
  const seen = new Map<string, string>();
  for (const c of CATEGORIES) if (its.some((i) => i.label === c.label)) seen.set(c.label, c.color);
  let lx = left;
  for (const [label, color] of seen) {
    rows.push(`<rect x="${lx}" y="${legendY}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${legendY + 9}" font-size="11">${esc(label)}</text>`);
    lx += 24 + label.length * 6.5;
  }
  const H = legendY + 24;
  const crash = p.crash?.ok ? `crashkernel ${human(p.crash.main!.size)} at ${hex(p.crash.main!.base)}` : p.crash ? 'crashkernel fails' : 'no crashkernel';
  const title = `${p.profile.name}: ${esc(crash)}${p.dma ? `, ZONE_DMA below ${hex(p.dma.dmaPhysLimit)}` : ''}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">` +
    `<text x="4" y="20" font-size="14" font-weight="bold">${title}</text>` + rows.join('') + '</svg>\n';
}
