import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_MATCH_THRESHOLDS, FaceMatchResult } from '@vident/protocol';
import type { FaceDescription } from './face-choice.ts';
import { callMatchResult, captureMatchResult, compareCaptureFaces, median, type FaceMatchContext } from './face-match-result.ts';

const context: FaceMatchContext = {
  thresholds: DEFAULT_FACE_MATCH_THRESHOLDS,
  model: { name: 'human-faceres', version: '3.3.6' },
  measuredAt: new Date('2026-12-03T08:00:00.000Z'),
};

function description(faceCount = 1, extra: Partial<FaceDescription> = {}): FaceDescription {
  return { embedding: [1, 2, 3], box: { x: 0, y: 0, width: 100, height: 100 }, score: 0.9, faceCount, imageWidth: 640, imageHeight: 480, ...extra };
}

describe('captureMatchResult', () => {
  it('bands a score with protocol thresholds and makes a valid protocol result', () => {
    for (const [score, band] of [[0.74, 'match'], [0.5, 'match'], [0.45, 'unsure'], [0.4, 'unsure'], [0.39, 'no_match'], [0, 'no_match']] as const) {
      const result = captureMatchResult(score, context);
      expect(result).toEqual({
        kind: 'capture',
        score,
        band,
        thresholds: DEFAULT_FACE_MATCH_THRESHOLDS,
        model: context.model,
        samples: 1,
        measuredAt: '2026-12-03T08:00:00.000Z',
      });
      expect(FaceMatchResult.safeParse(result).success).toBe(true);
    }
  });

  it('follows thresholds a bank configured', () => {
    expect(captureMatchResult(0.55, { ...context, thresholds: { match: 0.6, noMatch: 0.45 } }).band).toBe('unsure');
  });

  it('keeps a stray score inside 0-1 so the result stays valid', () => {
    expect(captureMatchResult(Number.NaN, context)).toMatchObject({ score: 0, band: 'no_match' });
    expect(captureMatchResult(1.2, context)).toMatchObject({ score: 1, band: 'match' });
  });
});

describe('callMatchResult', () => {
  it('is null before any frame was scored', () => {
    expect(callMatchResult([], context)).toBeNull();
  });

  it('takes the median as the score and the lowest frame as lowest', () => {
    const result = callMatchResult([0.71, 0.66, 0.2, 0.74, 0.69], context);
    expect(result).toMatchObject({ kind: 'call', score: 0.69, band: 'match', samples: 5, lowest: 0.2 });
    expect(FaceMatchResult.safeParse(result).success).toBe(true);
  });

  it('shows a face swapped for most of the call in the median, and for a moment in lowest', () => {
    expect(callMatchResult([0.7, 0.2, 0.25, 0.3], context)).toMatchObject({ score: 0.275, band: 'no_match', lowest: 0.2 });
    expect(callMatchResult([0.7, 0.72, 0.68, 0.15, 0.7], context)).toMatchObject({ score: 0.7, band: 'match', lowest: 0.15 });
  });

  it('averages the middle two of an even count without float noise', () => {
    expect(callMatchResult([0.66, 0.69], context)?.score).toBe(0.675);
  });

  it('stays valid for one frame and for arbitrary scores', () => {
    for (const scores of [[0.5], [0.1234, 0.1236], [0.333, 0.334, 0.999, 0]]) {
      const result = callMatchResult(scores, context);
      expect(FaceMatchResult.safeParse(result).success, JSON.stringify(result)).toBe(true);
    }
  });
});

describe('median', () => {
  it('of odd and even counts, unsorted', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
});

describe('compareCaptureFaces', () => {
  const similarity = () => 0.62;

  it('says which capture has no face', () => {
    expect(compareCaptureFaces(null, description(), similarity, context)).toEqual({ outcome: 'no_id_face' });
    expect(compareCaptureFaces(description(), null, similarity, context)).toEqual({ outcome: 'no_live_face' });
  });

  it('compares the two faces, with the live face hints', () => {
    expect(compareCaptureFaces(description(), description(1, { real: 0.8, live: 0.9 }), similarity, context)).toEqual({
      outcome: 'compared',
      result: captureMatchResult(0.62, context),
      severalLiveFaces: false,
      real: 0.8,
      live: 0.9,
    });
  });

  it('flags several people on the face capture, not on the ID capture', () => {
    expect(compareCaptureFaces(description(2), description(1), similarity, context)).toMatchObject({ severalLiveFaces: false });
    expect(compareCaptureFaces(description(1), description(3), similarity, context)).toMatchObject({ severalLiveFaces: true });
  });
});
