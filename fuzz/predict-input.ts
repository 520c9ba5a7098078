// The whole-predict fuzz input as one file: a DTB, a command line and a few option bits.
//   0  "BMP1"          magic
//   4  u8 flags        bits 0–1 kernel profile, bit 2 pass the command line (else /chosen/bootargs), bit 3 loader 'at'
//   5  3 bytes         reserved
//   8  u32 BE          DTB length n
//  12  n bytes         the DTB
//  12+n …              the command line, one byte per character
// A file too short or without the magic is read leniently (every byte is the DTB), so no input is wasted.

export interface PredictInput {
  flags: number;
  dtb: Uint8Array;
  cmdline: string;
}

const MAGIC = [0x42, 0x4d, 0x50, 0x31];

export function decodePredictInput(b: Uint8Array): PredictInput {
  if (b.length < 12 || MAGIC.some((m, i) => b[i] !== m)) return { flags: 0, dtb: b, cmdline: '' };
  const n = ((b[8]! << 24) | (b[9]! << 16) | (b[10]! << 8) | b[11]!) >>> 0;
  const end = Math.min(b.length, 12 + n);
  let cmdline = '';
  for (let i = end; i < b.length; i++) cmdline += String.fromCharCode(b[i]!);
  return { flags: b[4]!, dtb: b.subarray(12, end), cmdline };
}

export function encodePredictInput(p: PredictInput): Uint8Array {
  const out = new Uint8Array(12 + p.dtb.length + p.cmdline.length);
  out.set(MAGIC, 0);
  out[4] = p.flags & 0xff;
  new DataView(out.buffer).setUint32(8, p.dtb.length);
  out.set(p.dtb, 12);
  for (let i = 0; i < p.cmdline.length; i++) out[12 + p.dtb.length + i] = p.cmdline.charCodeAt(i) & 0xff;
  return out;
}
