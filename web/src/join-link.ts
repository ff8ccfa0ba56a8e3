import * as z from 'zod/mini';
import { Role, SessionBrowserPaths, SessionId } from '@vident/protocol';

/**
 * What the page learns from a participant link `/join#token=<payload>.<sig>`.
 * Only the payload is decoded, to pick the session and role-aware wording: the server verifies
 * the signature and is the sole authority on whether the token is valid.
 */
export interface JoinLink {
  token: string;
  sessionId: string;
  role: Role;
  /** Expiry, unix seconds. */
  exp: number;
}

const TokenPayload = z.object({
  v: z.literal(1),
  sid: SessionId,
  role: Role,
  exp: z.int().check(z.positive()),
});

export type JoinLinkResult =
  | { kind: 'none' }
  | { kind: 'invalid'; reason: 'malformed' | 'payload' }
  | { kind: 'ok'; link: JoinLink };

/** The token alphabet: base64url payload and signature joined by one dot. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Decodes base64url (no padding needed) to a UTF-8 string; null when it is not base64url. */
export function decodeBase64Url(input: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(input) || input.length % 4 === 1) return null;
  const b64 = input.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Reads the participant token from a URL fragment (`#token=...`, other fragment params allowed).
 * The token lives in the fragment so it never reaches server logs or Referer headers.
 */
export function parseJoinLink(hash: string): JoinLinkResult {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token');
  if (token === null || token === '') return { kind: 'none' };
  if (token.length > 4096 || !TOKEN_SHAPE.test(token)) return { kind: 'invalid', reason: 'malformed' };
  const json = decodeBase64Url(token.slice(0, token.indexOf('.')));
  if (json === null) return { kind: 'invalid', reason: 'malformed' };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { kind: 'invalid', reason: 'payload' };
  }
  const parsed = TokenPayload.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', reason: 'payload' };
  const { sid, role, exp } = parsed.data;
  return { kind: 'ok', link: { token, sessionId: sid, role, exp } };
}

/** True when the link's expiry has passed (advisory: the server decides). */
export function isLinkExpired(link: JoinLink, nowMs: number): boolean {
  return link.exp * 1000 <= nowMs;
}

/** The session's signaling WebSocket URL on the page's own origin. */
export function sessionSocketUrl(origin: string, sessionId: string, standby = false): string {
  const url = new URL(standby ? SessionBrowserPaths.standbySocket(sessionId) : SessionBrowserPaths.socket(sessionId), origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * WebSocket subprotocols carrying the token: browsers cannot set headers on a WebSocket, and a
 * query string would land in access logs. Token characters are all valid subprotocol characters.
 */
export { sessionSocketProtocols } from '@vident/protocol';

/** The sessionStorage key under which a call page keeps its participant token (this tab only). */
export const JOIN_TOKEN_KEY = 'vident.joinToken';

/** Where the page keeps its token: sessionStorage (null when the browser refuses it). */
export type JoinTokenStore = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The page's join link. From the fragment, it is kept in this tab's sessionStorage and `fromHash`
 * tells the caller to take the fragment out of the address bar and its history (security review
 * finding 9); without a fragment, on /join, the link this tab kept (a reload mid-call joins again).
 */
export function takeJoinLink(hash: string, pathname: string, store: JoinTokenStore | null): { result: JoinLinkResult; fromHash: boolean } {
  const fromHash = parseJoinLink(hash);
  if (fromHash.kind === 'ok') {
    try {
      store?.setItem(JOIN_TOKEN_KEY, fromHash.link.token);
    } catch {
      // Storage refused: a reload then needs the link again.
    }
    return { result: fromHash, fromHash: true };
  }
  if (fromHash.kind === 'invalid' || pathname !== '/join') return { result: fromHash, fromHash: false };
  let kept: string | null = null;
  try {
    kept = store?.getItem(JOIN_TOKEN_KEY) ?? null;
  } catch {
    kept = null;
  }
  return { result: kept ? parseJoinLink(`#token=${kept}`) : fromHash, fromHash: false };
}
