import { describe, expect, it } from 'vitest';
import {
  BAND_HEIGHT,
  BLOCKS,
  COUNTER_FRAME,
  COUNTER_MODULUS,
  counterBlocks,
  decodeCounter,
  glassToGlassDelays,
  quantile,
  SAMPLE_ROWS,
  SAMPLE_WIDTH,
  stampCounter,
} from './frame-counter.ts';

const { width: W, height: H } = COUNTER_FRAME;

/** A deterministic pseudo-random picture (the camera's content under the band). */
function picture(seed: number): Uint8Array {
  const luma = new Uint8Array(W * H);
  let s = seed;
  for (let i = 0; i < luma.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    luma[i] = 16 + ((s >>> 16) % 220);
  }
  return luma;
}

/** Area-average scaling of a plane (what a downscaling encoder or a canvas does, roughly). */
function scale(src: Uint8Array, sw: number, sh: number, dw: number, dh: number, x0 = 0, y0 = 0, cw = sw, ch = sh): Uint8Array {
  const out = new Uint8Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      const xa = x0 + Math.floor((x * cw) / dw);
      const xb = Math.max(xa + 1, x0 + Math.floor(((x + 1) * cw) / dw));
      const ya = y0 + Math.floor((y * ch) / dh);
      const yb = Math.max(ya + 1, y0 + Math.floor(((y + 1) * ch) / dh));
      let sum = 0;
      for (let yy = ya; yy < yb; yy++) for (let xx = xa; xx < xb; xx++) sum += src[yy * sw + xx]!;
      out[y * dw + x] = Math.round(sum / ((xb - xa) * (yb - ya)));
    }
  }
  return out;
}

/** A box blur of the given radius (an encoder's smearing of edges). */
function blur(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let count = 0;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          sum += src[yy * w + xx]!;
          count++;
        }
      }
      out[y * w + x] = Math.round(sum / count);
    }
  }
  return out;
}

/** What the page samples from a received frame of w x h: the top band scaled to SAMPLE_WIDTH x SAMPLE_ROWS. */
const bandSample = (frame: Uint8Array, w: number, h: number) => scale(frame, w, h, SAMPLE_WIDTH, SAMPLE_ROWS, 0, 0, w, Math.round((h * BAND_HEIGHT) / H));

function stamped(n: number): Uint8Array {
  const luma = picture(n + 1);
  stampCounter(luma, W, n);
  return luma;
}

describe('frame counter', () => {
  it('reads back every frame number from a clean frame', () => {
    for (const n of [0, 1, 2, 299, 1234, 2048, COUNTER_MODULUS - 1]) expect(decodeCounter(bandSample(stamped(n), W, H))).toBe(n);
  });

  it('survives blur, downscaling to 640x360 and 320x180, squeezed levels and noise', () => {
    for (const n of [5, 300, 777, 4000]) {
      // Only the band and a little below it are blurred: the rest is never read (and blurring it is slow).
      const frame = stamped(n);
      const rows = BAND_HEIGHT + 16;
      frame.set(blur(frame.subarray(0, W * rows), W, rows, 6));
      for (const [w, h] of [[640, 360], [320, 180], [960, 540]] as const) {
        const small = scale(frame, W, H, w, h);
        // Levels squeezed towards grey and +-12 of noise, as a starved encoder might give.
        let s = n;
        const degraded = small.map((v) => {
          s = (s * 1103515245 + 12345) >>> 0;
          return Math.max(0, Math.min(255, Math.round(64 + v * 0.55 + (((s >>> 16) % 25) - 12))));
        });
        expect(decodeCounter(bandSample(degraded, w, h)), `${n} at ${w}x${h}`).toBe(n);
      }
    }
  }, 20_000);

  it('reads a finer or coarser page sample than the default', () => {
    const frame = stamped(321);
    const fine = scale(frame, W, H, BLOCKS * 16, 8, 0, 0, W, BAND_HEIGHT);
    expect(decodeCounter(fine, BLOCKS * 16, 8)).toBe(321);
  });

  it('finds no counter in a frame without one, nor in a flat grey one', () => {
    expect(decodeCounter(bandSample(picture(9), W, H))).toBeNull();
    expect(decodeCounter(new Uint8Array(SAMPLE_WIDTH * SAMPLE_ROWS).fill(128))).toBeNull();
    expect(decodeCounter([1, 2, 3])).toBeNull();
  });

  it('rejects a counter with any one block flipped (the check catches it)', () => {
    const blocks = counterBlocks(1234);
    for (let flip = 2; flip < BLOCKS - 2; flip++) {
      const sample = new Uint8Array(SAMPLE_WIDTH * SAMPLE_ROWS);
      for (let y = 0; y < SAMPLE_ROWS; y++) {
        for (let x = 0; x < SAMPLE_WIDTH; x++) {
          const b = Math.floor(x / (SAMPLE_WIDTH / BLOCKS));
          sample[y * SAMPLE_WIDTH + x] = (b === flip ? !blocks[b] : blocks[b]) ? 235 : 16;
        }
      }
      expect(decodeCounter(sample), `block ${flip} flipped`).toBeNull();
    }
  });

  it('rejects a half-way block instead of guessing', () => {
    const sample = bandSample(stamped(100), W, H);
    // Block 7's columns set to the mid grey: too close to the threshold to call.
    for (let y = 0; y < SAMPLE_ROWS; y++) for (let x = 28; x < 32; x++) sample[y * SAMPLE_WIDTH + x] = 125;
    expect(decodeCounter(sample)).toBeNull();
  });

  it('refuses numbers outside the counter', () => {
    expect(() => counterBlocks(COUNTER_MODULUS)).toThrow();
    expect(() => counterBlocks(-1)).toThrow();
  });
});

describe('glass-to-glass delays', () => {
  it('pairs each received frame with the latest showing of its number in the preview', () => {
    const preview = [0, 1, 2, 3, 4].map((n) => ({ atMs: 1000 + n * 33, n }));
    const received = [
      { atMs: 1100, n: 0 },
      { atMs: 1180, n: 2 },
      { atMs: 1300, n: 4 },
      // Never in the preview: left out.
      { atMs: 1310, n: 7 },
    ];
    expect(glassToGlassDelays(preview, received, 10_000)).toEqual([100, 114, 168]);
  });

  it('takes the showing of the current loop of the clip, not one a period earlier', () => {
    const periodMs = 10_000;
    const preview = [{ atMs: 0, n: 5 }, { atMs: 10_000, n: 5 }, { atMs: 20_000, n: 5 }];
    expect(glassToGlassDelays(preview, [{ atMs: 10_250, n: 5 }], periodMs)).toEqual([250]);
    // Shown by the receiver before the preview's next loop: the earlier showing, not a negative delay.
    expect(glassToGlassDelays(preview, [{ atMs: 19_990, n: 5 }], periodMs)).toEqual([]);
  });

  it('gives nearest-rank quantiles', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile(Array.from({ length: 100 }, (_, i) => i + 1), 0.95)).toBe(95);
    expect(quantile([], 0.5)).toBeNull();
  });
});
