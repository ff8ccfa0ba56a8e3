import type { IceServer, Role } from '@vident/protocol';

/*
 * TURN credentials by the TURN REST API shared-secret scheme (coturn's `use-auth-secret`):
 *   username   = "<expiry unix seconds>:<label>"
 *   credential = base64(HMAC-SHA1(shared secret, username))
 * The TURN server recomputes the credential from the username and refuses one whose expiry has
 * passed, so nothing is stored and every participant gets its own short-lived pair.
 */

/** TURN as configured (TURN_URLS, TURN_SHARED_SECRET, TURN_CREDENTIAL_TTL_SECONDS). */
export interface TurnConfig {
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

const encoder = new TextEncoder();

/** The credential the TURN server expects for `username`. */
export async function turnCredential(secret: string, username: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(username)));
  let binary = '';
  for (const b of mac) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * One participant's ICE server entry (for the call and the customer's relay probe alike). The
 * username's label ends up in the TURN server's logs, so it holds no secret: a session id prefix
 * and the role are enough to tell allocations apart.
 */
export async function turnIceServer(turn: TurnConfig, sessionId: string, role: Role, nowMs: number): Promise<IceServer> {
  const expiry = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  const username = `${expiry}:${sessionId.slice(0, 8)}-${role}`;
  return { urls: [...turn.urls], username, credential: await turnCredential(turn.secret, username) };
}
