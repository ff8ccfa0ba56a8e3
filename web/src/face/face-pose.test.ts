import { describe, expect, it } from 'vitest';
import { eyeOpenness, poseDegrees } from './face-pose.ts';
import { observationOf, PITCH_SIGN, YAW_SIGN } from './challenge-sampler.ts';

/** A 468-point mesh with both eyes 30 px wide and their lids `gap` px apart. */
function mesh(gap: number): number[][] {
  const points = Array.from({ length: 468 }, () => [0, 0, 0]);
  const eye = (corners: [number, number], upper: [number, number], lower: [number, number], x: number) => {
    points[corners[0]] = [x, 100, 0];
    points[corners[1]] = [x + 30, 100, 0];
    points[upper[0]] = [x + 10, 100 - gap / 2, 0];
    points[upper[1]] = [x + 20, 100 - gap / 2, 0];
    points[lower[0]] = [x + 10, 100 + gap / 2, 0];
    points[lower[1]] = [x + 20, 100 + gap / 2, 0];
  };
  eye([33, 133], [160, 158], [144, 153], 50);
  eye([362, 263], [385, 387], [380, 373], 150);
  return points;
}

describe('face pose and eye openness', () => {
  it('turns Human radians into degrees', () => {
    expect(poseDegrees({ yaw: Math.PI / 6, pitch: -Math.PI / 18, roll: 0 })).toEqual({ yaw: 30, pitch: -10, roll: 0 });
  });

  it('computes the eye aspect ratio from the eyelid landmarks; none without a full mesh', () => {
    expect(eyeOpenness(mesh(9))).toBe(0.3);
    expect(eyeOpenness(mesh(1.5))).toBe(0.05);
    expect(eyeOpenness(mesh(9).slice(0, 100))).toBeUndefined();
    expect(eyeOpenness(undefined)).toBeUndefined();
  });

  it('makes an observation with the rules\' signs and the box as a share of the frame', () => {
    const face = { embedding: [], box: { x: 0, y: 0, width: 64, height: 48 }, score: 0.9, faceCount: 1, imageWidth: 640, imageHeight: 480, pose: { yaw: -27, pitch: -15, roll: 0 }, eyeOpenness: 0.3, real: 0.8 };
    expect(observationOf(face, 5)).toEqual({ at: 5, face: true, yaw: YAW_SIGN * -27, pitch: PITCH_SIGN * -15, eyeOpenness: 0.3, area: 0.01, real: 0.8 });
    // Measured: Human's yaw goes negative when the customer turns to their own left (the image's right), pitch negative looking up.
    expect(observationOf(face, 5)).toMatchObject({ yaw: 27, pitch: 15 });
    expect(observationOf(null, 7)).toEqual({ at: 7, face: false });
  });
});
