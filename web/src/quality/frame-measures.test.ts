import { describe, expect, it } from 'vitest';
import { laplacianVariance, meanLuma } from './frame-measures.ts';

/** A w x h RGBA frame whose grey level at (x, y) is `grey(x, y)`. */
function frame(w: number, h: number, grey: (x: number, y: number) => number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      px[i] = px[i + 1] = px[i + 2] = grey(x, y);
      px[i + 3] = 255;
    }
  }
  return px;
}

describe('frame measures', () => {
  it('mean luma: black 0, white 255, grey its level, Rec. 601 weights for colour', () => {
    expect(meanLuma(frame(16, 9, () => 0), 16, 9)).toBe(0);
    expect(meanLuma(frame(16, 9, () => 255), 16, 9)).toBeCloseTo(255, 3);
    expect(meanLuma(frame(16, 9, (x) => (x < 8 ? 0 : 200)), 16, 9)).toBeCloseTo(100, 3);
    const red = new Uint8ClampedArray([255, 0, 0, 255]);
    expect(meanLuma(red, 1, 1)).toBeCloseTo(0.299 * 255, 3);
  });

  it('sharpness: a flat frame scores 0, a checkerboard far more than its blurred copy', () => {
    expect(laplacianVariance(frame(32, 18, () => 128), 32, 18)).toBe(0);
    const sharp = laplacianVariance(frame(32, 18, (x, y) => ((x >> 1) + (y >> 1)) % 2 === 0 ? 30 : 220), 32, 18);
    // The same pattern through a smooth ramp: the edges spread over several pixels.
    const soft = laplacianVariance(frame(32, 18, (x) => 125 + 95 * Math.sin((x / 32) * Math.PI * 2)), 32, 18);
    expect(sharp).toBeGreaterThan(1000);
    expect(soft).toBeLessThan(20);
    expect(sharp).toBeGreaterThan(100 * soft);
  });

  it('refuses a pixel array too short for the size, and scores a frame too small for the kernel as 0', () => {
    expect(() => meanLuma(new Uint8ClampedArray(10), 4, 4)).toThrow(/expected 64/);
    expect(laplacianVariance(frame(2, 2, () => 9), 2, 2)).toBe(0);
  });
});
