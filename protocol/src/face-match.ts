import * as z from 'zod/mini';
import { Timestamp } from './common.ts';

/*
 * Face match (issue 14): the face on the ID capture against the live face, computed in the bank
 * agent's browser with the face-description model vident serves (never a third-party service). A
 * result is a signal the agent sees beside the video, never the decision. The agent's page sends
 * each result to the session (signaling frame `face-match`); the session keeps them, audits them
 * and seals them into the evidence. A result carries scores and model facts only: no image, no
 * embedding.
 */

/** match: at or above `thresholds.match`; no_match: below `thresholds.noMatch`; unsure between. */
export const FaceMatchBand = z.enum(['match', 'unsure', 'no_match']);
export type FaceMatchBand = z.infer<typeof FaceMatchBand>;

const Score = z.number().check(z.gte(0), z.lte(1));

export const FaceMatchThresholds = z
  .strictObject({ match: Score, noMatch: Score })
  .check(z.refine((t) => t.noMatch <= t.match, 'noMatch must not be above match'));
export type FaceMatchThresholds = z.infer<typeof FaceMatchThresholds>;

/**
 * The defaults. `match` is the face-description model's published threshold (@vladmandic/human's
 * wiki, "Embedding": a similarity above 50% can be considered a match); `noMatch` is vident's margin
 * below it, where a pair is treated as different people rather than unsure. A bank changes both with
 * FACE_MATCH_THRESHOLD and FACE_MATCH_NO_MATCH_THRESHOLD (README, "Configuration").
 */
export const DEFAULT_FACE_MATCH_THRESHOLDS: FaceMatchThresholds = { match: 0.5, noMatch: 0.4 };

/** The band a score falls in. */
export function faceMatchBand(score: number, thresholds: FaceMatchThresholds): FaceMatchBand {
  if (score >= thresholds.match) return 'match';
  if (score < thresholds.noMatch) return 'no_match';
  return 'unsure';
}

/** A model as the evidence names it: e.g. { name: 'human-faceres', version: '3.3.6' }. */
export const ModelRef = z.strictObject({
  name: z.string().check(z.regex(/^[a-z][a-z0-9_.-]{0,47}$/)),
  version: z.string().check(z.regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$/)),
});
export type ModelRef = z.infer<typeof ModelRef>;

/**
 * One face-match result.
 * - `capture`: the ID capture's face against the face capture (one pair).
 * - `call`: the ID capture's face against frames sampled over the call; `score` is the median,
 *   `lowest` the lowest frame's score, so a face swapped mid-call shows even when most frames match.
 */
export const FaceMatchResult = z
  .strictObject({
    kind: z.enum(['capture', 'call']),
    score: Score,
    band: FaceMatchBand,
    thresholds: FaceMatchThresholds,
    model: ModelRef,
    /** How many live frames were compared (1 for `capture`). */
    samples: z.int().check(z.gte(1), z.lte(10_000)),
    lowest: z.optional(Score),
    /** When the agent's browser computed it. */
    measuredAt: Timestamp,
  })
  .check(
    z.refine((r) => r.band === faceMatchBand(r.score, r.thresholds), 'band does not follow from score and thresholds'),
    z.refine((r) => r.lowest === undefined || r.lowest <= r.score, 'lowest must not be above score'),
  );
export type FaceMatchResult = z.infer<typeof FaceMatchResult>;

/** A result as the session keeps it: stamped with the server's time when it arrived. */
export const RecordedFaceMatch = z.safeExtend(FaceMatchResult, { recordedAt: Timestamp });
export type RecordedFaceMatch = z.infer<typeof RecordedFaceMatch>;

/** Most face-match results one session keeps; past it the agent's `face-match` is refused `limit_reached`. */
export const MAX_FACE_MATCH_RESULTS = 100;

/** The latest result of each kind (capture first), as the agent's panel shows them. */
export function latestFaceMatches<T extends FaceMatchResult>(results: readonly T[]): T[] {
  const latest = new Map<FaceMatchResult['kind'], T>();
  for (const r of results) latest.set(r.kind, r);
  return (['capture', 'call'] as const).flatMap((k) => (latest.has(k) ? [latest.get(k)!] : []));
}
