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

describe('nextJitterFloor', () => {
  it('stays off on a path that never stalls', () => {
    expect(new Set(run(series(120)))).toEqual(new Set([0]));
  });

  it('raises the floor past the stall seen (mean freeze + margin), at least to the first step', () => {
    // One 200 ms freeze (a 200 ms RTO): floor 300 ms; a 450 ms freeze: 450 + 100 -> 550 ms.
    expect(run(series(5, { 3: [200] }))[3]).toBe(JITTER_FLOOR.firstMs);
    expect(run(series(5, { 3: [450] }))[3]).toBe(550);
  });

  it('keeps raising while freezes go on, never past the maximum (no unbounded growth)', () => {
    const freezes: Record<number, number[]> = {};
    for (let i = 2; i < 300; i += 2) freezes[i] = [250, 300];
    const floors = run(series(300, freezes));
    expect(Math.max(...floors)).toBe(JITTER_FLOOR.maxMs);
    expect(floors.every((f) => f <= JITTER_FLOOR.maxMs)).toBe(true);
    // Mean freeze 275 ms + margin -> 400 ms; each later raise at least a step above the last.
    expect(floors[2]).toBe(400);
    expect(floors[4]).toBe(400 + JITTER_FLOOR.stepMs);
  });

  it('comes back down step by step once calm, to none', () => {
    const floors = run(series(200, { 1: [600] })); // 600 + 100 = 700 ms
    expect(floors[1]).toBe(700);
    expect(floors[1 + JITTER_FLOOR.calmMs / 1000 - 1]).toBe(700);
    expect(floors[1 + JITTER_FLOOR.calmMs / 1000]).toBe(600);
    // 700 -> 600 -> 500 -> 400 -> 300 -> off: five calm periods.
    expect(floors[1 + (5 * JITTER_FLOOR.calmMs) / 1000]).toBe(0);
    expect(floors.at(-1)).toBe(0);
  });

  it('waits longer before lowering again when a lowered floor froze (no see-saw on a path that keeps stalling)', () => {
    const calm = JITTER_FLOOR.calmMs / 1000;
    // Raised at 1 s (300 ms), lowered to off at 1 + calm, frozen again 2 s later: raised again.
    const again = 1 + calm + 2;
    let state = initialJitterFloor(0);
    for (const s of series(again + 3 * calm, { 1: [200], [again]: [200] })) state = nextJitterFloor(state, s, { tcp: true });
    // The calm needed doubled: after one plain calm period from the new raise the floor still holds.
    expect(state.calmNeededMs).toBe(2 * JITTER_FLOOR.calmMs);
    const floors = run(series(again + 3 * calm, { 1: [200], [again]: [200] }));
    expect(floors[1 + calm]).toBe(0);
    expect(floors[again]).toBe(JITTER_FLOOR.firstMs);
    expect(floors[again + calm]).toBe(JITTER_FLOOR.firstMs);
    expect(floors[again + 2 * calm]).toBe(0);
  });

  it('does not raise over UDP (NACK repairs loss there), but lowers a floor already raised', () => {
    expect(new Set(run(series(30, { 3: [300] }), false))).toEqual(new Set([0]));
    const raised = { ...initialJitterFloor(0), targetMs: 400 };
    const floors = run(series(JITTER_FLOOR.calmMs / 1000 + 5, { 3: [300] }), false, raised);
    // A UDP freeze still counts as not calm: the step down waits a full calm period after it.
    expect(floors[3 + JITTER_FLOOR.calmMs / 1000 - 1]).toBe(400);
    expect(floors[3 + JITTER_FLOOR.calmMs / 1000]).toBe(300);
  });

  it('starts over on a new receiver (counters back to zero) without reading it as a freeze', () => {
    const first = series(10, { 2: [300, 300] });
    const second = series(10).map((s) => ({ ...s, at: s.at + 11_000 }));
    const floors = run([...first, ...second]);
    expect(floors[2]).toBe(400);
    expect(floors.slice(11).every((f) => f === 400)).toBe(true);
  });
});
