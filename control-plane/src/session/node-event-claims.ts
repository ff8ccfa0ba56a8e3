import type { ReplayTicket } from '../base/replay-guard-rpc.ts';

/**
 * The signatures of the node events this session accepted, in its Durable Object's SQLite, each
 * until its timestamp leaves the signed window (after which the Worker's timestamp check refuses it
 * anyway). A node event names its session inside the signed body, so a replayed request always
 * reaches this same object: claiming here refuses it exactly as the ReplayGuard shards would, without
 * a round trip to one of them in front of every event (a publisher's webrtcup is on the join's path).
 */
export class NodeEventClaims {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS node_event_seen (signature TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
  }

  /** Records the ticket's signature; false if it was already recorded and has not expired. */
  claim(ticket: ReplayTicket, now: number): boolean {
    // Expired rows only refuse what the window refuses already: the table stays a window long.
    this.sql.exec('DELETE FROM node_event_seen WHERE expires_at <= ?', now);
    const existing = this.sql.exec('SELECT 1 FROM node_event_seen WHERE signature = ?', ticket.signature).toArray();
    if (existing.length > 0) return false;
    this.sql.exec('INSERT INTO node_event_seen (signature, expires_at) VALUES (?, ?)', ticket.signature, ticket.expiresAt);
    return true;
  }
}
