import { DEFAULT_QUALITY_THRESHOLDS, type QualitySample } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { causesOf, initialGate, stepGate, type GateMemory } from './quality-gate.ts';

const t = DEFAULT_QUALITY_THRESHOLDS; // 640x360, 10 fps, 20 % frozen, brightness 40, sharpness 20, 10 s
const good: QualitySample = { width: 1280, height: 720, fps: 25, freezeShare: 0, brightness: 110, sharpness: 90 };

/** Feeds samples every 2 s from t=0 and returns the gate after each. */
function run(samples: QualitySample[], memory: GateMemory = initialGate()) {
  const out = [];
  for (const [i, s] of samples.entries()) {
    const step = stepGate(memory, s, t, i * 2_000);
    memory = step.memory;
    out.push({ at: i * 2_000, ...memory.gate, changed: step.changed });
  }
  return { out, memory };
}

describe('the quality gate rule', () => {
  it('names each figure below its threshold', () => {
    expect(causesOf(good, t)).toEqual([]);
    expect(causesOf({ width: 160, height: 120, fps: 4, freezeShare: 0.5, brightness: 8, sharpness: 3 }, t)).toEqual([
      'resolution',
      'frame_rate',
      'freezes',
      'brightness',
      'sharpness',
    ]);
    expect(causesOf({ ...good, height: 359 }, t)).toEqual(['resolution']);
    // Unmeasured figures are no cause; a 0 threshold turns a check off.
    expect(causesOf({ width: null, height: null, fps: null, freezeShare: null, brightness: null, sharpness: null }, t)).toEqual([]);
    expect(causesOf({ ...good, brightness: 5 }, { ...t, minBrightness: 0 })).toEqual([]);
  });

  it('turns red only after the causes last the hold time, naming them, and green again after good video for as long', () => {
    const dark = { ...good, brightness: 12 };
    const { out, memory } = run([good, dark, dark, dark, dark, dark, dark, good, good, good, good, good, good]);
    // Bad from t=2 s: still green at t=10 s (8 s), red at t=12 s (10 s).
    expect(out.slice(0, 6).every((g) => g.state === 'green')).toBe(true);
    expect(out[6]).toEqual({ at: 12_000, state: 'red', causes: ['brightness'], changed: true });
    // Good from t=14 s: still red at t=22 s, green at t=24 s.
    expect(out.slice(7, 12).every((g) => g.state === 'red')).toBe(true);
    expect(out[12]).toEqual({ at: 24_000, state: 'green', causes: [], changed: true });
    expect(out.filter((g) => g.changed)).toHaveLength(2);
    expect(memory.gate.state).toBe('green');
  });

  it('a good sample in between restarts the hold, and a red gate follows the current causes', () => {
    const low = { ...good, width: 160, height: 120 };
    const flicker = run([low, low, low, low, good, low, low, low, low, low]);
    expect(flicker.out.every((g) => g.state === 'green')).toBe(true);
    const red = run([low, low, low, low, low, low, { ...low, brightness: 3 }]);
    expect(red.out[5]).toMatchObject({ state: 'red', causes: ['resolution'], changed: true });
    expect(red.out[6]).toMatchObject({ state: 'red', causes: ['resolution', 'brightness'], changed: true });
  });
});
