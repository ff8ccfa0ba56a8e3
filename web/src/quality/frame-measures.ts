/*
 * Brightness and sharpness of one video frame (issue 15's quality gate), on the RGBA pixels of a
 * small downscaled copy (canvas getImageData). Pure: tests pass synthetic pixel arrays.
 */

/** The frame size the pages measure at: small enough to run every 2 s on a phone, big enough for edges. */
export const MEASURE_WIDTH = 160;
export const MEASURE_HEIGHT = 90;

/** Rec. 601 luma (0..255) of each pixel of an RGBA array. */
export function lumaOf(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const n = width * height;
  if (rgba.length < n * 4) throw new Error(`expected ${n * 4} RGBA values for ${width}x${height}, got ${rgba.length}`);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
  return y;
}

/** Mean luma (0 black .. 255 white) of a frame. */
export function meanLuma(rgba: ArrayLike<number>, width: number, height: number): number {
  const y = lumaOf(rgba, width, height);
  let sum = 0;
  for (const v of y) sum += v;
  return y.length === 0 ? 0 : sum / y.length;
}

/**
 * Sharpness as the variance of the 4-neighbour Laplacian of the luma over the inner pixels (the
 * usual focus measure): a blurred, dark or flat picture has few edges and scores low, a sharp one
 * high. It depends on the frame's size, so every page measures at MEASURE_WIDTH x MEASURE_HEIGHT.
 */
export function laplacianVariance(rgba: ArrayLike<number>, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  const y = lumaOf(rgba, width, height);
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let row = 1; row < height - 1; row++) {
    for (let col = 1; col < width - 1; col++) {
      const i = row * width + col;
      const lap = y[i - width]! + y[i + width]! + y[i - 1]! + y[i + 1]! - 4 * y[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}
