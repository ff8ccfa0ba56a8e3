/*
 * A frame counter drawn into a fake camera's frames, read back from what a page shows (issue 17's
 * glass-to-glass delay). The counter is a row of 20 black or white blocks along the top of the
 * frame: a white and a black reference block at each end (the threshold comes from them, whatever
 * the encoder did to the levels), 12 bits of the frame number (most significant first) and 4 bits
 * of check (the XOR of its nibbles, so any one wrong block is caught). Each block is 64x48 at
 * 1280x720: 16x12 still at 320x180, which VP8 keeps black or white. Pure: no I/O.
 */

/** The frame the counter is drawn for; the band scales with whatever size a page receives. */
export const COUNTER_FRAME = { width: 1280, height: 720 } as const;
/** The band's height in COUNTER_FRAME pixels (top rows), split into BLOCKS equal blocks. */
export const BAND_HEIGHT = 48;
export const BLOCKS = 20;
const DATA_BITS = 12;
const CHECK_BITS = 4;
/** Frame numbers wrap at this (a clip must be shorter). */
export const COUNTER_MODULUS = 1 << DATA_BITS;
/** What a page samples of the band: BLOCKS x SAMPLE_PER_BLOCK columns, SAMPLE_ROWS rows, grey. */
export const SAMPLE_PER_BLOCK = 4;
export const SAMPLE_ROWS = 4;
export const SAMPLE_WIDTH = BLOCKS * SAMPLE_PER_BLOCK;

/** Luma (BT.601 limited range) of the blocks and of the band around them. */
const WHITE = 235;
const BLACK = 16;

const check = (n: number) => ((n ^ (n >> 4) ^ (n >> 8)) & 0xf) ^ 0xa;

/** Block i is white (true) or black (false) for frame number n. */
export function counterBlocks(n: number): boolean[] {
  if (!Number.isInteger(n) || n < 0 || n >= COUNTER_MODULUS) throw new Error(`frame number ${n} is outside 0..${COUNTER_MODULUS - 1}`);
  const bits = (value: number, count: number) => Array.from({ length: count }, (_, i) => ((value >> (count - 1 - i)) & 1) === 1);
  return [true, false, ...bits(n, DATA_BITS), ...bits(check(n), CHECK_BITS), false, true];
}

/**
 * Draws frame number n into the top BAND_HEIGHT rows of a luma plane of COUNTER_FRAME's width
 * (a yuv420p frame's Y plane); the caller greys the same rows of the chroma planes.
 */
export function stampCounter(luma: Uint8Array, width: number, n: number): void {
  const blocks = counterBlocks(n);
  const blockWidth = width / BLOCKS;
  for (let y = 0; y < BAND_HEIGHT; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) luma[row + x] = blocks[Math.min(BLOCKS - 1, Math.floor(x / blockWidth))] ? WHITE : BLACK;
  }
}

/**
 * The frame number in a grey sample of the band (SAMPLE_WIDTH x rows, row-major, one byte per
 * pixel: what a page draws of the received frame's top band), or null when the sample holds no
 * counter: too little contrast between the reference blocks, a block too close to the threshold
 * to call, or a check that does not match.
 */
export function decodeCounter(grey: ArrayLike<number>, width = SAMPLE_WIDTH, rows = SAMPLE_ROWS): number | null {
  if (grey.length < width * rows || rows < 1) return null;
  const per = width / BLOCKS;
  // The middle half of each block, away from the edges the encoder smears.
  const level = (block: number): number => {
    const from = Math.floor(block * per + per / 4);
    const to = Math.max(from + 1, Math.ceil((block + 1) * per - per / 4));
    let sum = 0;
    let count = 0;
    for (let y = 0; y < rows; y++) {
      for (let x = from; x < to; x++) {
        sum += grey[y * width + x]!;
        count++;
      }
    }
    return sum / count;
  };
  const levels = Array.from({ length: BLOCKS }, (_, i) => level(i));
  const white = (levels[0]! + levels[BLOCKS - 1]!) / 2;
  const black = (levels[1]! + levels[BLOCKS - 2]!) / 2;
  const contrast = white - black;
  if (contrast < 60) return null;
  const threshold = (white + black) / 2;
  let n = 0;
  let c = 0;
  for (let i = 0; i < DATA_BITS + CHECK_BITS; i++) {
    const v = levels[2 + i]!;
    if (Math.abs(v - threshold) < contrast * 0.2) return null;
    const bit = v > threshold ? 1 : 0;
    if (i < DATA_BITS) n = (n << 1) | bit;
    else c = (c << 1) | bit;
  }
  return c === check(n) ? n : null;
}

/** A counter read at a moment (ms on a clock both pages share, e.g. performance.timeOrigin + now). */
export interface CounterSighting {
  atMs: number;
  n: number;
}

/**
 * Glass-to-glass delays (ms): for every frame number the receiver showed, the time since the
 * sender's own preview showed the same number, the latest such showing no more than half a clip
 * period earlier (the clip loops; a number seen again a period later is a new frame). Receiver
 * sightings with no matching preview sighting (the preview skipped that frame) are left out.
 */
export function glassToGlassDelays(preview: readonly CounterSighting[], received: readonly CounterSighting[], periodMs: number): number[] {
  const byNumber = new Map<number, number[]>();
  for (const s of preview) {
    const times = byNumber.get(s.n) ?? [];
    times.push(s.atMs);
    byNumber.set(s.n, times);
  }
  for (const times of byNumber.values()) times.sort((a, b) => a - b);
  const delays: number[] = [];
  for (const r of received) {
    const times = byNumber.get(r.n);
    if (!times) continue;
    let best: number | null = null;
    for (const t of times) if (t <= r.atMs && r.atMs - t < periodMs / 2) best = t;
    if (best !== null) delays.push(r.atMs - best);
  }
  return delays;
}

/** The q-quantile (0..1) of values by nearest rank, or null for none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
