// Text-aware mutations for the command line and the kernel config: dictionary tokens, numbers, word swaps, plus byte mutations.
import type { Rng } from '../rng.ts';
import { mutateBytes } from './bytes.ts';

const HUGE = ['18446744073709551615', '18446744073709551616', '99999999999999999999999999', '0xffffffffffffffff', '0x10000000000000000',
  '0xfffffffffffff000', '9223372036854775807', '-1', '-9223372036854775808', '0777777777777777777777', '4294967296', '2147483648'];

export const CMDLINE_DICT = ['crashkernel=', 'crashkernel=', '@', ',high', ',low', ',cma', ',', '-', ':', 'K', 'M', 'G', 'T', 'P', 'E',
  'k', 'm', 'g', '0x', '0', '1', '256M', '512M', '1G', '4G', '16E', ' ', '  ', '\t', '\n', '"', "'", '=', '--', ' -- ', '\0',
  'mem=', 'cma=', 'swiotlb=', 'swiotlb=force', 'swiotlb=noforce', 'numa=off', 'numa=fake=', 'rodata=', 'rodata=full', 'rodata=off',
  'rodata=noalias', 'memblock=debug', 'debug_pagealloc=on', 'nr_cpus=', 'maxcpus=', 'memtest', 'memtest=', 'kfence.sample_interval=',
  'kasan=off', 'kvm-arm.mode=', 'nokaslr', 'foo.crashkernel=', 'crashkernel=1G-4G:128M,4G-:192M', 'crashkernel=512M,high crashkernel=64M,low',
  '"crashkernel=256M"', 'id_aa64mmfr1.vh=0', 'arm64.nopauth', 'earlycon', 'console=ttyAMA0', ...HUGE];

export const KCONFIG_DICT = ['CONFIG_', '=y', '=m', '=n', '=', '"', '\\"', '\\\\', '\\', '# CONFIG_', ' is not set', '#', '\n', '\r\n', ' ', '\t',
  '0x', '-', '-0x', 'CONFIG_ARM64_4K_PAGES=y', 'CONFIG_ARM64_16K_PAGES=y', 'CONFIG_ARM64_64K_PAGES=y', 'CONFIG_ARM64_VA_BITS=', 'CONFIG_ARM64_PA_BITS=',
  'CONFIG_PGTABLE_LEVELS=', 'CONFIG_NR_CPUS=', 'CONFIG_CMA_SIZE_MBYTES=', 'CONFIG_CMA_SIZE_PERCENTAGE=', 'CONFIG_ARCH_FORCE_MAX_ORDER=',
  'CONFIG_FORCE_MAX_ZONEORDER=', 'CONFIG_KFENCE_SAMPLE_INTERVAL=', 'CONFIG_CMDLINE="', 'CONFIG_NODES_SHIFT=', 'CONFIG_CMA_AREAS=',
  '# CONFIG_ZONE_DMA is not set', 'CONFIG_ZONE_DMA32=y', 'CONFIG_CMA_SIZE_SEL_PERCENTAGE=y', ...HUGE, '52', '48', '39', '0', '4096', '\u00e9', '\uffff'];

/** Latin-1 both ways, so every byte value survives the round trip. */
export const toText = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
};
export const fromText = (s: string): Uint8Array => {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
};

/** Positions at word edges (after a space, '=', ',', ':', '@', '-' or a newline) are where tokens start. */
function edge(rng: Rng, s: string): number {
  if (!s.length || rng.oneIn(3)) return rng.int(s.length + 1);
  const p = rng.int(s.length);
  for (let i = p; i < s.length; i++) if (' =,:@-\n'.includes(s[i]!)) return i + 1;
  return s.length;
}

function mutateString(rng: Rng, s: string, other: string, dict: readonly string[], maxLen: number): string {
  switch (rng.int(9)) {
    case 0: case 1: { // insert a dictionary token
      const at = edge(rng, s);
      return s.slice(0, at) + rng.pick(dict) + s.slice(at);
    }
    case 2: { // replace a run of digits or letters with a number
      const m = [...s.matchAll(/[0-9a-fA-FxX]+/g)];
      if (!m.length) return s + rng.pick(HUGE);
      const t = rng.pick(m);
      const n = rng.pick([...HUGE, String(rng.u32()), `0x${rng.u32().toString(16)}`, '0', '00', '0x', '']);
      return s.slice(0, t.index) + n + s.slice(t.index! + t[0].length);
    }
    case 3: { // delete a span
      const a = rng.int(s.length + 1);
      return s.slice(0, a) + s.slice(Math.min(s.length, a + rng.len(16)));
    }
    case 4: { // duplicate a word, or repeat it many times (long lines, many tokens)
      const words = s.split(/(?<=[ \n])/);
      const w = rng.pick(words) ?? '';
      const times = rng.oneIn(8) ? 1 + rng.int(2000) : 1 + rng.int(3);
      return (s + w.repeat(times)).slice(0, maxLen);
    }
    case 5: { // swap two words
      const words = s.split(' ');
      if (words.length < 2) return s;
      const i = rng.int(words.length);
      const j = rng.int(words.length);
      [words[i], words[j]] = [words[j]!, words[i]!];
      return words.join(' ');
    }
    case 6: { // splice with another corpus entry
      const a = rng.int(s.length + 1);
      const b = rng.int(other.length + 1);
      return s.slice(0, a) + other.slice(b);
    }
    case 7: { // a random printable or control character
      const at = rng.int(s.length + 1);
      return s.slice(0, at) + String.fromCharCode(rng.oneIn(4) ? rng.int(32) : 32 + rng.int(95)) + s.slice(at);
    }
    default: { // change one suffix letter or separator to another
      const at = rng.int(Math.max(1, s.length));
      return s.slice(0, at) + rng.pick(['K', 'M', 'G', 'T', 'P', 'E', ',', ':', '-', '@', ' ', '=']) + s.slice(at + 1);
    }
  }
}

export function mutateText(rng: Rng, b: Uint8Array, other: Uint8Array | undefined, maxLen: number, dict: readonly string[]): Uint8Array {
  if (rng.oneIn(6)) return mutateBytes(rng, b, other, maxLen);
  let s = toText(b);
  const o = other ? toText(other) : '';
  const n = 1 + (rng.oneIn(2) ? 0 : rng.int(3));
  for (let i = 0; i < n; i++) s = mutateString(rng, s, o, dict, maxLen);
  return fromText(s.length > maxLen ? s.slice(0, maxLen) : s);
}
