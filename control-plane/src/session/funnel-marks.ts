import { isTerminalState, type PrecheckSignal } from '@vident/protocol';
import type { AuditInput } from './audit-input.ts';
import type { PrecheckMarks } from './funnel-facts.ts';
import type { ProbeRefusal } from './probe-ledger.ts';
import type { SessionRecord } from './session-record.ts';

/*
 * What the customer's page did before it joined, for the funnel: kept in the session's own SQLite
 * (never the directory), each mark written once. The network check's outcome is already in the probe
 * ledger (probe-ledger.ts) and is read from there.
 */

/** The session's pre-call marks (`funnel_mark`), written at most once each. */
export class FunnelMarks {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS funnel_mark (mark TEXT PRIMARY KEY, at INTEGER NOT NULL)');
  }

  /** Notes `mark` at `now`; false when it was already noted. */
  note(mark: PrecheckSignal['event'], now: number): boolean {
    return this.sql.exec('INSERT OR IGNORE INTO funnel_mark (mark, at) VALUES (?, ?)', mark, now).rowsWritten > 0;
  }

  /** The marks, with the latest network check the page reported (or a started one: the link was opened). */
  read(): PrecheckMarks {
    const marks = new Set(this.sql.exec<{ mark: string }>('SELECT mark FROM funnel_mark').toArray().map((r) => r.mark));
    const hasProbes = this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'probe'").toArray().length > 0;
    const probes = hasProbes ? this.sql.exec<{ result: string | null }>('SELECT result FROM probe ORDER BY started_at DESC').toArray() : [];
    const reported = probes.find((p) => p.result !== null)?.result;
    return {
      linkOpened: marks.has('link_opened') || probes.length > 0,
      permissionRefused: marks.has('permission_refused'),
      lastNetworkCheck: reported === 'pass' || reported === 'fail' ? reported : null,
    };
  }
}

/**
 * The session's side of `POST /v1/sessions/:id/precheck`: an ended session refuses it; the first of
 * each signal is noted and audited (`precheck.link_opened`, `precheck.permission_refused`), a repeat
 * (a reload) changes nothing. The session's state and the directory are untouched.
 */
export async function notePrecheckSignal(input: {
  record: SessionRecord | null;
  marks: FunnelMarks;
  signal: PrecheckSignal;
  now: number;
  audit: (entry: AuditInput) => Promise<void>;
  from: string | null;
}): Promise<{ ok: true } | ProbeRefusal> {
  const { record } = input;
  if (record === null) return { ok: false, code: 'not_found', message: 'no such session' };
  if (isTerminalState(record.state)) return { ok: false, code: 'session_ended', message: `the session has ended (${record.state})` };
  if (input.marks.note(input.signal.event, input.now)) {
    await input.audit({ actor: 'customer', action: `precheck.${input.signal.event}`, detail: {}, from: input.from });
  }
  return { ok: true };
}
