import type { Context } from 'hono';
import type { AppEnv } from '../base/app-env.ts';
import type { Caller } from '../base/caller.ts';

/** The verified bank key id and client address of a signed request. */
export function callerOf(c: Context<AppEnv>): Caller {
  return { keyId: c.var.keyId, from: c.req.header('cf-connecting-ip') ?? null };
}

/** The verified admin key id and client address of an admin API call. */
export function adminCallerOf(c: Context<AppEnv>): Caller {
  return { ...callerOf(c), kind: 'admin' };
}
