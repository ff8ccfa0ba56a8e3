/*
 * The shapes of the janode objects the facade touches, typed narrowly (janode ships no types;
 * janode.d.ts only declares its modules loosely). Type-only: importing this loads nothing, and
 * the underscored members are janode internals the facade relies on where janode has no API
 * (claiming a session, taking a handle over).
 */

/** A janode object that emits Janus events (connection, session, handle). */
export interface JanodeEmitter {
  on(event: string, listener: (data: Record<string, unknown>) => void): void;
  once(event: string, listener: (data: Record<string, unknown>) => void): void;
}

/** A janode connection (one WebSocket to Janus). */
export interface JanodeConnection extends JanodeEmitter {
  create(kaInterval?: number): Promise<JanodeSession>;
  close(): Promise<void>;
  /** janode's session table (internal: used to claim a session, which janode has no API for). */
  _sessions: Map<number, JanodeSession>;
}

/** A janode session (one Janus session, kept alive by janode's keepalives). */
export interface JanodeSession extends JanodeEmitter {
  id: number;
  attach(plugin: unknown): Promise<unknown>;
  destroy(): Promise<void>;
  sendRequest(request: Record<string, unknown>): Promise<unknown>;
  /** janode's handle table (internal: used to take over the handles of a claimed session). */
  _handles: Map<number, JanodeVideoRoomHandle>;
  _signalDestroy(): void;
}

/** janode's Session class (not exported by its package; see janode-binding.ts). */
export type JanodeSessionClass = new (connection: JanodeConnection, id: number, kaInterval: number) => JanodeSession;
/** janode's VideoRoom handle class, for a handle id Janus already holds. */
export type JanodeHandleClass = new (session: JanodeSession, id: number) => JanodeVideoRoomHandle;

/** An SDP as janode carries it. */
export interface Jsep {
  type: string;
  sdp: string;
}

/** janode's VideoRoom plugin handle. */
export interface JanodeVideoRoomHandle extends JanodeEmitter {
  id: number;
  feed: unknown;
  /** janode's session object; `_destroyed` once our side of it is gone (internal). */
  session: { _destroyed: boolean };
  message(body: Record<string, unknown>, jsep?: Jsep): Promise<{ plugindata?: { data?: Record<string, unknown> } }>;
  joinConfigurePublisher(params: Record<string, unknown>): Promise<{ jsep?: Jsep }>;
  joinSubscriber(params: Record<string, unknown>): Promise<{ jsep?: Jsep }>;
  start(params: { jsep: Jsep }): Promise<unknown>;
  configure(params: Record<string, unknown>): Promise<unknown>;
  trickle(candidate: Record<string, unknown>): Promise<unknown>;
  trickleComplete(): Promise<unknown>;
  hangup(): Promise<unknown>;
  detach(): Promise<void>;
}

/** janode's EchoTest plugin handle. */
export interface JanodeEchoTestHandle extends JanodeEmitter {
  id: number | string;
  message(body: Record<string, unknown>, jsep?: Jsep & { trickle?: boolean }): Promise<{ jsep?: Jsep }>;
  hangup(): Promise<unknown>;
  detach(): Promise<void>;
}
