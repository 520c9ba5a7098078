// Reads a PNG screenshot (pngjs) into the few numbers a "the map is drawn" check needs: distinct colours, the
// share of pixels that are not the white page, and how many pixels have one exact colour.
import pngjs from 'pngjs';

export interface PngStats {
  width: number;
  height: number;
  distinctColours: number;
  nonWhiteShare: number;
  count: (rgb: string) => number;
}

export function pngStats(png: Buffer): PngStats {
  const img = pngjs.PNG.sync.read(png);
  const counts = new Map<number, number>();
  let nonWhite = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
    const key = (r << 16) | (g << 8) | b;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (r < 245 || g < 245 || b < 245) nonWhite++;
  }
  return {
    width: img.width,
    height: img.height,
    distinctColours: counts.size,
    nonWhiteShare: nonWhite / (img.width * img.height),
    count: (rgb: string) => counts.get(parseInt(rgb.replace('#', ''), 16)) ?? 0,
  };
}
