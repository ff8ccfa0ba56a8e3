import { newSessionRecord, type SessionRecord } from '../src/session/session-record.ts';

/**
 * A fresh session record (created at 0, not recorded, on node-a), changed by `patch`: for the pure
 * session rules' unit tests (src/session/*.test.ts) that read a record and nothing else.
 */
export function recordWith(patch: (r: SessionRecord) => void = () => undefined): SessionRecord {
  const r = newSessionRecord({
    sessionId: '3f1c2a4e-8b7d-4c1e-9f0a-123456789abc',
    request: { externalRef: 'case-1', customerName: 'Kim', locale: 'ko', record: false, metadata: {} },
    nodeId: 'node-a',
    nodeUrl: 'http://127.0.0.1:9',
    createdAt: 0,
    expiresAt: 1_800_000,
    linkExpiresAt: 900_000,
    reconnectGraceMs: 60_000,
  });
  patch(r);
  return r;
}
