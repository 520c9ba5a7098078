// The `at` loader's boot stub: hand-assembled AArch64 that enters an Image as the arm64 boot protocol asks
// (Documentation/arch/arm64/booting.rst: x0 = DTB address, x1..x3 = 0, MMU off, branch to the Image's start).

/** `LDR Xt, <pc + offset>` (load register, literal, 64-bit). */
export function ldrLiteral64(rt: number, offset: number): number {
  if (offset % 4 !== 0 || offset < -(1 << 20) || offset >= 1 << 20) throw new Error(`ldr literal offset ${offset}`);
  return (0x58000000 | (((offset / 4) & 0x7ffff) << 5) | rt) >>> 0;
}

/** `MOV Xd, XZR` (an alias of `ORR Xd, XZR, XZR`). */
export function movZero64(rd: number): number {
  return (0xaa1f03e0 | rd) >>> 0;
}

/** `BR Xn`. */
export function br(rn: number): number {
  return (0xd61f0000 | (rn << 5)) >>> 0;
}

/**
 * The stub's bytes, little-endian:
 *   0x00 ldr x0, =dtb   0x04 mov x1, xzr   0x08 mov x2, xzr   0x0c mov x3, xzr
 *   0x10 ldr x4, =image 0x14 br x4         0x18 .quad dtb     0x20 .quad image
 */
export function encodeBootStub(dtbAddr: bigint, imageAddr: bigint): Uint8Array {
  const words = [ldrLiteral64(0, 0x18), movZero64(1), movZero64(2), movZero64(3), ldrLiteral64(4, 0x20 - 0x10), br(4)];
  const out = new Uint8Array(0x28);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w, true));
  view.setBigUint64(0x18, dtbAddr, true);
  view.setBigUint64(0x20, imageAddr, true);
  return out;
}
