/*
 * Request signatures shared by the bank API, the node API and the control plane's commands to
 * nodes. Pure WebCrypto: runs in Workers, Node 20 and browsers alike.
 *
 *   canonical = METHOD "\n" PATH_WITH_QUERY "\n" TIMESTAMP "\n" [NONCE "\n"] hex(sha256(body))
 *   X-Vident-Signature = hex(HMAC-SHA256(secret, canonical))       bank and admin API (shared secret)
 *                      = hex(Ed25519(privateKey, canonical))       nodes and the control plane's commands
 *
 * Which of the two a key id uses is the verifier's knowledge, never the request's: the verifier's
 * key lookup answers a secret (HMAC) or an Ed25519 public key.
 *
 * An answer to a signed request (the sidecar's answer to a command) is bound to that request:
 *
 *   canonical answer = "ANSWER" "\n" requestSignature "\n" STATUS "\n" hex(sha256(answerBody))
 *   X-Vident-Answer-Signature = hex(Ed25519(answerer's privateKey, canonical answer))
 *
 * so an answer swapped on the way, or one replayed from another request, does not verify.
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
  /** On an answer: the answerer's signature binding it to the request it answers. */
  answerSignature: 'x-vident-answer-signature',
} as const;

/**
 * The key a request is signed or verified with: an HMAC secret (text), or an Ed25519 CryptoKey
 * (the private key to sign, the public key to verify).
 */
export type RequestKey = string | CryptoKey;

const ED25519 = { name: 'Ed25519' } as const;

/** What an X-Vident-Nonce must look like (so it cannot smuggle a line break into the canonical form). */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Default replay window: requests older or newer than this are refused. */
export const SIGNATURE_WINDOW_SECONDS = 300;

const encoder = new TextEncoder();

const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  let out = '';
  for (const b of new Uint8Array(bytes)) out += HEX_BYTES[b];
  return out;
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
  return canonicalRequestOfHash(method, pathWithQuery, timestamp, await sha256Hex(body), nonce);
}

/** canonicalRequest with the body's SHA-256 (hex) already known: a streamed body, hashed as it arrives. */
export function canonicalRequestOfHash(method: string, pathWithQuery: string, timestamp: string, bodySha256: string, nonce?: string): string {
  const noncePart = nonce === undefined ? '' : `${nonce}\n`;
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${noncePart}${bodySha256}`;
}

/** Signs canonical text with an HMAC secret or an Ed25519 private key; hex. */
export async function signCanonical(key: RequestKey, canonical: string): Promise<string> {
  if (typeof key === 'string') return hmacSha256Hex(key, canonical);
  return toHex(await crypto.subtle.sign(ED25519, key, encoder.encode(canonical)));
}

/** Checks a hex signature of canonical text (HMAC in constant time, or Ed25519). Never throws. */
export async function verifyCanonical(key: RequestKey, canonical: string, signatureHex: string): Promise<boolean> {
  if (typeof key === 'string') return verifyHmacSha256Hex(key, canonical, signatureHex);
  const signature = fromHex(signatureHex);
  if (!signature || signature.length !== 64) return false;
  try {
    return await crypto.subtle.verify(ED25519, key, signature, encoder.encode(canonical));
  } catch {
    return false;
  }
}

/** The text an answer's signature covers: the request's signature, the status and the body's hash. */
export async function canonicalAnswer(requestSignature: string, status: number, body: string | Uint8Array): Promise<string> {
  return `ANSWER\n${requestSignature.toLowerCase()}\n${status}\n${await sha256Hex(body)}`;
}

/** X-Vident-Answer-Signature for an answer to the request signed `requestSignature`. */
export async function signAnswer(privateKey: CryptoKey, requestSignature: string, status: number, body: string | Uint8Array): Promise<string> {
  return signCanonical(privateKey, await canonicalAnswer(requestSignature, status, body));
}

/** Whether an answer's X-Vident-Answer-Signature is the expected answerer's, for exactly this request. */
export async function verifyAnswer(
  publicKey: CryptoKey,
  requestSignature: string,
  status: number,
  body: string | Uint8Array,
  answerSignature: string | null | undefined,
): Promise<boolean> {
  if (!answerSignature) return false;
  return verifyCanonical(publicKey, await canonicalAnswer(requestSignature, status, body), answerSignature);
}

/**
 * Imported HMAC keys by secret: a verifier or signer uses a handful of secrets, each imported once.
 * Keys, not pending promises, are kept: a Worker must not await another request's promise.
 */
const hmacKeys = new Map<string, CryptoKey>();
const HMAC_KEYS_KEPT = 64;

async function hmacKey(secret: string): Promise<CryptoKey> {
  const kept = hmacKeys.get(secret);
  if (kept) return kept;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  // A bound, not an LRU: past it (many test secrets) the cache starts over.
  if (hmacKeys.size >= HMAC_KEYS_KEPT) hmacKeys.clear();
  hmacKeys.set(secret, key);
  return key;
}

export async function hmacSha256Hex(secret: string, data: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(data)));
}

/** Constant-time check of a hex HMAC-SHA256 signature. */
export async function verifyHmacSha256Hex(secret: string, data: string, signatureHex: string): Promise<boolean> {
  const signature = fromHex(signatureHex);
  if (!signature || signature.length !== 32) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(secret), signature, encoder.encode(data));
}

export interface SignInput {
  keyId: string;
  /** An HMAC secret, or an Ed25519 private key. */
  secret: RequestKey;
  method: string;
  /** Path and query string exactly as sent, e.g. `/v1/sessions?state=waiting`. */
  pathWithQuery: string;
  body?: string | Uint8Array;
  /** The body's SHA-256 (hex) instead of the body: a body streamed after its headers. */
  bodySha256?: string;
  /** Clock in milliseconds; defaults to Date.now(). */
  now?: number;
  /** X-Vident-Nonce; defaults to a fresh random one. `false` signs without a nonce. */
  nonce?: string | false;
}

/** Headers that authenticate one request. */
export async function signRequest(input: SignInput): Promise<Record<string, string>> {
  const timestamp = String(Math.floor((input.now ?? Date.now()) / 1000));
  const nonce = input.nonce === false ? undefined : (input.nonce ?? crypto.randomUUID().replace(/-/g, ''));
  const bodySha256 = input.bodySha256 ?? (await sha256Hex(input.body ?? ''));
  const canonical = canonicalRequestOfHash(input.method, input.pathWithQuery, timestamp, bodySha256, nonce);
  return {
    [SIGNATURE_HEADERS.keyId]: input.keyId,
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    ...(nonce === undefined ? {} : { [SIGNATURE_HEADERS.nonce]: nonce }),
    [SIGNATURE_HEADERS.signature]: await signCanonical(input.secret, canonical),
  };
}

export type VerifyFailure = {
  ok: false;
  code: 'unauthorized' | 'unknown_key' | 'key_revoked' | 'timestamp_out_of_window' | 'signature_invalid';
  message: string;
};
export type VerifyResult = { ok: true; keyId: string } | VerifyFailure;

export interface VerifyInput {
  method: string;
  pathWithQuery: string;
  /** The body as received; or, for a streamed body, its declared SHA-256 as `{ sha256 }`. */
  body: string | Uint8Array | { sha256: string };
  /** Header lookup, case-insensitive (e.g. `(n) => request.headers.get(n)`). */
  header: (name: string) => string | null | undefined;
  /**
   * The key for a key id (an HMAC secret, or an Ed25519 public key), undefined if the key is
   * unknown, or a refusal of the key id (e.g. a revoked node).
   */
  secretFor: (keyId: string) => RequestKey | undefined | VerifyFailure | Promise<RequestKey | undefined | VerifyFailure>;
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
  const secret = await input.secretFor(keyId);
  if (secret === undefined) return { ok: false, code: 'unknown_key', message: 'unknown key id' };
  if (typeof secret === 'object' && 'ok' in secret) return secret;
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
  const bodySha256 = typeof input.body === 'object' && 'sha256' in input.body ? input.body.sha256 : await sha256Hex(input.body);
  const canonical = canonicalRequestOfHash(input.method, input.pathWithQuery, timestamp, bodySha256, nonce);
  if (!(await verifyCanonical(secret, canonical, signature))) {
    return { ok: false, code: 'signature_invalid', message: 'signature does not match' };
  }
  return { ok: true, keyId };
}
