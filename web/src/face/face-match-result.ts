/*
 * Face-match results (pure): protocol FaceMatchResult values from similarity scores, and the outcome
 * of comparing the ID capture's face with the face capture's. The band always comes from protocol's
 * faceMatchBand, so the page, the session and the evidence agree on it.
 */
import { faceMatchBand, type FaceMatchResult, type FaceMatchThresholds, type ModelRef } from '@vident/protocol';
import type { FaceDescription } from './face-choice.ts';

/** What every result carries besides its scores. */
export interface FaceMatchContext {
  thresholds: FaceMatchThresholds;
  model: ModelRef;
  measuredAt: Date;
}

/** Scores are 0-1 by construction; a stray NaN or rounding past the ends must not make an invalid result. */
function clampScore(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.min(1, Math.max(0, score));
}

/** `capture`: the ID capture's face against the face capture's (one pair). */
export function captureMatchResult(score: number, context: FaceMatchContext): FaceMatchResult {
  const s = clampScore(score);
  return {
    kind: 'capture',
    score: s,
    band: faceMatchBand(s, context.thresholds),
    thresholds: context.thresholds,
    model: context.model,
    samples: 1,
    measuredAt: context.measuredAt.toISOString(),
  };
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * `call`: the ID capture's face against frames sampled over the call: the score is the median frame
 * score (one bad frame, a blur or a turned head, does not decide it), `lowest` the lowest frame's, so a
 * face swapped for part of the call shows even when most frames match. Null before any frame was scored.
 */
export function callMatchResult(scores: readonly number[], context: FaceMatchContext): FaceMatchResult | null {
  if (scores.length === 0) return null;
  const clamped = scores.map(clampScore);
  // Rounded as Human rounds a score (2 decimals), so the median of two is not 0.675000001.
  const score = Math.round(median(clamped) * 1000) / 1000;
  return {
    kind: 'call',
    score,
    band: faceMatchBand(score, context.thresholds),
    thresholds: context.thresholds,
    model: context.model,
    samples: clamped.length,
    lowest: Math.min(...clamped, score),
    measuredAt: context.measuredAt.toISOString(),
  };
}

/** Comparing the ID capture with the face capture. */
export type CaptureComparison =
  | { outcome: 'no_id_face' }
  | { outcome: 'no_live_face' }
  | {
      outcome: 'compared';
      result: FaceMatchResult;
      /** More than one person on the face capture: the agent should look. */
      severalLiveFaces: boolean;
      /** The live face's anti-spoofing and liveness scores (0-1), hints only. */
      real?: number;
      live?: number;
    };

/** The outcome for the faces found in the two captures (null: no usable face in that image). */
export function compareCaptureFaces(
  idFace: FaceDescription | null,
  liveFace: FaceDescription | null,
  similarity: (a: FaceDescription, b: FaceDescription) => number,
  context: FaceMatchContext,
): CaptureComparison {
  if (!idFace) return { outcome: 'no_id_face' };
  if (!liveFace) return { outcome: 'no_live_face' };
  return {
    outcome: 'compared',
    result: captureMatchResult(similarity(idFace, liveFace), context),
    severalLiveFaces: liveFace.faceCount > 1,
    ...(liveFace.real !== undefined ? { real: liveFace.real } : {}),
    ...(liveFace.live !== undefined ? { live: liveFace.live } : {}),
  };
}
