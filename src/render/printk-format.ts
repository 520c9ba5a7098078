// Renders a kernel printk format string with its arguments exactly as lib/vsprintf.c would.
// Covers the conversions the modelled paths use: %s %c %d %i %u %x %X with h/l/ll/L/z length,
// flags '#', '0', '-', width, and the kernel's %pa / %pap (phys_addr_t: 0x + 16 hex digits) and %px.

type Arg = bigint | number | string;

export function printkFormat(fmt: string, args: readonly Arg[]): string {
  let out = '';
  let ai = 0;
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    if (fmt[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    let j = i + 1;
    let alt = false, zero = false, left = false, plus = false, space = false;
    for (; j < fmt.length; j++) {
      const f = fmt[j];
      if (f === '#') alt = true;
      else if (f === '0') zero = true;
      else if (f === '-') left = true;
      else if (f === '+') plus = true;
      else if (f === ' ') space = true;
      else break;
    }
    let width = 0;
    while (j < fmt.length && fmt[j] >= '0' && fmt[j] <= '9') width = width * 10 + Number(fmt[j++]);
    let precision = -1;
    if (fmt[j] === '.') {
      j++;
      precision = 0;
      while (j < fmt.length && fmt[j] >= '0' && fmt[j] <= '9') precision = precision * 10 + Number(fmt[j++]);
    }
    while (j < fmt.length && 'hlLzjt'.includes(fmt[j])) j++;
    const conv = fmt[j];
    i = j;
    const arg = args[ai++];
    let body: string;
    switch (conv) {
      case 's': {
        body = String(arg ?? '(null)');
        if (precision >= 0) body = body.slice(0, precision);
        break;
      }
      case 'c':
        body = typeof arg === 'number' ? String.fromCharCode(arg) : String(arg).slice(0, 1);
        break;
      case 'd':
      case 'i': {
        const v = BigInt(arg as bigint | number);
        body = (v < 0n ? '-' : plus ? '+' : space ? ' ' : '') + (v < 0n ? -v : v).toString();
        break;
      }
      case 'u':
        body = BigInt.asUintN(64, BigInt(arg as bigint | number)).toString();
        break;
      case 'x':
      case 'X': {
        let h = BigInt.asUintN(64, BigInt(arg as bigint | number)).toString(16);
        if (conv === 'X') h = h.toUpperCase();
        // The kernel's '#' counts the 0x in the field width.
        body = alt ? '0x' + h : h;
        if (zero && !left && body.length < width) {
          body = alt ? '0x' + h.padStart(width - 2, '0') : h.padStart(width, '0');
        }
        break;
      }
      case 'p': {
        // %pa / %pap: phys_addr_t printed as 0x + 16 hex digits; %px: raw pointer as 16 hex digits.
        const ext = fmt[j + 1];
        if (ext === 'a') {
          i++;
          if (fmt[i + 1] === 'p' || fmt[i + 1] === 'd') i++;
          body = '0x' + BigInt.asUintN(64, BigInt(arg as bigint | number)).toString(16).padStart(16, '0');
        } else {
          if (ext === 'x' || ext === 'K' || ext === 'S') i++;
          body = BigInt.asUintN(64, BigInt(arg as bigint | number)).toString(16).padStart(16, '0');
        }
        break;
      }
      default:
        throw new Error(`printkFormat: unsupported conversion %${conv} in ${JSON.stringify(fmt)}`);
    }
    if (body.length < width) body = left ? body.padEnd(width) : zero && 'dui'.includes(conv) ? body.padStart(width, '0') : body.padStart(width);
    out += body;
  }
  return out;
}

/** The text of a printk as it appears in dmesg: format rendered, trailing newline dropped. */
export function printkLine(fmt: string, args: readonly Arg[]): string {
  return printkFormat(fmt, args).replace(/\n$/, '');
}
