import type { Config } from './config.ts';
import type { Env } from './env.ts';
import type { ReplayTicket } from './replay-guard-rpc.ts';

/** Hono generics shared by every route module. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    /** Verified key id of a signed request (bank key id or node id). */
    keyId: string;
    /** The exact body a signed request carried (already size-checked). */
    rawBody: string;
    /**
     * Session creation (bankAuthDeferredClaim) and node events (nodeAuthDeferredClaim) only: the
     * verified signature's replay ticket, not yet claimed; the route must have it claimed before
     * anything is committed (signed-request.ts, create-session.ts, node-event-claims.ts).
     */
    replayTicket?: ReplayTicket;
  };
}
