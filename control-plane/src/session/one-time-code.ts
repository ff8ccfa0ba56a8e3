import {
  constantTimeEqual,
  fromBase64,
  generateOneTimeCode,
  MAX_CODE_ATTEMPTS,
  toBase64,
  toHex,
  type ErrorCode,
  type OneTimeCodeOutcome,
  type OneTimeCodeStatus,
  type OneTimeCodeView,
  type RandomSource,
} from '@vident/protocol';

/*
 * The session's one-time code (issue 15), free of I/O. The Durable Object's storage never holds the
 * code in the clear: it keeps
 * - `hash`: HMAC-SHA256 under a key derived from TOKEN_SECRET over the session id and the code, which
 *   the customer's entry is compared with in constant time (a stolen record alone does not give the
 *   code: the 10^6 candidates cannot be tried without the secret);
 * - `sealed`: the code under AES-GCM (key derived from TOKEN_SECRET, the session id as associated
 *   data), because the bank fetches the code after the webhook; dropped as soon as the code is
 *   verified, failed or expired, so from then on only the hash is left.
 */

/** The code as the session stores it. */
export interface StoredOneTimeCode {
  hash: string;
  /** base64(iv || AES-GCM ciphertext) while the code is open; null once closed. */
  sealed: string | null;
  issuedAt: string;
  expiresAt: string;
  /** Wrong entries so far. */
  attempts: number;
  status: OneTimeCodeStatus;
  closedAt?: string;
  failure?: 'attempts' | 'expired';
}

const encoder = new TextEncoder();

async function derivedBytes(secret: string, purpose: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`vident one-time code ${purpose}\u0000${secret}`)));
}

async function codeHash(secret: string, sessionId: string, code: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', await derivedBytes(secret, 'hash'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${sessionId}:${code}`))));
}

async function sealKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', await derivedBytes(secret, 'seal'), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

/** A fresh code for the session, valid `ttlMs` from `now`, and what the session stores of it. */
export async function issueCode(secret: string, sessionId: string, now: number, ttlMs: number, random?: RandomSource): Promise<{ code: string; stored: StoredOneTimeCode }> {
  const code = generateOneTimeCode(random);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(sessionId) }, await sealKey(secret), encoder.encode(code)));
  const sealed = new Uint8Array(iv.length + cipher.length);
  sealed.set(iv);
  sealed.set(cipher, iv.length);
  return {
    code,
    stored: {
      hash: await codeHash(secret, sessionId, code),
      sealed: toBase64(sealed),
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlMs).toISOString(),
      attempts: 0,
      status: 'pending',
    },
  };
}

/** The code back from its sealed copy, for the bank; null once it is closed (or the copy does not open). */
export async function openCode(secret: string, sessionId: string, stored: StoredOneTimeCode): Promise<string | null> {
  if (stored.sealed === null) return null;
  const bytes = fromBase64(stored.sealed);
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: encoder.encode(sessionId) }, await sealKey(secret), bytes.slice(12));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

/** Closes a pending code that expired by `now` (failed: expired). True when it changed. */
export function expireCode(stored: StoredOneTimeCode, now: number): boolean {
  if (stored.status !== 'pending' || Date.parse(stored.expiresAt) > now) return false;
  close(stored, 'failed', now, 'expired');
  return true;
}

function close(stored: StoredOneTimeCode, status: 'verified' | 'failed', now: number, failure?: 'attempts' | 'expired'): void {
  stored.status = status;
  stored.sealed = null;
  stored.closedAt = new Date(now).toISOString();
  if (failure) stored.failure = failure;
}

export type CodeEntry =
  | { ok: true; result: 'verified' | 'wrong' | 'failed' }
  | { ok: false; code: ErrorCode; message: string; expired: boolean };

/**
 * The customer typed `entered`: compared with the stored hash in constant time; a wrong entry
 * spends an attempt and the last one fails the code for good. Changes `stored` in place.
 */
export async function enterCode(secret: string, sessionId: string, stored: StoredOneTimeCode, entered: string, now: number): Promise<CodeEntry> {
  if (expireCode(stored, now)) return { ok: false, code: 'one_time_code_closed', message: 'the one-time code has expired', expired: true };
  if (stored.status !== 'pending') return { ok: false, code: 'one_time_code_closed', message: `the one-time code is ${stored.status}`, expired: false };
  if (constantTimeEqual(await codeHash(secret, sessionId, entered), stored.hash)) {
    close(stored, 'verified', now);
    return { ok: true, result: 'verified' };
  }
  stored.attempts += 1;
  if (stored.attempts >= MAX_CODE_ATTEMPTS) {
    close(stored, 'failed', now, 'attempts');
    return { ok: true, result: 'failed' };
  }
  return { ok: true, result: 'wrong' };
}

/** What the participants' pages are shown. */
export function codeView(stored: StoredOneTimeCode): OneTimeCodeView {
  return {
    status: stored.status,
    attemptsLeft: stored.status === 'pending' ? MAX_CODE_ATTEMPTS - stored.attempts : 0,
    expiresAt: stored.expiresAt,
    ...(stored.failure ? { failure: stored.failure } : {}),
  };
}

/** What the sealed assessment keeps: the course, not the code, not its hash. */
export function codeOutcome(stored: StoredOneTimeCode): OneTimeCodeOutcome {
  return {
    status: stored.status,
    attempts: stored.attempts,
    issuedAt: stored.issuedAt,
    expiresAt: stored.expiresAt,
    ...(stored.closedAt ? { closedAt: stored.closedAt } : {}),
    ...(stored.failure ? { failure: stored.failure } : {}),
  };
}

/** Whether an approval may stand: a session that asks for the code needs it verified. */
export function codeGate(r: { oneTimeCodeRequired?: boolean; oneTimeCode?: StoredOneTimeCode }): { ok: true } | { ok: false; code: ErrorCode; message: string } {
  if (!r.oneTimeCodeRequired || r.oneTimeCode?.status === 'verified') return { ok: true };
  return { ok: false, code: 'one_time_code_required', message: `an approval needs the one-time code verified (it is ${r.oneTimeCode?.status ?? 'not issued yet'})` };
}
