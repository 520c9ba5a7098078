// Condenses a memblock=debug console log (conformance/calibration/*.memblock.log.gz) into one line per
// run of allocations from the same caller: the tool the early-allocation sizes are calibrated with.
//   npx tsx scripts/memblock-trace.ts conformance/calibration/<scenario>/<profile>.memblock.log.gz
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const file = process.argv[2];
const raw = readFileSync(file);
const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('latin1');
interface Op { op: string; caller: string; lo: bigint; hi: bigint; size: bigint; req?: string }
const ops: Op[] = [];
let pendingReq: string | undefined;
let pendingCaller: string | undefined;
for (let line of text.split('\n')) {
  line = line.replace(/^\[[ 0-9.]+\] /, '').trimEnd();
  let m = /^([a-z_.0-9]+): (\d+) bytes align=(0x[0-9a-f]+) nid=(-?\d+) from=(0x[0-9a-f]+) max_addr=(0x[0-9a-f]+) ([\w.]+)\+/.exec(line);
  if (m) {
    pendingReq = `sz=${m[2]} al=${m[3]}${m[5] !== '0x0000000000000000' ? ' from=' + BigInt(m[5]).toString(16) : ''}${!/^0x0+$|^0xf+$/.test(m[6]) ? ' max=' + BigInt(m[6]).toString(16) : ''}`;
    pendingCaller = m[7];
    continue;
  }
  m = /^(__memblock_reserve|memblock_reserve|memblock_free|memblock_phys_free|memblock_remove|memblock_free_late): \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\](?: nid=-?\d+ flags=\w+)? ([\w.]+)\+/.exec(line);
  if (m) {
    const lo = BigInt(m[2]), hi = BigInt(m[3]);
    const isAllocReserve = /reserve/.test(m[1]) && /memblock_alloc_range_nid/.test(m[4]);
    ops.push({ op: m[1].replace('__', ''), caller: isAllocReserve && pendingCaller ? pendingCaller : m[4], lo, hi, size: hi - lo + 1n, req: isAllocReserve ? pendingReq : undefined });
    if (isAllocReserve) pendingReq = pendingCaller = undefined;
    continue;
  }
  if (/NODE_DATA|Zone ranges:|cma: |crashkernel|software IO TLB: mapped|percpu: Embedded|hash table entries|Memory: /.test(line)) ops.push({ op: '>>', caller: line, lo: 0n, hi: 0n, size: 0n });
}
const hex = (v: bigint) => '0x' + v.toString(16).padStart(10, '0');
let i = 0;
while (i < ops.length) {
  const o = ops[i];
  if (o.op === '>>') { console.log(`   >> ${o.caller}`); i++; continue; }
  let j = i + 1;
  let lo = o.lo, hi = o.hi, total = o.size;
  while (j < ops.length && ops[j].op === o.op && ops[j].caller === o.caller && ops[j].req === o.req) {
    lo = ops[j].lo < lo ? ops[j].lo : lo; hi = ops[j].hi > hi ? ops[j].hi : hi; total += ops[j].size; j++;
  }
  console.log(`${o.op.padEnd(18)} ${o.caller.padEnd(34)} n=${String(j - i).padEnd(5)} [${hex(lo)}-${hex(hi)}] ${String(total).padStart(10)} ${o.req ?? ''}`);
  i = j;
}
