import { fromHex, hmacSha256Hex, Role, SessionId, toHex, verifyHmacSha256Hex } from '@vident/protocol';
import { z } from 'zod';

/*
 * Participant tokens: what a join link carries (in its URL fragment) and what the browser presents
 * when it opens the session's WebSocket.
 *
 *   token = base64url(JSON{v:1,sid,role,exp}) "." base64url(HMAC-SHA256(TOKEN_SECRET, payloadPart))
 *
 * exp is Unix seconds (as in JWTs): the session's expiresAt, so a link dies with its session.
 */

export const TokenPayload = z.strictObject({
  v: z.literal(1),
  sid: SessionId,
  role: Role,
  exp: z.number().int().positive(),
});
export type TokenPayload = z.infer<typeof TokenPayload>;

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; code: 'token_invalid' | 'token_expired'; message: string };

const encoder = new TextEncoder();

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Mints a token for one participant of one session. */
export async function mintToken(secret: string, payload: Omit<TokenPayload, 'v'>): Promise<string> {
  const body: TokenPayload = { v: 1, sid: payload.sid, role: payload.role, exp: payload.exp };
  const payloadPart = base64url(encoder.encode(JSON.stringify(body)));
  const mac = fromHex(await hmacSha256Hex(secret, payloadPart))!;
  return `${payloadPart}.${base64url(mac)}`;
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
  if (token.length > 2048) return invalid;
  const [payloadPart, macPart, ...rest] = token.split('.');
  if (!payloadPart || !macPart || rest.length > 0) return invalid;
  const mac = fromBase64url(macPart);
  if (!mac || mac.length !== 32) return invalid;
  if (!(await verifyHmacSha256Hex(secret, payloadPart, toHex(mac)))) return invalid;
  const json = fromBase64url(payloadPart);
  if (!json) return invalid;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(json));
  } catch {
    return invalid;
  }
  const parsed = TokenPayload.safeParse(value);
  if (!parsed.success) return invalid;
  const payload = parsed.data;
  if (payload.sid !== expect.sessionId) return invalid;
  if (expect.role !== undefined && payload.role !== expect.role) return invalid;
  if (payload.exp * 1000 <= expect.now) return { ok: false, code: 'token_expired', message: 'participant token has expired' };
  return { ok: true, payload };
}
