import { sha256Hex, type CreateSessionResponse } from '@vident/protocol';
import { z } from 'zod';
import { idempotencyStub, type Env } from '../base/env.ts';
import { ApiError, parseInput } from '../base/http-error.ts';

/** Header a bank sets on `POST /v1/sessions` to make retries safe. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Header set on an answer that repeats an earlier one instead of creating a session. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** 1..128 visible ASCII characters (a UUID is the usual choice). */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'Idempotency-Key must be 1..128 visible ASCII characters');

export interface IdempotentCreation {
  response: CreateSessionResponse;
  /** True when this answers a retry with the session an earlier request created. */
  replayed: boolean;
}

/**
 * Runs `create` at most once per (bank key id, Idempotency-Key). A retry with the same exact body
 * gets the first answer again (same session, same links); the same key with
 * another body is a 409 conflict, as is a retry while the first request is still running.
 */
export async function createIdempotently(
  env: Env,
  input: { bankKeyId: string; idempotencyKey: string; rawBody: string },
  create: () => Promise<CreateSessionResponse>,
): Promise<IdempotentCreation> {
  const key = parseInput(IdempotencyKey, input.idempotencyKey);
  const ledger = idempotencyStub(env, input.bankKeyId);
  const claim = await ledger.claim(key, await sha256Hex(input.rawBody));
  switch (claim.kind) {
    case 'conflict':
      throw new ApiError('conflict', 409, claim.message);
    case 'replay':
      return { response: claim.response, replayed: true };
    case 'proceed':
      break;
  }
  let response: CreateSessionResponse;
  try {
    response = await create();
  } catch (err) {
    await ledger.abandon(key);
    throw err;
  }
  await ledger.complete(key, response);
  return { response, replayed: false };
}
