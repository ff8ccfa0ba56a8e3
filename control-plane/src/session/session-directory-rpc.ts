import type { FunnelFacts, RecordingView, SessionState, SessionView } from '@vident/protocol';

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

/** The funnel's sessions: created from `from` to `to` (UTC days, inclusive), optionally of one desk agent. */
export interface FunnelRowsQuery {
  from: string;
  to: string;
  agent?: string;
}

/**
 * What the Worker and the sessions may call on the SessionDirectory. An interface apart from the
 * class so env.ts can type the binding without importing the Durable Object (which imports env.ts).
 */
export interface SessionDirectoryRpc extends Rpc.DurableObjectBranded {
  /** Stores a session's latest snapshot (and its recordings); an ended session's comes with its funnel facts. */
  upsert(view: SessionView, funnel?: FunnelFacts): Promise<void>;
  /** Forgets a session whose records were purged (retention's end). */
  forget(sessionId: string): Promise<void>;
  /** Newest first (created_at DESC, then session_id), filtered, from the keyset cursor on. */
  list(query: ListQuery): Promise<SessionView[]>;
  /** Remembers an upload's session; false when the id already belongs to another session or node. */
  indexUpload(artifactId: string, sessionId: string, nodeId: string): Promise<boolean>;
  /** The funnel facts of the sessions created on the query's days, optionally of one agent. */
  funnelRows(query: FunnelRowsQuery): Promise<FunnelFacts[]>;
  /** Sessions not yet in a terminal state. */
  activeCount(): Promise<number>;
  /** Newest first, optionally for one session. */
  recordings(query: { sessionId?: string; limit: number }): Promise<RecordingView[]>;
}
