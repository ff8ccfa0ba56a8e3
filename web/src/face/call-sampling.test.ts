import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_MATCH_THRESHOLDS } from '@vident/protocol';
import { DEFAULT_CALL_SAMPLING_POLICY as policy, frameDue, recordFrame, reportDue, samplingDone, startCallSampling, type CallSamplingState } from './call-sampling.ts';
import { callMatchResult } from './face-match-result.ts';

const context = { thresholds: DEFAULT_FACE_MATCH_THRESHOLDS, model: { name: 'human-faceres', version: '3.3.6' }, measuredAt: new Date(0) };
const result = (scores: number[]) => callMatchResult(scores, context)!;

describe('call sampling', () => {
  it('takes the first frame at once, then one every interval', () => {
    let state = startCallSampling(1_000);
    expect(frameDue(state, 1_000)).toBe(true);
    state = recordFrame(state, { kind: 'scored', score: 0.7, faceCount: 1 }, 1_200);
    expect(state.scores).toEqual([0.7]);
    expect(frameDue(state, 1_200 + policy.intervalMs - 1)).toBe(false);
    expect(frameDue(state, 1_200 + policy.intervalMs)).toBe(true);
  });

  it('skips a frame without a face (no score) and tries again sooner', () => {
    const state = recordFrame(startCallSampling(0), { kind: 'no_face' }, 0);
    expect(state).toMatchObject({ scores: [], noFaceFrames: 1, nextAt: policy.noFaceRetryMs });
    expect(policy.noFaceRetryMs).toBeLessThan(policy.intervalMs);
  });

  it('backs off after the engine failed', () => {
    const state = recordFrame(startCallSampling(0), { kind: 'failed' }, 0);
    expect(state).toMatchObject({ scores: [], failures: 1, nextAt: policy.failureRetryMs });
  });

  it('counts frames with several people', () => {
    let state = startCallSampling(0);
    state = recordFrame(state, { kind: 'scored', score: 0.7, faceCount: 2 }, 0);
    state = recordFrame(state, { kind: 'scored', score: 0.7, faceCount: 1 }, 3_000);
    expect(state.severalFaceFrames).toBe(1);
  });

  it('stops at the bound', () => {
    const small = { ...policy, maxSamples: 2 };
    let state: CallSamplingState = startCallSampling(0);
    for (let i = 0; i < 2; i++) state = recordFrame(state, { kind: 'scored', score: 0.6, faceCount: 1 }, i * 3_000, small);
    expect(samplingDone(state, small)).toBe(true);
    expect(frameDue(state, 1e9, small)).toBe(false);
    expect(samplingDone(state)).toBe(false);
  });

  it('at the default policy a 30-minute call is at most 600 frames', () => {
    expect(policy.maxSamples * policy.intervalMs).toBe(30 * 60_000);
  });
});

describe('reportDue', () => {
  it('sends the first result', () => {
    expect(reportDue(undefined, result([0.7]), 0)).toBe(true);
  });

  it('sends at once when the band of the median or of the lowest frame changes', () => {
    const last = { result: result([0.7, 0.72]), at: 0 };
    expect(reportDue(last, result([0.7, 0.72, 0.3, 0.35, 0.38]), 3_000)).toBe(true);
    expect(reportDue(last, result([0.7, 0.72, 0.3]), 3_000)).toBe(true);
  });

  it('otherwise at most once per report interval, and only with new frames', () => {
    const last = { result: result([0.7, 0.72]), at: 0 };
    const next = result([0.7, 0.72, 0.71]);
    expect(reportDue(last, next, policy.reportIntervalMs - 1)).toBe(false);
    expect(reportDue(last, next, policy.reportIntervalMs)).toBe(true);
    expect(reportDue(last, last.result, policy.reportIntervalMs * 2)).toBe(false);
  });

  it('keeps a 30-minute call of steady frames well under the session cap of kept results', () => {
    let last: { result: ReturnType<typeof result>; at: number } | undefined;
    let sent = 0;
    const scores: number[] = [];
    for (let at = 0; at < 30 * 60_000; at += policy.intervalMs) {
      scores.push(0.7);
      const next = result(scores);
      if (reportDue(last, next, at)) {
        sent++;
        last = { result: next, at };
      }
    }
    expect(sent).toBeLessThanOrEqual(31);
  });
});
