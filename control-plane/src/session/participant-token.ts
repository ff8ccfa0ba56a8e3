import { AgentId, Role, SessionId } from '@vident/protocol';
import { z } from 'zod';
import { openSignedToken, sealSignedToken } from '../base/signed-token.ts';
import type { AgentClaim } from './session-rpc.ts';

/*
 * Participant tokens: what a join link carries (in its URL fragment) and what the browser presents
 * when it opens the session's WebSocket.
 *
 *   token = base64url(JSON{v:1,sid,role,exp[,aid,asg]}) "." base64url(HMAC-SHA256(TOKEN_SECRET, payloadPart))
 *
 * (signed-token.ts, with the empty domain: the first kind of token, kept as it was.)
 * exp is Unix seconds (as in JWTs): the session's expiresAt, so a link dies with its session.
 */

export const TokenPayload = z.strictObject({
  v: z.literal(1),
  sid: SessionId,
  role: Role,
  exp: z.number().int().positive(),
  /**
   * Agent links the desk hands out name their agent and assignment: the session admits such a token
   * only while that very assignment is current (agent-assignment.ts). The bank's own agent link
   * (agentUrl) carries neither.
   */
  aid: z.optional(AgentId),
  asg: z.string().regex(/^[A-Za-z0-9-]{8,64}$/).optional(),
});
export type TokenPayload = z.infer<typeof TokenPayload>;

const PARTICIPANT_DOMAIN = '';

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; code: 'token_invalid' | 'token_expired'; message: string };

/** Mints a token for one participant of one session. */
export async function mintToken(secret: string, payload: Omit<TokenPayload, 'v'>): Promise<string> {
  const body: TokenPayload = { v: 1, sid: payload.sid, role: payload.role, exp: payload.exp };
  if (payload.aid !== undefined && payload.asg !== undefined) {
    body.aid = payload.aid;
    body.asg = payload.asg;
  }
  return sealSignedToken(secret, PARTICIPANT_DOMAIN, body);
}

export interface TokenExpectation {
  sessionId: string;
  /** When given, a token of the other role is refused. */
  role?: Role;
  now: number;
}

/**
 * Verifies signature, shape, expiry and scope. Never throws on hostile input; a token for another
 * session or role answers token_invalid (the caller learns nothing about which part was wrong).
 */
export async function verifyToken(secret: string, token: string, expect: TokenExpectation): Promise<TokenCheck> {
  const invalid = { ok: false, code: 'token_invalid', message: 'participant token is not valid' } as const;
  const payload = await openSignedToken(secret, PARTICIPANT_DOMAIN, token, TokenPayload);
  if (!payload) return invalid;
  if (payload.sid !== expect.sessionId) return invalid;
  if (expect.role !== undefined && payload.role !== expect.role) return invalid;
  if (payload.exp * 1000 <= expect.now) return { ok: false, code: 'token_expired', message: 'participant token has expired' };
  return { ok: true, payload };
}

/** The agent and assignment a verified agent token names; null for a customer's or the bank's own agent link. */
export function agentClaimOfToken(payload: TokenPayload): AgentClaim | null {
  if (payload.role !== 'agent' || payload.aid === undefined || payload.asg === undefined) return null;
  return { agentId: payload.aid, assignmentId: payload.asg };
}
