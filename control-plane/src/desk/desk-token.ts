import { AgentId, DESK_TOKEN_MINUTES, DeskRole, Locale } from '@vident/protocol';
import { z } from 'zod';
import { openSignedToken, sealSignedToken } from '../base/signed-token.ts';

/*
 * Desk tokens: what an agent's or supervisor's console link carries (fragment) and presents on the
 * desk socket and the overview route.
 *
 *   token = base64url(JSON{v:1,typ:"desk",aid,name,role,loc,exp,until,gen}) "." base64url(HMAC-SHA256(TOKEN_SECRET, DOMAIN + payloadPart))
 *
 * Short-lived: exp is at most DESK_TOKEN_MINUTES away; the console trades its token for a fresh one
 * (`POST /v1/desk/token`) until `until`, the end of the bank's sign-in. `gen` is the agent's
 * revocation generation when the token was minted (agent-revocations.ts): the desk refuses a token
 * of an older generation, so the bank's revocation cuts every earlier token off at once.
 *
 * (signed-token.ts.) The same TOKEN_SECRET signs participant tokens, so the MAC input is
 * domain-separated: a participant token's MAC covers the payload alone, a desk token's covers
 * DOMAIN + payload. Neither verifies as the other, whatever its payload says.
 */

const DOMAIN = 'vident-desk-token.v1\n';

export const DeskTokenPayload = z.strictObject({
  v: z.literal(1),
  typ: z.literal('desk'),
  aid: AgentId,
  name: z.string().min(1).max(100),
  role: DeskRole,
  loc: z.array(Locale).min(1).max(Locale.options.length),
  exp: z.number().int().positive(),
  /** End of the sign-in (unix seconds): no refresh goes past it. */
  until: z.number().int().positive(),
  gen: z.number().int().nonnegative(),
});
export type DeskTokenPayload = z.infer<typeof DeskTokenPayload>;

export type DeskTokenCheck =
  | { ok: true; payload: DeskTokenPayload }
  | { ok: false; code: 'token_invalid' | 'token_expired'; message: string };

/** Mints a desk token for a signed-in agent or supervisor. */
export async function mintDeskToken(secret: string, payload: Omit<DeskTokenPayload, 'v' | 'typ'>): Promise<string> {
  const body: DeskTokenPayload = {
    v: 1,
    typ: 'desk',
    aid: payload.aid,
    name: payload.name,
    role: payload.role,
    loc: payload.loc,
    exp: Math.min(payload.exp, payload.until),
    until: payload.until,
    gen: payload.gen,
  };
  return sealSignedToken(secret, DOMAIN, body);
}

/** A desk token's expiry (unix seconds) when minted at `now` (ms) for a sign-in ending at `until`. */
export function deskTokenExpiry(now: number, until: number): number {
  return Math.min(Math.floor(now / 1000) + DESK_TOKEN_MINUTES * 60, until);
}

/** Verifies signature, shape and expiry. Never throws on hostile input. */
export async function verifyDeskToken(secret: string, token: string, now: number): Promise<DeskTokenCheck> {
  const payload = await openSignedToken(secret, DOMAIN, token, DeskTokenPayload);
  if (!payload) return { ok: false, code: 'token_invalid', message: 'desk token is not valid' };
  if (payload.exp * 1000 <= now) return { ok: false, code: 'token_expired', message: 'desk token has expired; sign in again' };
  return { ok: true, payload };
}
