/*
 * Claiming an earlier Janus session over a new connection: how a restarted sidecar takes its calls
 * over (Janus's `claim`, kept for reclaim_session_timeout after its transport went away).
 */
import { JANODE_EVENT, janodeSessionClass, KEEPALIVE_SECONDS } from './janode-binding.ts';
import { bounded } from './janode-request.ts';
import type { JanodeConnection, JanodeSession } from './janode-types.ts';

/**
 * Claims an earlier Janus session over this connection (Janus's `claim`, kept for
 * reclaim_session_timeout after its transport went away). janode has no API for it: this builds
 * janode's own Session object for the id, as its create() does, and sends the claim through it.
 * Answers null when Janus no longer has the session (restarted, or the reclaim window passed).
 */
export async function claimSession(connection: JanodeConnection, id: number, timeoutMs: number): Promise<JanodeSession | null> {
  const Session = await janodeSessionClass();
  const session = new Session(connection, id, KEEPALIVE_SECONDS);
  connection._sessions.set(id, session);
  session.once(JANODE_EVENT.SESSION_DESTROYED, () => connection._sessions.delete(id));
  try {
    await bounded('claim session', timeoutMs, session.sendRequest({ janus: 'claim' }));
    return session;
  } catch {
    session._signalDestroy();
    return null;
  }
}
