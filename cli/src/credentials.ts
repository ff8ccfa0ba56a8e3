import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from './cli-error.ts';

export interface Credentials {
  baseUrl: string;
  keyId: string;
  secret: string;
}

type Env = Record<string, string | undefined>;

/** The control plane: VIDENT_URL, else a local stack. */
export const baseUrlOf = (env: Env) => env.VIDENT_URL ?? 'http://127.0.0.1:8787';

/**
 * A local stack's secrets.json: only the fields a command needs are read. No message quotes the
 * file: JSON.parse's own error would show a piece of it, secrets included.
 */
function readSecrets<S extends z.core.$ZodType>(stateDir: string, schema: S, what: string): z.infer<S> {
  const file = join(stateDir, 'secrets.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError('state_dir_unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError('state_dir_unreadable', `${file} is not valid JSON`);
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) throw new CliError('missing_credentials', `${file} has no ${what}`);
  return parsed.data;
}

/** The bank API key: VIDENT_KEY_ID / VIDENT_KEY_SECRET, or --state-dir's bankKeyId / bankSecret. */
export function bankCredentials(stateDir: string | undefined, env: Env = process.env): Credentials {
  if (stateDir !== undefined) {
    const s = readSecrets(stateDir, z.object({ bankKeyId: z.string().min(1), bankSecret: z.string().min(1) }), 'bankKeyId/bankSecret');
    return { baseUrl: baseUrlOf(env), keyId: s.bankKeyId, secret: s.bankSecret };
  }
  if (!env.VIDENT_KEY_ID || !env.VIDENT_KEY_SECRET) throw new CliError('missing_credentials', 'set VIDENT_KEY_ID and VIDENT_KEY_SECRET (or pass --state-dir for a local stack)');
  return { baseUrl: baseUrlOf(env), keyId: env.VIDENT_KEY_ID, secret: env.VIDENT_KEY_SECRET };
}

/** The platform team's admin key: VIDENT_ADMIN_KEY_ID / VIDENT_ADMIN_KEY_SECRET, or --state-dir's adminKeyId / adminSecret. */
export function adminCredentials(stateDir: string | undefined, env: Env = process.env): Credentials {
  if (stateDir !== undefined) {
    const s = readSecrets(stateDir, z.object({ adminKeyId: z.string().min(1), adminSecret: z.string().min(1) }), 'adminKeyId/adminSecret');
    return { baseUrl: baseUrlOf(env), keyId: s.adminKeyId, secret: s.adminSecret };
  }
  if (!env.VIDENT_ADMIN_KEY_ID || !env.VIDENT_ADMIN_KEY_SECRET) {
    throw new CliError('missing_credentials', 'set VIDENT_ADMIN_KEY_ID and VIDENT_ADMIN_KEY_SECRET (or pass --state-dir for a local stack)');
  }
  return { baseUrl: baseUrlOf(env), keyId: env.VIDENT_ADMIN_KEY_ID, secret: env.VIDENT_ADMIN_KEY_SECRET };
}
