import { isTerminalState, PROBES_PER_MINUTE, type ProbeReport } from '@vident/protocol';
import type { SessionRecord } from './session-record.ts';
import type { AuditInput } from './audit-input.ts';

const WINDOW_MS = 60_000;

export type ProbeAdmission = { ok: true; probeId: string } | { ok: false; code: 'rate_limited'; message: string; retryAfterSeconds: number };

/**
 * Whether one more probe fits the per-session rate: at most `limit` started in any `windowMs`.
 * Pure: `startedAt` are the start times of earlier probes. Returns the wait until one slot frees.
 */
export function probeRateCheck(startedAt: readonly number[], now: number, limit = PROBES_PER_MINUTE, windowMs = WINDOW_MS): { ok: true } | { ok: false; retryAfterMs: number } {
  const recent = startedAt.filter((at) => at > now - windowMs).sort((a, b) => a - b);
  if (recent.length < limit) return { ok: true };
  return { ok: false, retryAfterMs: recent[recent.length - limit]! + windowMs - now };
}

/**
 * The session's pre-call probes in its Durable Object's SQLite: when each started (the rate limit
 * survives hibernation) and whether the browser reported its outcome (audited once per probe).
 */
export class ProbeLedger {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS probe (probe_id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, result TEXT)');
  }

  /** Admits one probe (and records it) or says how long to wait. */
  admit(now: number): ProbeAdmission {
    const since = now - WINDOW_MS;
    const recent = this.sql.exec<{ started_at: number }>('SELECT started_at FROM probe WHERE started_at > ?', since).toArray();
    const check = probeRateCheck(recent.map((r) => r.started_at), now);
    if (!check.ok) {
      const retryAfterSeconds = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
      return { ok: false, code: 'rate_limited', message: `at most ${PROBES_PER_MINUTE} network checks a minute; try again in ${retryAfterSeconds} s`, retryAfterSeconds };
    }
    // Old rows only serve the rate limit: drop them so the table stays a minute long.
    this.sql.exec('DELETE FROM probe WHERE started_at <= ? AND result IS NOT NULL', since);
    const probeId = crypto.randomUUID();
    this.sql.exec('INSERT INTO probe (probe_id, started_at, result) VALUES (?, ?, NULL)', probeId, now);
    return { ok: true, probeId };
  }

  /** Records the browser's outcome of a probe this session started; false if unknown or already reported. */
  report(probeId: string, report: ProbeReport): boolean {
    const updated = this.sql.exec('UPDATE probe SET result = ? WHERE probe_id = ? AND result IS NULL', report.result, probeId);
    return updated.rowsWritten > 0;
  }
}

/** Where the admitted probe goes: the session's own media node (the path its call will take). */
export type ProbeTicket = { ok: true; probeId: string; node: { nodeId: string; url: string } };
/** Why the session refused a probe or its report. */
export type ProbeRefusal = { ok: false; code: 'not_found' | 'session_ended' | 'rate_limited'; message: string };

/**
 * The session's side of `POST /probe`: refuses ended sessions and probes past the rate, else
 * records and audits the probe (`precheck.probe`). The session, its state and its peers stay as
 * they are: a probe is not a join.
 */
export async function admitProbe(input: {
  record: SessionRecord | null;
  ledger: ProbeLedger;
  now: number;
  audit: (entry: AuditInput) => Promise<void>;
  from: string | null;
}): Promise<ProbeTicket | ProbeRefusal> {
  const { record } = input;
  if (record === null) return { ok: false, code: 'not_found', message: 'no such session' };
  if (isTerminalState(record.state)) return { ok: false, code: 'session_ended', message: `the session has ended (${record.state})` };
  const admitted = input.ledger.admit(input.now);
  if (!admitted.ok) return { ok: false, code: admitted.code, message: admitted.message };
  await input.audit({ actor: 'customer', action: 'precheck.probe', detail: { probeId: admitted.probeId, nodeId: record.nodeId }, from: input.from });
  return { ok: true, probeId: admitted.probeId, node: { nodeId: record.nodeId, url: record.nodeUrl } };
}

/**
 * The browser's outcome of a probe, audited once as `precheck.network` {probeId, result, transport,
 * ...}: the path is always named (a page before the relay probe only ever tested direct).
 */
export async function recordProbeReport(input: {
  record: SessionRecord | null;
  ledger: ProbeLedger;
  probeId: string;
  report: ProbeReport;
  audit: (entry: AuditInput) => Promise<void>;
  from: string | null;
}): Promise<{ ok: true } | ProbeRefusal> {
  if (input.record === null) return { ok: false, code: 'not_found', message: 'no such session' };
  if (!input.ledger.report(input.probeId, input.report)) return { ok: false, code: 'not_found', message: 'no such probe, or its result is already recorded' };
  await input.audit({ actor: 'customer', action: 'precheck.network', detail: { probeId: input.probeId, ...input.report, transport: input.report.transport ?? 'direct' }, from: input.from });
  return { ok: true };
}
