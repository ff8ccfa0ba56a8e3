import { describe, expect, it } from 'vitest';
import { CPU_HOLD_MS, encodingForStep, FACE_LADDER, initialLadder, nextLadder, stepForEstimate, TRY_BACKOFF_MS, UP_HOLD_MS, type LadderState, type SenderSample } from './send-ladder.ts';

/** A quantiser of an encoder that uses all it is given (over QP_COMFORTABLE). */
const BUSY_QP = 60;

/** Runs samples a second apart from `start` + 1 s; returns the state after each. */
function run(samples: Array<Partial<SenderSample>>, from: LadderState = initialLadder(), start = 0): LadderState[] {
  const states: LadderState[] = [];
  let state = from;
  samples.forEach((s, i) => {
    state = nextLadder(state, { at: start + (i + 1) * 1000, estimateKbps: null, cpuLimited: false, qp: BUSY_QP, ...s });
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
    const later = run([{ estimateKbps: 4000 }, ...Array(UP_HOLD_MS / 1000).fill({ estimateKbps: 4000 })], states.at(-1)!, CPU_HOLD_MS + 5000).at(-1)!;
    expect(heightAndFps(later)).toBe('720p30');
  });

  it('steps nothing down for the estimate while the encoder has bits to spare, and tries the next step up', () => {
    // An application-limited sender: a clean camera whose estimate grew only to 1.5 times what it sends.
    const low = run([{ estimateKbps: 300 }, { estimateKbps: 300 }]).at(-1)!;
    expect(heightAndFps(low)).toBe('180p15');
    const trying = run(Array(12).fill({ estimateKbps: 400, qp: 12 }), low);
    expect(trying.map(heightAndFps).filter((s, i, all) => s !== all[i - 1])).toEqual(['180p15', '360p15', '360p30', '540p30']);
    // At the top with a quiet picture, an estimate that would not carry it takes nothing down.
    expect(run(Array(5).fill({ estimateKbps: 600, qp: 10 })).map(heightAndFps).every((s) => s === '720p30')).toBe(true);
  });

  it('comes down from a step it tried when the encoder is then short of bits, and waits before trying again', () => {
    const tried = run([{ estimateKbps: 700 }, { estimateKbps: 700 }, ...Array(4).fill({ estimateKbps: 700, qp: 12 })]).at(-1)!;
    expect(heightAndFps(tried)).toBe('540p30');
    const back = run([{ estimateKbps: 700 }, { estimateKbps: 700 }], tried, 6000);
    expect(heightAndFps(back.at(-1)!)).toBe('360p30');
    const quietAgain = run(Array(10).fill({ estimateKbps: 700, qp: 12 }), back.at(-1)!, 8000);
    expect(quietAgain.every((s) => heightAndFps(s) === '360p30')).toBe(true);
    const afterBackoff = run(Array(UP_HOLD_MS / 1000 + 1).fill({ estimateKbps: 700, qp: 12 }), back.at(-1)!, 8000 + TRY_BACKOFF_MS);
    expect(heightAndFps(afterBackoff.at(-1)!)).toBe('540p30');
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
