import { NodeId, SIGNATURE_HEADERS, verifyRequest, type RequestKey, type VerifyFailure } from '@vident/protocol';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { registryStub, type Env } from './env.ts';
import { nodePublicKey } from '../fleet/node-signing-keys.ts';
import { REPLAYED_MESSAGE, replayClaimed } from './replay-guard.ts';
import type { ReplayTicket } from './replay-guard-rpc.ts';
import { ApiError, readBody } from './http-error.ts';

/** Replay window for every signed request (seconds either side of our clock). */
export const SIGNED_WINDOW_SECONDS = 300;

type KeyLookup = RequestKey | undefined | VerifyFailure;

interface SignedPolicy {
  secretFor: (keyId: string, c: Context<AppEnv>) => KeyLookup | Promise<KeyLookup>;
  isRevoked?: (keyId: string, c: Context<AppEnv>) => boolean;
}

function signedBy(policy: SignedPolicy, replay: 'before' | 'deferred' = 'before'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const body = await readBody(c.req.raw);
    await verifySigned(c, policy, body.bytes, replay);
    c.set('rawBody', body.text);
    await next();
  };
}

/** Verifies the request's signature over `body` (or a streamed body's declared hash), refuses a replay, sets keyId. */
async function verifySigned(
  c: Context<AppEnv>,
  policy: SignedPolicy,
  body: Uint8Array | { sha256: string },
  replay: 'before' | 'deferred' = 'before',
): Promise<void> {
  const claimedKey = c.req.header(SIGNATURE_HEADERS.keyId);
  if (claimedKey && policy.isRevoked?.(claimedKey, c)) throw new ApiError('key_revoked', 401, 'this key id has been revoked');
  const url = new URL(c.req.url);
  const result = await verifyRequest({
    method: c.req.method,
    pathWithQuery: url.pathname + url.search,
    body,
    header: (name) => c.req.header(name),
    secretFor: (keyId) => policy.secretFor(keyId, c),
    windowSeconds: SIGNED_WINDOW_SECONDS,
  });
  if (!result.ok) throw new ApiError(result.code, 401, result.message);
  c.set('keyId', result.keyId);
  const ticket = replayTicketOf(c);
  if (replay === 'before') return claimReplay(c.env, ticket);
  // Verified first (unauthenticated traffic gets no ticket); the route claims it with its own work.
  c.set('replayTicket', ticket);
}

function replayTicketOf(c: Context<AppEnv>): ReplayTicket {
  // Verified above: hex digits and a Unix-seconds timestamp. Hex case does not change the signature.
  const signature = (c.req.header(SIGNATURE_HEADERS.signature) ?? '').toLowerCase();
  const timestamp = Number(c.req.header(SIGNATURE_HEADERS.timestamp));
  return { signature, expiresAt: (timestamp + SIGNED_WINDOW_SECONDS + 1) * 1000 };
}

/** replayClaimed, refusing a replay with 401 request_replayed. */
export async function claimReplay(env: Env, ticket: ReplayTicket): Promise<void> {
  if (!(await replayClaimed(env, ticket))) throw new ApiError('request_replayed', 401, REPLAYED_MESSAGE);
}

/** Bank API: a key id from BANK_API_KEYS and its secret, unless listed in BANK_API_REVOKED_KEYS. */
const bankPolicy: SignedPolicy = {
  secretFor: (keyId, c) => (Object.hasOwn(c.var.config.bankApiKeys, keyId) ? c.var.config.bankApiKeys[keyId] : undefined),
  isRevoked: (keyId, c) => c.var.config.bankApiRevokedKeys.has(keyId),
};

export const bankAuth: MiddlewareHandler<AppEnv> = signedBy(bankPolicy);

/**
 * The bank API's session creation: the same check as bankAuth, but the replay claim is left to the
 * route (c.var.replayTicket), which makes it alongside its own work and commits nothing before it
 * succeeded (create-session.ts: the session object claims it while it places itself).
 */
export const bankAuthDeferredClaim: MiddlewareHandler<AppEnv> = signedBy(bankPolicy, 'deferred');

/** Admin API (platform team): a key id from ADMIN_API_KEYS; bank keys are not admin keys. */
export const adminAuth: MiddlewareHandler<AppEnv> = signedBy({
  secretFor: (keyId, c) => (Object.hasOwn(c.var.config.adminApiKeys, keyId) ? c.var.config.adminApiKeys[keyId] : undefined),
});

/**
 * Node API: key id = node id, signed with that node's own Ed25519 key as enrolled by the platform
 * team. An unknown id, a revoked node, or another node's key are refused.
 */
const nodePolicy: SignedPolicy = {
  secretFor: async (keyId, c) => {
    if (!NodeId.safeParse(keyId).success) return undefined;
    const enrolled = await registryStub(c.env).enrolment(keyId);
    if (!enrolled.ok) return { ok: false, code: enrolled.code === 'key_revoked' ? 'key_revoked' : 'unknown_key', message: enrolled.message };
    return nodePublicKey(enrolled.enrolment.publicKey);
  },
};

export const nodeAuth: MiddlewareHandler<AppEnv> = signedBy(nodePolicy);

/**
 * A node's events: the same check as nodeAuth, but the replay claim is left to the route
 * (c.var.replayTicket), which hands it to the session the event names; the session claims it before
 * it acts (node-event-claims.ts), so the event costs no ReplayGuard round trip.
 */
export const nodeAuthDeferredClaim: MiddlewareHandler<AppEnv> = signedBy(nodePolicy, 'deferred');

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
  await verifySigned(c, nodePolicy, { sha256: declaredSha256 });
}
