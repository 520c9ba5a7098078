// Models sort() / sort_r() (lib/sort.c): the in-place bottom-up heapsort that orders the reserved_mem array.
// It is not stable, so equal elements (5.10/6.1: every dynamic node, saved as base = size = 0) end up in a
// permutation of their input order that callers depend on (kernel-notes Appendix B).

/** Which lib/sort.c: 'classic' (5.10, 6.1) or 'double-pop' (6.12, 7.2: "lib/sort: optimize heapsort with double pop"). */
export type LibSortVariant = 'classic' | 'double-pop';

/**
 * Models sort(base, num, size, cmp, NULL) in element indices instead of byte offsets. Sorts `a` in place
 * and returns it. `parent(i)` is `(i - 1) >> 1` in index form (the kernel's branch-free byte version).
 */
export function libSort<T>(a: T[], cmp: (x: T, y: T) => number, variant: LibSortVariant): T[] {
  const swap = (i: number, j: number): void => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  const parent = (i: number): number => (i - 1) >> 1;
  let n = a.length;
  let h = n >> 1;
  if (!h) return a;
  // classic: children compared with >= 0 (the left one wins ties); double-pop: > 0 (the right one wins).
  const leftWins = variant === 'classic' ? (c: number, d: number) => cmp(a[c], a[d]) >= 0 : (c: number, d: number) => cmp(a[c], a[d]) > 0;
  let shift = 0;
  for (;;) {
    if (h) {
      h -= variant === 'classic' ? 1 : 1 << shift;
    } else if (variant === 'classic') {
      n -= 1;
      if (!n) break;
      swap(0, n);
    } else if (n > 3) {
      // Extract the two largest: the root, then the larger of its children.
      n -= 1;
      swap(0, n);
      shift = cmp(a[1], a[2]) <= 0 ? 1 : 0;
      h = 1 << shift;
      n -= 1;
      swap(h, n);
    } else {
      break;
    }
    let b = h;
    let c = 2 * b + 1;
    let d = c + 1;
    while (d < n) {
      b = leftWins(c, d) ? c : d;
      c = 2 * b + 1;
      d = c + 1;
    }
    if (d === n) b = c;
    while (b !== h && cmp(a[h], a[b]) >= 0) b = parent(b);
    c = b;
    while (b !== h) {
      b = parent(b);
      swap(b, c);
    }
  }
  if (variant === 'double-pop') {
    n -= 1;
    swap(0, n);
    if (n === 2 && cmp(a[0], a[1]) > 0) swap(0, 1);
  }
  return a;
}
