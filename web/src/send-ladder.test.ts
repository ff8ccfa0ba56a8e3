import { describe, expect, it } from 'vitest';
import { CPU_HOLD_MS, encodingForStep, FACE_LADDER, initialLadder, nextLadder, stepForEstimate, UP_HOLD_MS, type LadderState, type SenderSample } from './send-ladder.ts';

/** Runs samples a second apart from t = 1 s; returns the state after each. */
function run(samples: Array<Partial<SenderSample>>, from: LadderState = initialLadder()): LadderState[] {
  const states: LadderState[] = [];
  let state = from;
  samples.forEach((s, i) => {
    state = nextLadder(state, { at: (i + 1) * 1000, estimateKbps: null, cpuLimited: false, ...s });
    states.push(state);
  });
  return states;
}
const heightAndFps = (s: LadderState) => `${FACE_LADDER[s.step]!.height}p${FACE_LADDER[s.step]!.maxFramerate}`;

describe('the face sending ladder', () => {
  it('keeps 640x360 at 30 fps from what that needs, and gives up frame rate before resolution below it', () => {
    expect(FACE_LADDER.map((s) => `${s.height}p${s.maxFramerate}`)).toEqual(['720p30', '540p30', '360p30', '360p15', '180p15']);
    // The 3g path over TURN: 1.1 to 1.2 Mbit/s of estimate (docs/BENCHMARKS.md).
    expect(heightAndFps({ ...initialLadder(), step: stepForEstimate(1145) })).toBe('360p30');
    expect(heightAndFps({ ...initialLadder(), step: stepForEstimate(4000) })).toBe('720p30');
    expect(heightAndFps({ ...initialLadder(), step: stepForEstimate(500) })).toBe('360p15');
    expect(heightAndFps({ ...initialLadder(), step: stepForEstimate(100) })).toBe('180p15');
  });

  it('starts at the top and steps down after two low samples, not one', () => {
    const states = run([{ estimateKbps: 1100 }, { estimateKbps: 3000 }, { estimateKbps: 1100 }, { estimateKbps: 1150 }]);
    expect(states.map(heightAndFps)).toEqual(['720p30', '720p30', '720p30', '360p30']);
  });

  it('goes down to what the estimate carries at once, several steps if need be', () => {
    expect(run([{ estimateKbps: 300 }, { estimateKbps: 320 }]).map(heightAndFps)).toEqual(['720p30', '180p15']);
  });

  it('steps up only once the estimate carried the higher step for the hold time', () => {
    const low = run([{ estimateKbps: 700 }, { estimateKbps: 700 }]).at(-1)!;
    expect(heightAndFps(low)).toBe('360p30');
    const upSamples = Math.ceil(UP_HOLD_MS / 1000) + 1;
    const rising = run([...Array(upSamples - 1).fill({ estimateKbps: 2500 }), { estimateKbps: 2500 }], low);
    expect(rising.slice(0, -1).map(heightAndFps).every((s) => s === '360p30')).toBe(true);
    expect(heightAndFps(rising.at(-1)!)).toBe('720p30');
    // A dip in between starts the hold again.
    const dipped = run([{ estimateKbps: 2500 }, { estimateKbps: 2500 }, { estimateKbps: 700 }, { estimateKbps: 2500 }, { estimateKbps: 2500 }], low);
    expect(dipped.map(heightAndFps)).toEqual(['360p30', '360p30', '360p30', '360p30', '360p30']);
  });

  it('steps down when the CPU limits the encoder, and stays down while the estimate would allow more', () => {
    const states = run([{ estimateKbps: 4000, cpuLimited: true }, { estimateKbps: 4000, cpuLimited: true }, ...Array(10).fill({ estimateKbps: 4000 })]);
    expect(heightAndFps(states[1]!)).toBe('540p30');
    expect(states.slice(1).every((s) => heightAndFps(s) === '540p30')).toBe(true);
    // After the hold the estimate leads again.
    const later = nextLadder(nextLadder(states.at(-1)!, { at: CPU_HOLD_MS + 5000, estimateKbps: 4000, cpuLimited: false }), { at: CPU_HOLD_MS + 5000 + UP_HOLD_MS, estimateKbps: 4000, cpuLimited: false });
    expect(heightAndFps(later)).toBe('720p30');
  });

  it('holds its step while there is no estimate yet', () => {
    expect(run([{}, {}, {}]).map(heightAndFps)).toEqual(['720p30', '720p30', '720p30']);
  });

  it('scales the camera down to the step and never up', () => {
    expect(encodingForStep(FACE_LADDER[2]!, 720)).toEqual({ scaleResolutionDownBy: 2, maxFramerate: 30 });
    expect(encodingForStep(FACE_LADDER[1]!, 1080)).toEqual({ scaleResolutionDownBy: 2, maxFramerate: 30 });
    expect(encodingForStep(FACE_LADDER[0]!, 480)).toEqual({ scaleResolutionDownBy: 1, maxFramerate: 30 });
    expect(encodingForStep(FACE_LADDER[4]!, null)).toEqual({ scaleResolutionDownBy: 1, maxFramerate: 15 });
  });
});
