/*
 * When to sample the received video during the call (pure): one frame every few seconds, a bounded
 * number over the call, a frame without a face skipped (not a score, tried again sooner), the engine
 * failing backed off. And when a new call-long result is worth sending to the session: the first one,
 * a band change (of the median or of the lowest frame), else at most once a minute, so a long call
 * stays far below the session's cap on kept results.
 */
import { faceMatchBand, type FaceMatchResult } from '@vident/protocol';

export interface CallSamplingPolicy {
  /** Between two scored frames. */
  intervalMs: number;
  /** After a frame without a usable face. */
  noFaceRetryMs: number;
  /** After the engine failed on a frame. */
  failureRetryMs: number;
  /** Scored frames kept at most; sampling stops there (at 3 s, half an hour of call). */
  maxSamples: number;
  /** A result whose bands did not change is sent at most this often. */
  reportIntervalMs: number;
}

export const DEFAULT_CALL_SAMPLING_POLICY: CallSamplingPolicy = {
  intervalMs: 3_000,
  noFaceRetryMs: 1_500,
  failureRetryMs: 10_000,
  maxSamples: 600,
  reportIntervalMs: 60_000,
};

export interface CallSamplingState {
  /** Similarity of each scored frame to the ID face, in order. */
  scores: number[];
  /** Frames where no usable face was found. */
  noFaceFrames: number;
  /** Scored frames that showed more than one person. */
  severalFaceFrames: number;
  failures: number;
  /** When the next frame should be taken (ms, the caller's clock). */
  nextAt: number;
}

/** What one sampled frame gave. */
export type SampledFrame = { kind: 'scored'; score: number; faceCount: number } | { kind: 'no_face' } | { kind: 'failed' };

export function startCallSampling(now: number): CallSamplingState {
  return { scores: [], noFaceFrames: 0, severalFaceFrames: 0, failures: 0, nextAt: now };
}

/** Whether a frame should be taken now. */
export function frameDue(state: CallSamplingState, now: number, policy: CallSamplingPolicy = DEFAULT_CALL_SAMPLING_POLICY): boolean {
  return state.scores.length < policy.maxSamples && now >= state.nextAt;
}

/** Whether sampling is over (the bound reached). */
export function samplingDone(state: CallSamplingState, policy: CallSamplingPolicy = DEFAULT_CALL_SAMPLING_POLICY): boolean {
  return state.scores.length >= policy.maxSamples;
}

/** The state after a frame taken at `now`. */
export function recordFrame(
  state: CallSamplingState,
  frame: SampledFrame,
  now: number,
  policy: CallSamplingPolicy = DEFAULT_CALL_SAMPLING_POLICY,
): CallSamplingState {
  switch (frame.kind) {
    case 'scored':
      return {
        ...state,
        scores: [...state.scores, frame.score],
        severalFaceFrames: state.severalFaceFrames + (frame.faceCount > 1 ? 1 : 0),
        nextAt: now + policy.intervalMs,
      };
    case 'no_face':
      return { ...state, noFaceFrames: state.noFaceFrames + 1, nextAt: now + policy.noFaceRetryMs };
    case 'failed':
      return { ...state, failures: state.failures + 1, nextAt: now + policy.failureRetryMs };
  }
}

/**
 * Whether `next` (a `call` result) should be sent, given the last one sent and when (ms, the caller's
 * clock): always the first, at once when the band of the median or of the lowest frame changed, else
 * once `reportIntervalMs` passed.
 */
export function reportDue(
  last: { result: FaceMatchResult; at: number } | undefined,
  next: FaceMatchResult,
  now: number,
  policy: CallSamplingPolicy = DEFAULT_CALL_SAMPLING_POLICY,
): boolean {
  if (!last) return true;
  const lowestBand = (r: FaceMatchResult) => faceMatchBand(r.lowest ?? r.score, r.thresholds);
  if (last.result.band !== next.band || lowestBand(last.result) !== lowestBand(next)) return true;
  return now - last.at >= policy.reportIntervalMs && next.samples !== last.result.samples;
}
