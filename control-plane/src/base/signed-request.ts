import { NodeId, NONCE_PATTERN, SIGNATURE_HEADERS, verifyHmacSha256Hex, verifyRequest } from '@vident/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { replayStub } from './replay-guard.ts';
import { ApiError, readBody } from './http-error.ts';

/** Replay window for every signed request (seconds either side of our clock). */
export const SIGNED_WINDOW_SECONDS = 300;

interface SignedPolicy {
  secretFor: (keyId: string, c: Context<AppEnv>) => string | undefined;
  isRevoked?: (keyId: string, c: Context<AppEnv>) => boolean;
}

function signedBy(policy: SignedPolicy): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const body = await readBody(c.req.raw);
    const claimedKey = c.req.header(SIGNATURE_HEADERS.keyId);
    if (claimedKey && policy.isRevoked?.(claimedKey, c)) throw new ApiError('key_revoked', 401, 'this key id has been revoked');
    const url = new URL(c.req.url);
    const result = await verifyRequest({
      method: c.req.method,
      pathWithQuery: url.pathname + url.search,
      body: body.bytes,
      header: (name) => c.req.header(name),
      secretFor: (keyId) => policy.secretFor(keyId, c),
      windowSeconds: SIGNED_WINDOW_SECONDS,
    });
    if (!result.ok) throw new ApiError(result.code, 401, result.message);
    await refuseReplay(c);
    c.set('keyId', result.keyId);
    c.set('rawBody', body.text);
    await next();
  };
}

/**
 * Each verified signature is accepted once. It is remembered until its timestamp leaves the window
 * (after which the timestamp check refuses it anyway). Only verified requests reach this point, so
 * unauthenticated traffic cannot fill the guard.
 */
async function refuseReplay(c: Context<AppEnv>): Promise<void> {
  // Verified above: 64 hex digits and a Unix-seconds timestamp. Hex case does not change the MAC.
  const signature = (c.req.header(SIGNATURE_HEADERS.signature) ?? '').toLowerCase();
  const timestamp = Number(c.req.header(SIGNATURE_HEADERS.timestamp));
  const expiresAt = (timestamp + SIGNED_WINDOW_SECONDS + 1) * 1000;
  if (!(await replayStub(c.env, signature).claim(signature, expiresAt))) {
    throw new ApiError('request_replayed', 401, 'this signed request was already received');
  }
}

/** Bank API: a key id from BANK_API_KEYS and its secret, unless listed in BANK_API_REVOKED_KEYS. */
export const bankAuth: MiddlewareHandler<AppEnv> = signedBy({
  secretFor: (keyId, c) => (Object.hasOwn(c.var.config.bankApiKeys, keyId) ? c.var.config.bankApiKeys[keyId] : undefined),
  isRevoked: (keyId, c) => c.var.config.bankApiRevokedKeys.has(keyId),
});

/** Admin API (platform team): a key id from ADMIN_API_KEYS; bank keys are not admin keys. */
export const adminAuth: MiddlewareHandler<AppEnv> = signedBy({
  secretFor: (keyId, c) => (Object.hasOwn(c.var.config.adminApiKeys, keyId) ? c.var.config.adminApiKeys[keyId] : undefined),
});

/** Node API: key id = node id, signed with the fleet's NODE_SECRET. */
export const nodeAuth: MiddlewareHandler<AppEnv> = signedBy({
  secretFor: (keyId, c) => (NodeId.safeParse(keyId).success ? c.var.config.nodeSecret : undefined),
});

/** A node may only speak for itself. */
export function requireOwnNode(c: Context<AppEnv>, nodeId: string): void {
  if (c.var.keyId !== nodeId) throw new ApiError('forbidden', 403, 'key id does not match the node id');
}

/**
 * Node API requests whose body is streamed rather than buffered (upload parts, up to MAX_PART_SIZE):
 * the same signature as every node request, with the body's SHA-256 taken from the header the node
 * declares it in (`declaredSha256`) instead of from a buffered body. The caller streams the body and
 * must refuse it unless its bytes hash to exactly that value. Sets keyId like nodeAuth does.
 */
export async function verifyStreamedNodeRequest(c: Context<AppEnv>, declaredSha256: string): Promise<void> {
  const keyId = c.req.header(SIGNATURE_HEADERS.keyId);
  const timestamp = c.req.header(SIGNATURE_HEADERS.timestamp);
  const signature = c.req.header(SIGNATURE_HEADERS.signature);
  if (!keyId || !timestamp || !signature) {
    throw new ApiError('unauthorized', 401, 'missing X-Vident-Key-Id, X-Vident-Timestamp or X-Vident-Signature');
  }
  if (!NodeId.safeParse(keyId).success) throw new ApiError('unknown_key', 401, 'unknown key id');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNED_WINDOW_SECONDS) {
    throw new ApiError('timestamp_out_of_window', 401, 'timestamp outside the accepted window');
  }
  const nonce = c.req.header(SIGNATURE_HEADERS.nonce);
  if (nonce !== undefined && !NONCE_PATTERN.test(nonce)) throw new ApiError('signature_invalid', 401, 'X-Vident-Nonce must be 16..64 of [A-Za-z0-9_-]');
  const url = new URL(c.req.url);
  // canonicalRequest's layout (protocol/src/signing.ts), with the declared hash in the body's place.
  const canonical = `${c.req.method.toUpperCase()}\n${url.pathname + url.search}\n${timestamp}\n${nonce === undefined ? '' : `${nonce}\n`}${declaredSha256}`;
  if (!(await verifyHmacSha256Hex(c.var.config.nodeSecret, canonical, signature))) {
    throw new ApiError('signature_invalid', 401, 'signature does not match');
  }
  await refuseReplay(c);
  c.set('keyId', keyId);
}
