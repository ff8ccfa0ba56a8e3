import { describe, expect, it } from 'vitest';
import { chooseFace, describeChosenFace, MIN_FACE_SCORE, type DetectedFace } from './face-choice.ts';

function face(x: number, size: number, score = 0.9, extra: Partial<DetectedFace> = {}): DetectedFace {
  return { box: { x, y: 10, width: size, height: size }, score, embedding: [x, size, score], ...extra };
}

describe('chooseFace', () => {
  it('says no_face for no face, only shaky detections, or faces without an embedding', () => {
    expect(chooseFace([])).toEqual({ outcome: 'no_face' });
    expect(chooseFace([face(0, 200, MIN_FACE_SCORE - 0.01)])).toEqual({ outcome: 'no_face' });
    expect(chooseFace([face(0, 200, 0.9, { embedding: [] })])).toEqual({ outcome: 'no_face' });
    expect(chooseFace([face(0, 0)])).toEqual({ outcome: 'no_face' });
  });

  it('takes the largest confident face, whatever the order', () => {
    const small = face(0, 80, 0.99);
    const large = face(300, 200, 0.7);
    const shakyHuge = face(600, 400, 0.3);
    for (const faces of [[small, large, shakyHuge], [shakyHuge, large, small]]) {
      const choice = chooseFace(faces);
      expect(choice).toEqual({ outcome: 'face', face: large, faceCount: 2 });
    }
  });

  it('between two faces of the same size takes the more confident one', () => {
    const a = face(0, 150, 0.8);
    const b = face(300, 150, 0.95);
    expect(chooseFace([a, b])).toMatchObject({ face: b, faceCount: 2 });
  });

  it('does not count a face far smaller than the chosen one as another person (a ghost image, a poster)', () => {
    const main = face(0, 300);
    expect(chooseFace([main, face(400, 60)])).toMatchObject({ face: main, faceCount: 1 });
    expect(chooseFace([main, face(400, 120)])).toMatchObject({ face: main, faceCount: 2 });
  });
});

describe('describeChosenFace', () => {
  it('is null without a usable face', () => {
    expect(describeChosenFace([face(0, 100, 0.1)], 640, 480)).toBeNull();
  });

  it('describes the chosen face with the hints it has and the image size', () => {
    const chosen = face(100, 200, 0.9, { real: 0.8, live: 0.95 });
    expect(describeChosenFace([face(0, 150), chosen], 640, 480)).toEqual({
      embedding: chosen.embedding,
      box: chosen.box,
      score: 0.9,
      faceCount: 2,
      real: 0.8,
      live: 0.95,
      imageWidth: 640,
      imageHeight: 480,
    });
    expect(describeChosenFace([face(0, 150)], 640, 480)).not.toHaveProperty('real');
  });
});
