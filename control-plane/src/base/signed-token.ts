import { fromHex, hmacSha256Hex, toHex, verifyHmacSha256Hex } from '@vident/protocol';
import { z } from 'zod';

/*
 * The one token format of the control plane (participant links, desk links):
 *
 *   token = base64url(JSON payload) "." base64url(HMAC-SHA256(TOKEN_SECRET, domain + payloadPart))
 *
 * Kinds of token share TOKEN_SECRET, so each MACs its own domain prefix: a token of one kind never
 * verifies as another, whatever its payload says. (Participant tokens, the first kind, use the
 * empty domain: links handed out before desk tokens existed stay valid.)
 */

const MAX_TOKEN_LENGTH = 2048;
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

/** Signs a payload (already in its final shape) as a token of `domain`. */
export async function sealSignedToken(secret: string, domain: string, payload: object): Promise<string> {
  const payloadPart = base64url(encoder.encode(JSON.stringify(payload)));
  const mac = fromHex(await hmacSha256Hex(secret, domain + payloadPart))!;
  return `${payloadPart}.${base64url(mac)}`;
}

/**
 * The payload of a token of `domain` whose signature and shape check out, else null. Expiry and
 * scope are the caller's. Never throws on hostile input.
 */
export async function openSignedToken<T>(secret: string, domain: string, token: string, schema: z.core.$ZodType<T>): Promise<T | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const [payloadPart, macPart, ...rest] = token.split('.');
  if (!payloadPart || !macPart || rest.length > 0) return null;
  const mac = fromBase64url(macPart);
  if (!mac || mac.length !== 32) return null;
  if (!(await verifyHmacSha256Hex(secret, domain + payloadPart, toHex(mac)))) return null;
  const json = fromBase64url(payloadPart);
  if (!json) return null;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(json));
  } catch {
    return null;
  }
  const parsed = z.safeParse(schema, value);
  return parsed.success ? parsed.data : null;
}
