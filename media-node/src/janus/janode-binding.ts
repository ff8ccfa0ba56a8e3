/*
 * THE ONLY MODULE THAT IMPORTS janode. It hands the rest of the facade (janus-gateway.ts, the
 * handle classes, session-claim.ts) typed entry points: connecting, attaching each plugin, janode's
 * event names, and the janode classes the facade instantiates itself to claim a session and take
 * its handles over (janode has no API for either).
 *
 * janode facts this relies on (FIELD-NOTES): it retries only the initial connect, and after a
 * dropped socket it rejects pending transactions and forgets sessions, so reconnecting is the
 * caller's job (janus-connection.ts). Plugin requests have no timeout of their own (see
 * janode-request.ts).
 */
import Janode from 'janode';
import VideoRoomPlugin from 'janode/plugins/videoroom';
import EchoTestPlugin from 'janode/plugins/echotest';
import type {
  JanodeConnection,
  JanodeEchoTestHandle,
  JanodeHandleClass,
  JanodeSession,
  JanodeSessionClass,
  JanodeVideoRoomHandle,
} from './janode-types.ts';

// janode logs at INFO by default, including request bodies; keep it to warnings.
Janode.Logger.setLevel('warn');

/** janode's keepalive interval for our Janus session, in seconds (Janus's session_timeout is 60 s). */
export const KEEPALIVE_SECONDS = 15;

/** janode's core event names (connection, session, handle). */
export const JANODE_EVENT = Janode.EVENT;

/** The VideoRoom plugin's event names; an entry may be missing in another janode version. */
export const VIDEOROOM_EVENT: Readonly<Record<string, string | undefined>> = VideoRoomPlugin.EVENT;

/** Opens one WebSocket to Janus, without janode's retries (the caller owns the backoff). */
export async function connectJanode(url: string, apiSecret: string): Promise<JanodeConnection> {
  return (await Janode.connect({ address: { url, apisecret: apiSecret }, retry_time_secs: 1, max_retries: 0 })) as JanodeConnection;
}

/** Attaches a new VideoRoom handle in `session`. */
export async function attachVideoRoom(session: JanodeSession): Promise<JanodeVideoRoomHandle> {
  return (await session.attach(VideoRoomPlugin)) as JanodeVideoRoomHandle;
}

/** Attaches a new EchoTest handle in `session`. */
export async function attachEchoTest(session: JanodeSession): Promise<JanodeEchoTestHandle> {
  return (await session.attach(EchoTestPlugin)) as JanodeEchoTestHandle;
}

/** janode's VideoRoom handle object for a handle id Janus already holds (not registered anywhere yet). */
export function videoRoomHandleFor(session: JanodeSession, id: number): JanodeVideoRoomHandle {
  const Handle = VideoRoomPlugin.Handle as JanodeHandleClass;
  return new Handle(session, id);
}

let sessionClass: Promise<JanodeSessionClass> | null = null;
/** janode's Session class: not in janode's package exports, so loaded by file next to its entry point. */
export function janodeSessionClass(): Promise<JanodeSessionClass> {
  sessionClass ??= import(new URL('./session.js', import.meta.resolve('janode')).href).then((m: { default: JanodeSessionClass }) => m.default);
  return sessionClass;
}
