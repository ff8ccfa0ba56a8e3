import * as z from 'zod/mini';
import { Timestamp } from './common.ts';
import { cryptoRandom, randomBelow, sampleIndexes, type RandomSource } from './session-random.ts';

/*
 * Liveness challenges (issue 15): during the call the session draws two or three actions the
 * customer performs on camera; the agent's page measures each one on the received video with the
 * face engine and reports done or failed. The session decides nothing from the video itself: it
 * draws, keeps what was issued and what the agent's page measured, audits both and seals them into
 * the evidence. No image ever crosses here, only named figures.
 */

/**
 * The catalog: turn the head to the customer's left / right, look up, blink twice, bring the ID
 * close to the camera, cover and uncover part of the card.
 */
export const ChallengeAction = z.enum(['turn_left', 'turn_right', 'look_up', 'blink_twice', 'id_close', 'cover_card']);
export type ChallengeAction = z.infer<typeof ChallengeAction>;

/** The session's id of one issued challenge (random, 16 lowercase hex digits). */
export const ChallengeId = z.string().check(z.regex(/^[0-9a-f]{16}$/, '16 lowercase hex digits'));
export type ChallengeId = z.infer<typeof ChallengeId>;

export const ChallengeOutcome = z.enum(['done', 'failed']);
export type ChallengeOutcome = z.infer<typeof ChallengeOutcome>;

/** A session draws at least this many actions at a time, and at most CHALLENGE_DRAW_MAX. */
export const CHALLENGE_DRAW_MIN = 2;
export const CHALLENGE_DRAW_MAX = 3;
/** Challenges one session may issue in all (draws and re-issues): bounds the record and the audit trail. */
export const MAX_CHALLENGES = 24;

/**
 * What the agent's page measured, as named numbers (e.g. `yawPeak`, `blinks`, `areaGrowth`,
 * `frames`); at most 16. Numbers only: nothing of the picture.
 */
export const ChallengeFigures = z
  .record(z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9]{0,31}$/)), z.number())
  .check(z.refine((f) => Object.keys(f).length <= 16, { message: 'at most 16 figures' }));
export type ChallengeFigures = z.infer<typeof ChallengeFigures>;

/** The antispoof and liveness models' scores over the challenge (0-1): hints shown to the agent, never the decision. */
export const ChallengeHints = z.strictObject({
  real: z.optional(z.number().check(z.gte(0), z.lte(1))),
  live: z.optional(z.number().check(z.gte(0), z.lte(1))),
});
export type ChallengeHints = z.infer<typeof ChallengeHints>;

/** The agent's page's measurement of one challenge (the `challenge-result` frame's body). */
export const ChallengeResult = z
  .strictObject({
    id: ChallengeId,
    outcome: ChallengeOutcome,
    /** When the page started and stopped measuring (its clock). */
    startedAt: Timestamp,
    endedAt: Timestamp,
    figures: ChallengeFigures,
    hints: z.optional(ChallengeHints),
  })
  .check(z.refine((r) => Date.parse(r.endedAt) >= Date.parse(r.startedAt), { message: 'endedAt must not be before startedAt', path: ['endedAt'] }));
export type ChallengeResult = z.infer<typeof ChallengeResult>;

/** One challenge as the session issued it: drawn at random by the session, or chosen by the agent. */
export const IssuedChallenge = z.object({
  id: ChallengeId,
  action: ChallengeAction,
  issuedAt: Timestamp,
  /** `drawn`: the session's random draw; `chosen`: the agent re-issued this action. */
  origin: z.enum(['drawn', 'chosen']),
  /** The earlier challenge this one was issued again for, if any. */
  replaces: z.optional(ChallengeId),
});
export type IssuedChallenge = z.infer<typeof IssuedChallenge>;

/** An issued challenge and, once the agent's page reported it, the result (stamped with the session's time). */
export const RecordedChallenge = z.extend(IssuedChallenge, {
  result: z.optional(z.object({
    outcome: ChallengeOutcome,
    startedAt: Timestamp,
    endedAt: Timestamp,
    figures: ChallengeFigures,
    hints: z.optional(ChallengeHints),
    recordedAt: Timestamp,
  })),
});
export type RecordedChallenge = z.infer<typeof RecordedChallenge>;

/**
 * The actions of one draw: CHALLENGE_DRAW_MIN..CHALLENGE_DRAW_MAX distinct actions of the catalog,
 * how many and which uniformly at random from `random` (the platform's CSPRNG unless a test seeds it).
 */
export function drawChallengeActions(random: RandomSource = cryptoRandom): ChallengeAction[] {
  const count = CHALLENGE_DRAW_MIN + randomBelow(CHALLENGE_DRAW_MAX - CHALLENGE_DRAW_MIN + 1, random);
  return sampleIndexes(ChallengeAction.options.length, count, random).map((i) => ChallengeAction.options[i]!);
}
