import type { Config } from './config.ts';
import type { Env } from './env.ts';

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
     * Session creation only (bankAuthAlongside): the replay claim of its verified signature, still
     * running; the route must see it fulfilled before it commits anything (it rejects with request_replayed).
     */
    replayClaim?: Promise<void>;
  };
}
