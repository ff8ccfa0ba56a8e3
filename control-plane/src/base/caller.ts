import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';

/** Who made a bank API call, for the session's audit trail. */
export interface Caller {
  keyId: string;
  /** Whose key: a bank's (the default) or the platform team's admin key. Names the audit actor. */
  kind?: 'bank' | 'admin';
  /** The client's address as Cloudflare reports it; null when unknown (local runs). */
  from: string | null;
}

/** The verified bank key id and client address of a signed request. */
export function callerOf(c: Context<AppEnv>): Caller {
  return { keyId: c.var.keyId, from: c.req.header('cf-connecting-ip') ?? null };
}

/** The verified admin key id and client address of an admin API call. */
export function adminCallerOf(c: Context<AppEnv>): Caller {
  return { ...callerOf(c), kind: 'admin' };
}
