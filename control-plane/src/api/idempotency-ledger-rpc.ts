import type { CreateSessionResponse } from '@vident/protocol';

/** What a claim of an Idempotency-Key decides for the request that holds it. */
export type IdempotencyClaim =
  | { kind: 'proceed' }
  | { kind: 'replay'; response: CreateSessionResponse }
  | { kind: 'conflict'; message: string };

/**
 * What the Worker may call on an IdempotencyLedger. An interface apart from the class so env.ts
 * can type the binding without importing the Durable Object (which imports env.ts).
 */
export interface IdempotencyLedgerRpc extends Rpc.DurableObjectBranded {
  /** Claims a key for a request body: proceed, replay the first answer, or conflict. */
  claim(idemKey: string, bodyHash: string, now?: number): Promise<IdempotencyClaim>;
  /** Stores the answer of the request that claimed the key. */
  complete(idemKey: string, response: CreateSessionResponse): Promise<void>;
  /** The request failed: frees the key for a retry. */
  abandon(idemKey: string): Promise<void>;
}
