import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FACE_MATCH_THRESHOLDS } from '@vident/protocol';
import { sampleCallFaces, type CallFaceUpdate } from './call-face-sampler.ts';
import { DEFAULT_CALL_SAMPLING_POLICY as policy } from './call-sampling.ts';
import type { FaceDescription } from './face-choice.ts';
import type { FaceImage } from './face-engine.ts';

function description(score: number, faceCount = 1): FaceDescription {
  return { embedding: [score], box: { x: 0, y: 0, width: 100, height: 100 }, score: 0.9, faceCount, imageWidth: 640, imageHeight: 480 };
}

/** An engine whose frames are scripted: each describe() gives the next description (null: no face, Error: fails). */
function scriptedEngine(script: (FaceDescription | null | Error)[]) {
  return {
    model: { name: 'human-faceres', version: '3.3.6' },
    describe: vi.fn(async () => {
      const next = script.shift();
      if (next instanceof Error) throw next;
      return next ?? null;
    }),
    // The similarity is the live face's scripted embedding value.
    similarity: (_id: FaceDescription, live: FaceDescription) => live.embedding[0]!,
  };
}

const frame = {} as FaceImage;

describe('sampleCallFaces', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('scores a frame at once and then every interval, sending the first result and band changes', async () => {
    const engine = scriptedEngine([description(0.7), description(0.72), description(0.2), description(0.25), description(0.22)]);
    const updates: CallFaceUpdate[] = [];
    const sampler = sampleCallFaces({ engine, idFace: description(1), frame: () => frame, thresholds: DEFAULT_FACE_MATCH_THRESHOLDS, onUpdate: (u) => updates.push(u) });
    await vi.advanceTimersByTimeAsync(0);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ send: true, result: { kind: 'call', score: 0.7, samples: 1 } });
    await vi.advanceTimersByTimeAsync(policy.intervalMs * 4);
    sampler.stop();
    expect(engine.describe).toHaveBeenCalledTimes(5);
    expect(updates.map((u) => [u.result.score, u.result.band, u.result.lowest, u.send])).toEqual([
      [0.7, 'match', 0.7, true],
      [0.71, 'match', 0.7, false],
      [0.7, 'match', 0.2, true], // the lowest frame fell to no_match
      [0.475, 'unsure', 0.2, true], // the median left match
      [0.25, 'no_match', 0.2, true],
    ]);
  });

  it('skips frames without a face or without video, backs off after a failure, and stops when told', async () => {
    const engine = scriptedEngine([null, new Error('worker gone'), description(0.7, 2)]);
    const updates: CallFaceUpdate[] = [];
    let video = false;
    const sampler = sampleCallFaces({ engine, idFace: description(1), frame: () => (video ? frame : null), thresholds: DEFAULT_FACE_MATCH_THRESHOLDS, onUpdate: (u) => updates.push(u) });
    await vi.advanceTimersByTimeAsync(0);
    expect(sampler.state.noFaceFrames).toBe(1);
    expect(engine.describe).not.toHaveBeenCalled();
    video = true;
    await vi.advanceTimersByTimeAsync(policy.noFaceRetryMs); // no face in the frame
    await vi.advanceTimersByTimeAsync(policy.noFaceRetryMs); // the engine fails
    expect(sampler.state).toMatchObject({ noFaceFrames: 2, failures: 1, scores: [] });
    await vi.advanceTimersByTimeAsync(policy.failureRetryMs - 1);
    expect(engine.describe).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sampler.state).toMatchObject({ scores: [0.7], severalFaceFrames: 1 });
    expect(updates).toHaveLength(1);
    sampler.stop();
    await vi.advanceTimersByTimeAsync(policy.intervalMs * 10);
    expect(engine.describe).toHaveBeenCalledTimes(3);
  });
});
