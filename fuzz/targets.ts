// The fuzz targets: each parser (and the whole predict()) run on one input, ending in a result or a typed InputError; anything thrown is a crash.
import { gunzipSync, gzipSync } from 'fflate';
import { predict, resolveKernel } from '../src/api/predict.ts';
import { kexecPlan } from '../src/api/kexec.ts';
import { renderKexecJson, renderKexecText } from '../src/render/kexec.ts';
import { formatInputError, type InputError, type Result } from '../src/inputs/errors.ts';
import {
  dtRootCells, findNode, ofDeviceIsAvailable, ofMatchBus, ofNAddrCells, ofNSizeCells, ofTranslateAddress, parseFdt, propCells, propString,
  propStrings, propU32, regEntries, OF_BUS_RULES_5_10, OF_BUS_RULES_6_1, OF_BUS_RULES_6_12, OF_BUS_RULES_7_2,
} from '../src/inputs/fdt/index.ts';
import type { FdtNode } from '../src/inputs/fdt/tree.ts';
import { readKernelImage } from '../src/inputs/image.ts';
import { kernelConfigFacts, parseKconfig } from '../src/inputs/kconfig.ts';
import { nokaslrFromCmdline, parseCrashkernel, parseEarlyParams, splitCmdline } from '../src/inputs/cmdline/index.ts';
import { cmdlineVariants, type CmdlineGeneration } from '../src/kernels/behaviors/cmdline-variants.ts';
import { PROFILE_NAMES } from '../src/kernels/profiles.ts';
import { ofDmaGetMaxCpuAddress } from '../src/model/of-address.ts';
import { printkLine } from '../src/render/printk-format.ts';
import { renderDmesg } from '../src/render/dmesg.ts';
import { renderJson } from '../src/render/json.ts';
import { renderText } from '../src/render/text.ts';
import type { Printk } from '../src/trace/events.ts';
import { mutateBytes, write32, write64, INTERESTING_32, INTERESTING_64 } from './mutators/bytes.ts';
import { mutateFdt } from './mutators/fdt.ts';
import { CMDLINE_DICT, KCONFIG_DICT, mutateText, toText, fromText } from './mutators/text.ts';
import { decodePredictInput, encodePredictInput } from './predict-input.ts';
import type { Rng } from './rng.ts';
import { parseIomem } from '../src/inputs/iomem.ts';
import { parseIort } from '../src/inputs/acpi/iort.ts';
import { parseEfiMemmap } from '../src/inputs/efi-memmap.ts';
import { parseSnapshot, snapshotToPredictOptions } from '../src/inputs/snapshot/index.ts';
import { bootParamTables } from '../src/inputs/image-params.ts';
import { parseSweepLine, sweepOptions } from '../src/sweep/scenario.ts';

export type Outcome = 'ok' | 'error';

export interface Target {
  name: TargetName;
  /** Inputs grow no larger than this. */
  maxLen: number;
  mutate(rng: Rng, input: Uint8Array, other: Uint8Array | undefined): Uint8Array;
  /** Runs one input: 'ok' for a result, 'error' for a typed InputError; throws on a crash. */
  run(input: Uint8Array): Outcome;
}

export const TARGET_NAMES = ['fdt', 'image', 'kconfig', 'cmdline', 'predict', 'iomem', 'acpi', 'efi-memmap', 'snapshot', 'sweep', 'kexec'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Thrown when a target returns something that is neither a result nor a well-formed InputError. */
export class FuzzContractError extends Error {}

const KINDS = new Set(['fdt', 'image', 'kconfig', 'cmdline', 'iomem', 'acpi', 'efi-memmap', 'snapshot', 'sweep', 'size', 'option', 'machine']);

/** A typed error has a known kind, a code, a file, an expectation, and formats as one line. */
export function checkInputError(e: InputError, kind?: string): void {
  if (!e || typeof e !== 'object') throw new FuzzContractError(`error is not an object: ${String(e)}`);
  if (!KINDS.has(e.kind) || (kind && e.kind !== kind && e.kind !== 'option' && e.kind !== 'machine')) throw new FuzzContractError(`bad error kind ${e.kind}`);
  if (typeof e.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(e.code)) throw new FuzzContractError(`bad error code ${String(e.code)}`);
  if (typeof e.file !== 'string' || typeof e.expected !== 'string') throw new FuzzContractError('error without file or expectation');
  if (e.offset !== undefined && (!Number.isSafeInteger(e.offset) || e.offset < 0)) throw new FuzzContractError(`bad error offset ${e.offset}`);
  const line = formatInputError(e);
  if (line.includes('\n')) throw new FuzzContractError(`error message spans lines: ${JSON.stringify(line.slice(0, 200))}`);
}

function outcome<T>(r: Result<T>, kind?: string): Outcome {
  if (r === null || typeof r !== 'object' || typeof r.ok !== 'boolean') throw new FuzzContractError('not a Result');
  if (r.ok) return 'ok';
  checkInputError(r.error, kind);
  return 'error';
}

const STRING_PROPS = new Set(['compatible', 'status', 'device_type', 'bootargs', 'enable-method', 'stdout-path']);
const ALL_RULES = [OF_BUS_RULES_5_10, OF_BUS_RULES_6_1, OF_BUS_RULES_6_12, OF_BUS_RULES_7_2];

// ---- DTB: parseFdt, then every accessor the model uses --------------------------------------------

function runFdt(bytes: Uint8Array): Outcome {
  const r = parseFdt(bytes, 'fuzz.dtb');
  if (!r.ok) return outcome(r, 'fdt');
  const fdt = r.value;
  const root = dtRootCells(fdt);
  // One generation's bus rules per input (chosen by its length) keeps the rate up; over many inputs all four run.
  const rules = ALL_RULES[bytes.length & 3]!;
  const stack: FdtNode[] = [fdt.root];
  while (stack.length) {
    const node = stack.pop()!;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    findNode(fdt, node.path);
    for (const p of node.props) {
      propU32(node, p.name);
      propCells(p);
      // The string accessors on the properties the model reads as strings.
      if (STRING_PROPS.has(p.name)) {
        propString(node, p.name);
        propStrings(node, p.name);
      }
    }
    const own = { addrCells: ofNAddrCells(node), sizeCells: ofNSizeCells(node) };
    for (const prop of ['reg', 'alloc-ranges', 'linux,usable-memory-range']) {
      const re = regEntries(fdt, node, own, prop);
      if (!re.ok) outcome(re, 'fdt');
    }
    if (node.parent === fdt.root) {
      // The early flat-tree scan reads memory banks with the root's cells.
      const re = regEntries(fdt, node, root);
      if (!re.ok) outcome(re, 'fdt');
    }
    ofDeviceIsAvailable(node, rules);
    ofMatchBus(node, rules);
    const reg = node.props.find((p) => p.name === 'reg');
    if (reg && node.parent) {
      const cells = propCells(reg);
      if (own.addrCells >= 1 && own.addrCells <= 4 && cells.length >= own.addrCells) ofTranslateAddress(node, cells.slice(0, own.addrCells), rules);
    }
  }
  ofDmaGetMaxCpuAddress(fdt, rules);
  return 'ok';
}

// ---- kernel image: raw, gzip, zboot --------------------------------------------------------------

function mutateImage(rng: Rng, b: Uint8Array, other: Uint8Array | undefined, maxLen: number): Uint8Array {
  const isGzip = b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
  const isZboot = b.length > 64 && b[0] === 0x4d && b[1] === 0x5a && toText(b.subarray(4, 8)) === 'zimg';
  if (isGzip && rng.oneIn(2)) {
    try {
      return gzipSync(mutateImage(rng, gunzipSync(b), other, maxLen), { level: 1 });
    } catch {
      return mutateBytes(rng, b, other, maxLen);
    }
  }
  if (isZboot && rng.oneIn(2)) {
    const c = b.slice();
    const f = rng.pick([8, 12, 24, 28]);
    if (f === 24) c.set(fromText(rng.pick(['gzip\0', 'lzma\0', 'zstd\0', 'gzip', 'gzi'])), 24);
    else write32(c, f, rng.oneIn(2) ? rng.pick(INTERESTING_32) : (new DataView(c.buffer).getUint32(f, true) + rng.int(33) - 16) >>> 0, true);
    return c;
  }
  if (!isGzip && !isZboot && b.length >= 64 && rng.oneIn(3)) {
    const c = b.slice();
    const f = rng.pick([8, 16, 24, 56]);
    if (f === 56) write32(c, 56, rng.pick([0x644d5241, 0, 0x41524d64]), true);
    else write64(c, f, rng.pick(INTERESTING_64), true);
    return c;
  }
  return mutateBytes(rng, b, other, maxLen);
}

function runImage(bytes: Uint8Array): Outcome {
  const r = readKernelImage(bytes, 'Image');
  if (r.ok) {
    const v = r.value.info;
    if (!Number.isInteger(v.version.major) || !Number.isInteger(v.version.minor) || !Number.isInteger(v.version.patch)) {
      throw new FuzzContractError(`version not integral: ${JSON.stringify(v.version)}`);
    }
    // the parameter tables: found or not, never an exception; what they hold is printable
    const t = bootParamTables(r.value.raw);
    if (t && [...t.setup.map((p) => p.str), ...t.params].some((n) => !/^[\x21-\x7e]+$/.test(n))) throw new FuzzContractError('a parameter name that is not printable');
  }
  return outcome(r, 'image');
}

// ---- kernel config -------------------------------------------------------------------------------

function runKconfig(bytes: Uint8Array): Outcome {
  const text = toText(bytes);
  const r = parseKconfig(text, 'config');
  if (!r.ok) return outcome(r, 'kconfig');
  const f = kernelConfigFacts(r.value, 'config');
  if (!f.ok) return outcome(f, 'kconfig');
  return outcome(resolveKernel(PROFILE_NAMES[bytes.length & 3], { text, file: 'config' }));
}

// ---- command line: crashkernel= for each generation, the early params ------------------------------

const GENERATIONS: CmdlineGeneration[] = ['5.10', '6.1', '6.12', '7.2'];
const SYSTEM_RAM = [4n << 30n, 0n, (1n << 64n) - 1n, 128n << 20n];
const EARLY_CTX = { nrCpus: 256, rodata: { enabled: true, full: true }, kfenceEarlyInit: true, debugPagealloc: false };

function formatAll(pk: readonly Printk[]): void {
  for (const p of pk) printkLine(p.fmt, p.args);
}

function runCmdline(bytes: Uint8Array): Outcome {
  const s = toText(bytes);
  splitCmdline(s);
  for (const [gi, g] of GENERATIONS.entries()) {
    const v = cmdlineVariants[g];
    {
      // One system RAM size per generation and input (rotating with the length): all four sizes over many inputs.
      const req = parseCrashkernel(s, SYSTEM_RAM[(bytes.length + gi) & 3]!, v.crashkernel);
      if (typeof req.size !== 'bigint' || req.size < 0n || req.base < 0n || req.lowSize < 0n) {
        throw new FuzzContractError(`crashkernel request out of range: size ${req.size} base ${req.base} low ${req.lowSize}`);
      }
      formatAll(req.printk);
    }
    const e = parseEarlyParams(s, EARLY_CTX as never, v.early);
    formatAll(e.printk);
    nokaslrFromCmdline(s, v.early);
  }
  return 'ok';
}

// ---- the whole predict(): a fuzzed DTB and a fuzzed command line -----------------------------------

function mutatePredict(rng: Rng, b: Uint8Array, other: Uint8Array | undefined, maxLen: number): Uint8Array {
  const p = decodePredictInput(b);
  const o = other ? decodePredictInput(other) : undefined;
  const k = rng.int(8);
  if (k < 5) p.dtb = mutateFdt(rng, p.dtb, o?.dtb, maxLen);
  else if (k < 7) p.cmdline = toText(mutateText(rng, fromText(p.cmdline), o ? fromText(o.cmdline) : undefined, 4096, CMDLINE_DICT));
  else p.flags = rng.u32() & 0xff;
  return encodePredictInput(p);
}

function runPredict(bytes: Uint8Array): Outcome {
  const p = decodePredictInput(bytes);
  const r = predict({
    dtb: { bytes: p.dtb, file: 'fuzz.dtb' },
    kernel: PROFILE_NAMES[p.flags & 3],
    cmdline: p.flags & 4 ? p.cmdline : undefined,
    loader: p.flags & 8 ? { type: 'at', imageAddr: 0x40200000n, dtbAddr: 0x48000000n } : undefined,
  });
  if (r.ok) {
    renderDmesg(r.value.trace);
    renderText(r.value);
    renderJson(r.value);
  }
  return outcome(r);
}

// ---- the crash region's later life: shrink, load, the kdump DTB and the kdump kernel's boot on a fuzzed machine ----

function runKexec(bytes: Uint8Array): Outcome {
  const p = decodePredictInput(bytes);
  const shrinkTo = BigInt((p.flags >> 4) & 15) << 24n; // 0..240 MiB
  const r = kexecPlan({
    first: { dtb: { bytes: p.dtb, file: 'fuzz.dtb' }, kernel: PROFILE_NAMES[p.flags & 3], cmdline: p.flags & 4 ? p.cmdline : undefined },
    crashKernel: PROFILE_NAMES[(p.flags >> 2) & 3],
    initrd: p.flags & 8 ? { size: BigInt(p.cmdline.length) << 12n } : undefined,
    shrink: shrinkTo ? [shrinkTo] : [],
    load: p.flags & 0x100 ? 'kexec_file_load' : 'kexec_load',
  });
  if (r.ok) {
    renderKexecText(r.value);
    renderKexecJson(r.value);
  }
  return outcome(r);
}

// ---- the later inputs: /proc/iomem, the IORT, the efi=debug memory map, snapshot bundles, sweep lines --------

const TEXT_DICT = ['System RAM', 'reserved', 'Crash kernel', 'Kernel code', ' : ', '-', '0x', 'ffffffffffffffff', '  ', '\n', 'efi:', 'mem00:', '[Conventional|', '|WB|WT|WC|UC]', 'range=', '{"id":', '"machine":', '"ram":"4G"', '"dtb":', '"cmdline":"crashkernel=256M"', '"kind":', 'null', '}'];

function runIomem(bytes: Uint8Array): Outcome {
  return outcome(parseIomem(toText(bytes), 'iomem'), 'iomem');
}
function runAcpi(bytes: Uint8Array): Outcome {
  return outcome(parseIort(bytes, 'IORT'), 'acpi');
}
function runEfiMemmap(bytes: Uint8Array): Outcome {
  return outcome(parseEfiMemmap(toText(bytes), 'dmesg'), 'efi-memmap');
}
function runSnapshot(bytes: Uint8Array): Outcome {
  const r = parseSnapshot(bytes, 'bundle');
  if (!r.ok) return outcome(r, 'snapshot');
  const o = snapshotToPredictOptions(r.value);
  if (!o.ok) return outcome(o);
  return outcome(predict(o.value));
}
function runSweep(bytes: Uint8Array): Outcome {
  const l = parseSweepLine(toText(bytes), 1);
  if (!l.ok) {
    if (typeof l.error !== 'string' || !l.error.startsWith('line 1: ')) throw new FuzzContractError('sweep error without its line');
    return 'error';
  }
  const o = sweepOptions(l.value, () => new Uint8Array(0));
  if (typeof o === 'string') return 'error';
  return outcome(predict(o));
}

export const TARGETS: Record<TargetName, Target> = {
  fdt: { name: 'fdt', maxLen: 1 << 20, mutate: (rng, b, o) => mutateFdt(rng, b, o, 1 << 20), run: runFdt },
  image: { name: 'image', maxLen: 1 << 20, mutate: (rng, b, o) => mutateImage(rng, b, o, 1 << 20), run: runImage },
  kconfig: { name: 'kconfig', maxLen: 1 << 20, mutate: (rng, b, o) => mutateText(rng, b, o, 1 << 20, KCONFIG_DICT), run: runKconfig },
  cmdline: { name: 'cmdline', maxLen: 1 << 16, mutate: (rng, b, o) => mutateText(rng, b, o, 1 << 16, CMDLINE_DICT), run: runCmdline },
  predict: { name: 'predict', maxLen: 1 << 20, mutate: (rng, b, o) => mutatePredict(rng, b, o, 1 << 20), run: runPredict },
  iomem: { name: 'iomem', maxLen: 1 << 16, mutate: (rng, b, o) => mutateText(rng, b, o, 1 << 16, TEXT_DICT), run: runIomem },
  acpi: { name: 'acpi', maxLen: 1 << 14, mutate: (rng, b, o) => mutateBytes(rng, b, o, 1 << 14), run: runAcpi },
  'efi-memmap': { name: 'efi-memmap', maxLen: 1 << 18, mutate: (rng, b, o) => mutateText(rng, b, o, 1 << 18, TEXT_DICT), run: runEfiMemmap },
  snapshot: { name: 'snapshot', maxLen: 1 << 21, mutate: (rng, b, o) => mutateText(rng, b, o, 1 << 21, TEXT_DICT), run: runSnapshot },
  sweep: { name: 'sweep', maxLen: 1 << 12, mutate: (rng, b, o) => mutateText(rng, b, o, 1 << 12, TEXT_DICT), run: runSweep },
  kexec: { name: 'kexec', maxLen: 1 << 20, mutate: (rng, b, o) => mutatePredict(rng, b, o, 1 << 20), run: runKexec },
};
