import { describe, expect, it } from 'vitest';
import { DEFAULT_CHALLENGE_THRESHOLDS as T, judgeChallenge, type FaceObservation } from './challenge-rules.ts';

/* The measurement rules on synthetic series: one frame every 150 ms from t = 0. */

const STEP = 150;
const series = (n: number, frame: (i: number, at: number) => Partial<FaceObservation>): FaceObservation[] =>
  Array.from({ length: n }, (_, i) => ({ at: i * STEP, face: true, yaw: 0, pitch: 0, eyeOpenness: 0.3, area: 0.05, ...frame(i, i * STEP) }));
const END = T.windowMs + STEP;

describe('judgeChallenge', () => {
  it('turn left passes once yaw is beyond the rest pose in that direction for two frames over holdMs', () => {
    const frames = series(30, (i) => ({ yaw: i < 10 ? 1 : i < 16 ? 28 : 2 }));
    // Judged as the frames come: frames 10, 11 span 150 ms, 12 makes it 300 ms >= holdMs.
    const judged = frames.map((_, i) => judgeChallenge('turn_left', frames.slice(0, i + 1), 0, frames[i]!.at));
    expect(judged.findIndex((v) => v.status === 'done')).toBe(12);
    expect(judged[12]).toMatchObject({ endedAt: 12 * STEP, figures: { yawBaseline: 1, yawPeak: 27 } });
    // The same movement is no right turn; a single frame spike is not a turn either.
    expect(judgeChallenge('turn_right', frames, 0, END).status).toBe('failed');
    expect(judgeChallenge('turn_left', series(30, (i) => ({ yaw: i === 12 ? 40 : 0 })), 0, END).status).toBe('failed');
    // Short of the threshold.
    expect(judgeChallenge('turn_left', series(30, (i) => ({ yaw: i > 20 ? T.turnDegrees - 1 : 0 })), 0, END).status).toBe('failed');
  });

  it('turn right and look up by their own signs, against the rest pose, even when measuring began mid-turn', () => {
    expect(judgeChallenge('turn_right', series(30, (i) => ({ yaw: i >= 10 && i < 16 ? -15 : 10 })), 0, END).status).toBe('done');
    expect(judgeChallenge('look_up', series(30, (i) => ({ pitch: i >= 10 && i < 16 ? 12 : -3 })), 0, END)).toMatchObject({
      status: 'done',
      figures: { pitchBaseline: -3, pitchPeak: 15 },
    });
    expect(judgeChallenge('look_up', series(30, (i) => ({ pitch: i >= 10 && i < 16 ? -20 : 0 })), 0, END).status).toBe('failed');
    // Measuring began while the head was turned: the rest pose comes from the frames after it, the next turn counts.
    const loop = (i: number) => ({ yaw: i < 4 || (i >= 24 && i < 30) ? 27 : 0 });
    expect(judgeChallenge('turn_left', series(40, loop), 0, END).status).toBe('done');
  });

  it('a still face is pending before the deadline and fails at it', () => {
    const still = series(Math.ceil(T.windowMs / STEP), () => ({}));
    for (const action of ['turn_left', 'turn_right', 'look_up', 'blink_twice', 'id_close', 'cover_card'] as const) {
      expect(judgeChallenge(action, still.slice(0, 20), 0, 20 * STEP).status, action).toBe('pending');
      const verdict = judgeChallenge(action, still, 0, T.windowMs);
      expect(verdict, action).toMatchObject({ status: 'failed', endedAt: T.windowMs });
    }
  });

  it('counts two blinks from eye-closure dips, each dip once', () => {
    const open = 0.3;
    const closedAt = new Set([10, 11, 20, 21, 22]);
    const verdict = judgeChallenge('blink_twice', series(40, (i) => ({ eyeOpenness: closedAt.has(i) ? 0.08 : open + (i % 2) * 0.01 })), 0, END);
    expect(verdict).toMatchObject({ status: 'done', endedAt: 23 * STEP, figures: { blinks: 2 } });
    // One blink is not two; a half-closed squint (above the closed ratio) is no blink.
    expect(judgeChallenge('blink_twice', series(40, (i) => ({ eyeOpenness: i === 10 ? 0.08 : open })), 0, END)).toMatchObject({ status: 'failed', figures: { blinks: 1 } });
    expect(judgeChallenge('blink_twice', series(40, (i) => ({ eyeOpenness: i % 10 === 0 ? open * 0.7 : open })), 0, END).figures.blinks).toBe(0);
  });

  it('bring the ID close: the box grows to closeGrowth times the smallest seen and stays', () => {
    const growing = series(40, (i) => ({ area: i < 10 ? 0.05 : Math.min(0.05 + (i - 10) * 0.01, 0.15) }));
    const verdict = judgeChallenge('id_close', growing, 0, END);
    expect(verdict.status).toBe('done');
    expect(verdict.figures.areaGrowth).toBeGreaterThanOrEqual(T.closeGrowth);
    // Jitter of a few per cent is not a move.
    expect(judgeChallenge('id_close', series(80, (i) => ({ area: 0.05 * (1 + 0.05 * Math.sin(i)) })), 0, END).status).toBe('failed');
  });

  it('cover the card: the face gone long enough, then back', () => {
    const covered = series(40, (i) => (i >= 10 && i < 14 ? { face: false } : {}));
    expect(judgeChallenge('cover_card', covered, 0, END)).toMatchObject({ status: 'done', endedAt: 14 * STEP, figures: { coveredMs: 600 } });
    // Gone for one frame only, or never back.
    expect(judgeChallenge('cover_card', series(40, (i) => (i === 10 ? { face: false } : {})), 0, END).status).toBe('failed');
    expect(judgeChallenge('cover_card', series(40, (i) => (i >= 10 ? { face: false } : {})), 0, END).status).toBe('failed');
  });

  it('reports the antispoof and liveness scores as hints and ignores frames outside the window', () => {
    const frames = series(10, (i) => ({ real: i < 5 ? 0.8 : 0.6, live: 0.9 }));
    expect(judgeChallenge('turn_left', frames, 0, 10 * STEP).hints).toEqual({ real: 0.7, live: 0.9 });
    expect(judgeChallenge('turn_left', frames, 5 * STEP, 10 * STEP).figures.frames).toBe(5);
  });
});
