// Prints the model's boot trace for a conformance fixture (every memblock event with its range and reason),
// to set beside scripts/memblock-trace.ts output of the same scenario's calibration boot.
//   npx tsx scripts/model-trace.ts <scenario> <profile>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { predict } from '../src/api/predict.ts';
import { printkLine } from '../src/render/printk-format.ts';

const [scenario, profile] = process.argv.slice(2);
const dir = join('conformance/fixtures', scenario);
const f = JSON.parse(readFileSync(join(dir, `${profile}.json`), 'utf8'));
const argv: string[] = f.qemu.argv;
const cpu = argv.includes('-cpu') ? argv[argv.indexOf('-cpu') + 1] : undefined;
const loader = f.loader.kind === 'at' ? { type: 'at' as const, imageAddr: BigInt(f.loader.imageAddr), dtbAddr: BigInt(f.loader.dtbAddr) } : { type: 'qemu-virt' as const };
const r = predict({ dtb: { bytes: new Uint8Array(readFileSync(join(dir, f.dtb.file))), file: f.dtb.file }, kernel: profile, loader, cpu });
if (!r.ok) throw new Error(JSON.stringify(r.error));
const hex = (v: bigint) => '0x' + v.toString(16).padStart(10, '0');
for (const e of r.value.trace.events) {
  if (e.printk) console.log(`   >> ${printkLine(e.printk.fmt, e.printk.args)}`);
  else if (e.range) console.log(`${e.kind.padEnd(10)} ${e.site.padEnd(34)} [${hex(e.range.base)}-${hex(e.range.base + e.range.size - 1n)}] ${String(e.range.size).padStart(10)} ${e.why ?? ''}`);
}
