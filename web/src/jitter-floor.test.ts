import { describe, expect, it } from 'vitest';
import { initialJitterFloor, JITTER_FLOOR, nextJitterFloor, type JitterFloorState, type ReceiverSample } from './jitter-floor.ts';

/** A receiver's counters, one sample a second at 20 fps; `freezes[i]` = freeze durations (ms) in second i. */
function series(seconds: number, freezes: Record<number, number[]> = {}): ReceiverSample[] {
  const out: ReceiverSample[] = [];
  let freezeCount = 0;
  let total = 0;
  for (let i = 0; i <= seconds; i++) {
    for (const ms of freezes[i] ?? []) {
      freezeCount += 1;
      total += ms / 1000;
    }
    out.push({ at: i * 1000, framesDecoded: i * 20, freezeCount, totalFreezesDuration: total });
  }
  return out;
}

/** The floor after each sample. */
function run(samples: ReceiverSample[], tcp = true, start: JitterFloorState = initialJitterFloor(0)): number[] {
  let state = start;
  return samples.map((s) => {
    state = nextJitterFloor(state, s, { tcp });
    return state.targetMs;
  });
}

const calm = JITTER_FLOOR.calmMs / 1000;

describe('nextJitterFloor', () => {
  it('stays off on a path that never stalls', () => {
    expect(new Set(run(series(120)))).toEqual(new Set([0]));
  });

  it('stays off for one freeze, or freezes further apart than the window (a busy CPU freezes too)', () => {
    expect(new Set(run(series(60, { 3: [300] })))).toEqual(new Set([0]));
    const apart = JITTER_FLOOR.windowMs / 1000 + 1;
    expect(new Set(run(series(60, { 3: [300], [3 + apart]: [300], [3 + 2 * apart]: [300] })))).toEqual(new Set([0]));
  });

  it('raises the floor past the stalls once the path keeps stalling (mean freeze + margin), at least to the first step', () => {
    // Two 120 ms freezes 4 s apart: 200 ms; two of 300 ms in one second: 300 + 50 -> 350 ms.
    const floors = run(series(10, { 3: [120], 7: [120] }));
    expect(floors[6]).toBe(0);
    expect(floors[7]).toBe(JITTER_FLOOR.firstMs);
    expect(run(series(5, { 3: [300, 300] }))[3]).toBe(350);
  });

  it('keeps raising while freezes go on, never past the maximum (no unbounded growth)', () => {
    const freezes: Record<number, number[]> = {};
    for (let i = 2; i < 300; i += 2) freezes[i] = [250, 300];
    const floors = run(series(300, freezes));
    expect(Math.max(...floors)).toBe(JITTER_FLOOR.maxMs);
    expect(floors.every((f) => f <= JITTER_FLOOR.maxMs)).toBe(true);
    // Mean freeze 275 ms + margin -> 350 ms; the next raise a step above, capped.
    expect(floors[2]).toBe(350);
    expect(floors[4]).toBe(Math.min(JITTER_FLOOR.maxMs, 350 + JITTER_FLOOR.stepMs));
  });

  it('comes back down step by step once calm, to none', () => {
    const floors = run(series(200, { 1: [600, 600] })); // 600 + 50, capped at 400 ms
    expect(floors[1]).toBe(JITTER_FLOOR.maxMs);
    expect(floors[1 + calm - 1]).toBe(400);
    expect(floors[1 + calm]).toBe(300);
    // 400 -> 300 -> 200 -> off: three calm periods.
    expect(floors[1 + 2 * calm]).toBe(200);
    expect(floors[1 + 3 * calm]).toBe(0);
    expect(floors.at(-1)).toBe(0);
  });

  it('waits longer before lowering again when a lowered floor froze (no see-saw on a path that keeps stalling)', () => {
    // Raised at 1 s (200 ms), lowered to off at 1 + calm, two freezes again 2 s later: raised again.
    const again = 1 + calm + 2;
    const stalls = { 1: [100, 100], [again]: [100, 100] };
    let state = initialJitterFloor(0);
    for (const s of series(again + 3 * calm, stalls)) state = nextJitterFloor(state, s, { tcp: true });
    expect(state.calmNeededMs).toBe(2 * JITTER_FLOOR.calmMs);
    const floors = run(series(again + 3 * calm, stalls));
    expect(floors[1]).toBe(JITTER_FLOOR.firstMs);
    expect(floors[1 + calm]).toBe(0);
    expect(floors[again]).toBe(JITTER_FLOOR.firstMs);
    // After one plain calm period from the new raise the floor still holds; after two it goes.
    expect(floors[again + calm]).toBe(JITTER_FLOOR.firstMs);
    expect(floors[again + 2 * calm]).toBe(0);
  });

  it('does not raise over UDP (NACK repairs loss there), but lowers a floor already raised', () => {
    expect(new Set(run(series(30, { 3: [300, 300], 4: [300] }), false))).toEqual(new Set([0]));
    const raised = { ...initialJitterFloor(0), targetMs: 400 };
    const floors = run(series(calm + 5, { 3: [300] }), false, raised);
    // A UDP freeze still counts as not calm: the step down waits a full calm period after it.
    expect(floors[3 + calm - 1]).toBe(400);
    expect(floors[3 + calm]).toBe(300);
  });

  it('starts over on a new receiver (counters back to zero) without reading it as a freeze', () => {
    const first = series(10, { 2: [300, 300] });
    const second = series(10).map((s) => ({ ...s, at: s.at + 11_000 }));
    const floors = run([...first, ...second]);
    expect(floors[2]).toBe(350);
    expect(floors.slice(11).every((f) => f === 350)).toBe(true);
  });
});
