/*
 * Request signatures shared by the bank API, the node API and the control plane's commands to
 * nodes. Pure WebCrypto: runs in Workers, Node 20 and browsers alike.
 *
 *   canonical = METHOD "\n" PATH_WITH_QUERY "\n" TIMESTAMP "\n" [NONCE "\n"] hex(sha256(body))
 *   X-Vident-Signature = hex(HMAC-SHA256(secret, canonical))
 *
 * TIMESTAMP is Unix seconds. A request is accepted only within +-windowSeconds of the verifier's
 * clock, and only with a key id the verifier knows.
 *
 * NONCE (header X-Vident-Nonce, optional, 16..64 of [A-Za-z0-9_-]) makes two otherwise identical
 * requests in the same second sign differently, so a verifier that refuses a signature it has
 * already seen (replay protection) does not refuse a legitimate repeat. signRequest adds one unless
 * told not to; a request signed without one keeps the original four-line canonical form.
 */

export const SIGNATURE_HEADERS = {
  keyId: 'x-vident-key-id',
  timestamp: 'x-vident-timestamp',
  signature: 'x-vident-signature',
  nonce: 'x-vident-nonce',
} as const;

/** What an X-Vident-Nonce must look like (so it cannot smuggle a line break into the canonical form). */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Default replay window: requests older or newer than this are refused. */
export const SIGNATURE_WINDOW_SECONDS = 300;

const encoder = new TextEncoder();

/** Lowercase hex of bytes. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Bytes of a hex string, or null if it is not hex. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export async function sha256Hex(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === 'string' ? encoder.encode(body) : new Uint8Array(body);
  return toHex(await crypto.subtle.digest('SHA-256', bytes));
}

export async function canonicalRequest(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  body: string | Uint8Array,
  nonce?: string,
): Promise<string> {
  const noncePart = nonce === undefined ? '' : `${nonce}\n`;
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${noncePart}${await sha256Hex(body)}`;
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

export async function hmacSha256Hex(secret: string, data: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret, 'sign'), encoder.encode(data)));
}

/** Constant-time check of a hex HMAC-SHA256 signature. */
export async function verifyHmacSha256Hex(secret: string, data: string, signatureHex: string): Promise<boolean> {
  const signature = fromHex(signatureHex);
  if (!signature || signature.length !== 32) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret, 'verify'), signature, encoder.encode(data));
}

export interface SignInput {
  keyId: string;
  secret: string;
  method: string;
  /** Path and query string exactly as sent, e.g. `/v1/sessions?state=waiting`. */
  pathWithQuery: string;
  body?: string;
  /** Clock in milliseconds; defaults to Date.now(). */
  now?: number;
  /** X-Vident-Nonce; defaults to a fresh random one. `false` signs without a nonce. */
  nonce?: string | false;
}

/** Headers that authenticate one request. */
export async function signRequest(input: SignInput): Promise<Record<string, string>> {
  const timestamp = String(Math.floor((input.now ?? Date.now()) / 1000));
  const nonce = input.nonce === false ? undefined : (input.nonce ?? crypto.randomUUID().replace(/-/g, ''));
  const canonical = await canonicalRequest(input.method, input.pathWithQuery, timestamp, input.body ?? '', nonce);
  return {
    [SIGNATURE_HEADERS.keyId]: input.keyId,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    ...(nonce === undefined ? {} : { [SIGNATURE_HEADERS.nonce]: nonce }),
    [SIGNATURE_HEADERS.signature]: await hmacSha256Hex(input.secret, canonical),
  };
}

export type VerifyFailure = {
  ok: false;
  code: 'unauthorized' | 'unknown_key' | 'timestamp_out_of_window' | 'signature_invalid';
  message: string;
};
export type VerifyResult = { ok: true; keyId: string } | VerifyFailure;

export interface VerifyInput {
  method: string;
  pathWithQuery: string;
  body: string | Uint8Array;
  /** Header lookup, case-insensitive (e.g. `(n) => request.headers.get(n)`). */
  header: (name: string) => string | null | undefined;
  /** Secret for a key id, or undefined if the key is unknown. */
  secretFor: (keyId: string) => string | undefined;
  now?: number;
  windowSeconds?: number;
}

/** Verifies a signed request. Never throws on hostile input. */
export async function verifyRequest(input: VerifyInput): Promise<VerifyResult> {
  const keyId = input.header(SIGNATURE_HEADERS.keyId);
  const timestamp = input.header(SIGNATURE_HEADERS.timestamp);
  const signature = input.header(SIGNATURE_HEADERS.signature);
  if (!keyId || !timestamp || !signature) {
    return { ok: false, code: 'unauthorized', message: 'missing X-Vident-Key-Id, X-Vident-Timestamp or X-Vident-Signature' };
  }
  const secret = input.secretFor(keyId);
  if (secret === undefined) return { ok: false, code: 'unknown_key', message: 'unknown key id' };
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, code: 'timestamp_out_of_window', message: 'timestamp must be Unix seconds' };
  }
  const skew = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp));
  if (skew > (input.windowSeconds ?? SIGNATURE_WINDOW_SECONDS)) {
    return { ok: false, code: 'timestamp_out_of_window', message: 'timestamp outside the accepted window' };
  }
  const nonce = input.header(SIGNATURE_HEADERS.nonce) ?? undefined;
  if (nonce !== undefined && !NONCE_PATTERN.test(nonce)) {
    return { ok: false, code: 'signature_invalid', message: 'X-Vident-Nonce must be 16..64 of [A-Za-z0-9_-]' };
  }
  const canonical = await canonicalRequest(input.method, input.pathWithQuery, timestamp, input.body, nonce);
  if (!(await verifyHmacSha256Hex(secret, canonical, signature))) {
    return { ok: false, code: 'signature_invalid', message: 'signature does not match' };
  }
  return { ok: true, keyId };
}
