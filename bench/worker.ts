// One worker of bench/workers.ts: predicts the QEMU-virt scenario (DTB bytes given) for `ms` milliseconds.
import { parentPort, workerData } from 'node:worker_threads';
import { predict } from '../src/api/predict.ts';
import { QEMU_CMDLINE, qemuVirt4G } from './scenarios.ts';

const { ms, warmupMs } = workerData as { ms: number; warmupMs: number };
const dtb = qemuVirt4G();
const one = (): void => {
  const r = predict({ dtb: { bytes: dtb, file: 'qemu-virt.dtb' }, kernel: 'debian-6.12', cmdline: QEMU_CMDLINE });
  if (!r.ok) throw new Error('prediction failed');
};
let end = performance.now() + warmupMs;
while (performance.now() < end) one();
let n = 0;
const start = performance.now();
end = start + ms;
while (performance.now() < end) {
  one();
  n++;
}
parentPort!.postMessage({ n, ms: performance.now() - start });
