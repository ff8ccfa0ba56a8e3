import { sessionStub, type Env } from '../base/env.ts';
import type { VerificationSessionRpc } from '../session/session-rpc.ts';

/** A session's evidence calls as the Worker holds them: a stub of its RpcTarget (calls pipeline on it). */
export type EvidenceStub = ReturnType<DurableObjectStub<VerificationSessionRpc>['evidence']>;

/**
 * Runs `use` with a session's evidence calls (`stub.evidence()`), then disposes of that stub:
 * workerd keeps an RpcTarget alive for a stub until it is disposed (and warns when the garbage
 * collector finds one). `use`'s calls pipeline on `evidence()`: no extra round trip.
 */
export async function withEvidence<T>(env: Env, sessionId: string, use: (evidence: EvidenceStub) => Promise<T>): Promise<T> {
  const evidence = sessionStub(env, sessionId).evidence();
  try {
    return await use(evidence);
  } finally {
    // A failed evidence() has nothing to dispose; `use` already saw (and threw) its error.
    await evidence.then(
      (stub) => stub[Symbol.dispose](),
      () => undefined,
    );
  }
}
