import * as z from 'zod/mini';
import { SessionId, Timestamp } from './common.ts';
import { randomBelow, type RandomSource } from './session-random.ts';

/*
 * The one-time code (issue 15): with ONE_TIME_CODE=required (or a session created with
 * `oneTimeCode: 'required'`) the session makes a 6-digit code when the call starts, tells the bank
 * by the `session.code_issued` webhook (never the code in it), the bank fetches it through the
 * signed API (GET /v1/sessions/:id/one-time-code) and delivers it to the customer's phone; the
 * customer types it on the call page. At most MAX_CODE_ATTEMPTS tries, then it has failed for
 * good; an approval needs it verified.
 */

/** Whether a session asks for the code: the bank's default (ONE_TIME_CODE) or the create request's choice. */
export const OneTimeCodeRequirement = z.enum(['off', 'required']);
export type OneTimeCodeRequirement = z.infer<typeof OneTimeCodeRequirement>;

/** Six decimal digits, leading zeros kept. */
export const OneTimeCode = z.string().check(z.regex(/^\d{6}$/, 'must be 6 digits'));
export type OneTimeCode = z.infer<typeof OneTimeCode>;

/** Tries the customer has before the code fails for good. */
export const MAX_CODE_ATTEMPTS = 3;

/** pending: issued, not yet entered right; verified; failed: MAX_CODE_ATTEMPTS wrong tries, or expired. */
export const OneTimeCodeStatus = z.enum(['pending', 'verified', 'failed']);
export type OneTimeCodeStatus = z.infer<typeof OneTimeCodeStatus>;

/** What the participants' pages see of the code: never the code itself. */
export const OneTimeCodeView = z.object({
  status: OneTimeCodeStatus,
  attemptsLeft: z.int().check(z.gte(0), z.lte(MAX_CODE_ATTEMPTS)),
  expiresAt: Timestamp,
  /** Why it failed (failed only). */
  failure: z.optional(z.enum(['attempts', 'expired'])),
});
export type OneTimeCodeView = z.infer<typeof OneTimeCodeView>;

/** Answer of GET /v1/sessions/:id/one-time-code: the code, for delivery to the customer's phone. */
export const SessionOneTimeCode = z.object({
  sessionId: SessionId,
  code: OneTimeCode,
  issuedAt: Timestamp,
  expiresAt: Timestamp,
});
export type SessionOneTimeCode = z.infer<typeof SessionOneTimeCode>;

/** A uniform 6-digit code (000000..999999) from the CSPRNG, without modulo bias. */
export function generateOneTimeCode(random?: RandomSource): OneTimeCode {
  return String(randomBelow(1_000_000, random)).padStart(6, '0');
}

/** What the evidence (sealed assessment) says about the code: its course, never the code. */
export const OneTimeCodeOutcome = z.object({
  status: OneTimeCodeStatus,
  attempts: z.int().check(z.gte(0), z.lte(MAX_CODE_ATTEMPTS)),
  issuedAt: Timestamp,
  expiresAt: Timestamp,
  /** When it was verified or failed. */
  closedAt: z.optional(Timestamp),
  failure: z.optional(z.enum(['attempts', 'expired'])),
});
export type OneTimeCodeOutcome = z.infer<typeof OneTimeCodeOutcome>;
