import type { RecordingView, SessionState, SessionView } from '@vident/protocol';

/** A filtered, keyset-paginated page of the session list. */
export interface ListQuery {
  states?: SessionState[];
  /** Exclusive bounds on createdAt, in the stored form (Date#toISOString). */
  createdAfter?: string;
  createdBefore?: string;
  externalRef?: string;
  /** Only sessions placed on this media node. */
  nodeId?: string;
  /** Keyset pagination: only sessions after this one in list order. */
  after?: { createdAt: string; sessionId: string };
  limit: number;
}

/**
 * What the Worker and the sessions may call on the SessionDirectory. An interface apart from the
 * class so env.ts can type the binding without importing the Durable Object (which imports env.ts).
 */
export interface SessionDirectoryRpc extends Rpc.DurableObjectBranded {
  /** Stores a session's latest snapshot (and its recordings). */
  upsert(view: SessionView): Promise<void>;
  /** Forgets a session whose records were purged (retention's end). */
  forget(sessionId: string): Promise<void>;
  /** Newest first (created_at DESC, then session_id), filtered, from the keyset cursor on. */
  list(query: ListQuery): Promise<SessionView[]>;
  /** Remembers an upload's session; false when the id already belongs to another session or node. */
  indexUpload(artifactId: string, sessionId: string, nodeId: string): Promise<boolean>;
  /** The session of a node's upload, or null when that node never started it. */
  uploadSession(artifactId: string, nodeId: string): Promise<string | null>;
  /** Sessions not yet in a terminal state. */
  activeCount(): Promise<number>;
  /** Newest first, optionally for one session. */
  recordings(query: { sessionId?: string; limit: number }): Promise<RecordingView[]>;
}
