import { NodeId, SIGNATURE_HEADERS, verifyRequest } from '@vident/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { replayStub } from './env.ts';
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

/** Node API: key id = node id, signed with the fleet's NODE_SECRET. */
export const nodeAuth: MiddlewareHandler<AppEnv> = signedBy({
  secretFor: (keyId, c) => (NodeId.safeParse(keyId).success ? c.var.config.nodeSecret : undefined),
});

/** A node may only speak for itself. */
export function requireOwnNode(c: Context<AppEnv>, nodeId: string): void {
  if (c.var.keyId !== nodeId) throw new ApiError('forbidden', 403, 'key id does not match the node id');
}
