import type { DeskOverview, EndReason, LiveSession, OutcomeCounts, SessionView } from '@vident/protocol';
import type { Config } from '../base/config.ts';
import { deskStub, directoryStub, registryStub, type Env } from '../base/env.ts';

/** Midnight UTC of `now`'s day: the supervisor's "today". */
export function startOfUtcDay(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

const OUTCOME_OF: Record<EndReason, keyof OutcomeCounts> = {
  approved: 'approved',
  rejected: 'rejected',
  cancelled_by_bank: 'cancelled',
  cancelled_by_customer: 'cancelled',
  cancelled_by_agent: 'cancelled',
  link_expired: 'expired',
  max_duration: 'expired',
  abandoned: 'abandoned',
  failed: 'failed',
};

/** Sessions that ended at or after `since`, counted by outcome. */
export function countOutcomes(views: readonly SessionView[], since: number): OutcomeCounts {
  const counts: OutcomeCounts = { approved: 0, rejected: 0, cancelled: 0, expired: 0, abandoned: 0, failed: 0 };
  for (const v of views) {
    if (v.endReason === null || v.endedAt === null || Date.parse(v.endedAt) < since) continue;
    counts[OUTCOME_OF[v.endReason]] += 1;
  }
  return counts;
}

export function toLiveSession(v: SessionView): LiveSession {
  return {
    sessionId: v.sessionId,
    externalRef: v.externalRef,
    state: v.state,
    locale: v.locale,
    createdAt: v.createdAt,
    startedAt: v.startedAt,
    nodeId: v.nodeId,
    agent: v.agent ?? null,
  };
}

const PAGE = 500;
/** A bound on the directory pages one overview reads (25,000 sessions a day). */
const MAX_PAGES = 50;

/** Every session that can have ended since `since`: created at most SESSION_MAX_MINUTES before it. */
async function sessionsEndingSince(env: Env, config: Config, since: number): Promise<SessionView[]> {
  const directory = directoryStub(env);
  const createdAfter = new Date(since - config.sessionMaxMinutes * 60_000 - 1).toISOString();
  const out: SessionView[] = [];
  let after: { createdAt: string; sessionId: string } | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await directory.list({ createdAfter, limit: PAGE, ...(after ? { after } : {}) });
    out.push(...rows);
    const last = rows.at(-1);
    if (rows.length < PAGE || !last) break;
    after = { createdAt: last.createdAt, sessionId: last.sessionId };
  }
  return out;
}

/** The supervisor's view: the desk, the directory's live and finished sessions, the fleet. */
export async function deskOverview(env: Env, config: Config, now: number = Date.now()): Promise<DeskOverview> {
  const since = startOfUtcDay(now);
  const [desk, live, ended, fleet] = await Promise.all([
    deskStub(env).snapshot(since, now),
    directoryStub(env).list({ states: ['created', 'waiting', 'in_call'], limit: PAGE }),
    sessionsEndingSince(env, config, since),
    registryStub(env).fleet(now),
  ]);
  return {
    generatedAt: new Date(now).toISOString(),
    mode: config.agentAssignment,
    liveSessions: live.map(toLiveSession),
    waiting: desk.waiting.map((w) => ({ ...w, waitingSeconds: Math.max(0, Math.floor((now - Date.parse(w.waitingSince)) / 1000)) })),
    agents: desk.agents,
    today: {
      since: new Date(since).toISOString(),
      outcomes: countOutcomes(ended, since),
      averageWaitSeconds: desk.averageWaitMs === null ? null : Math.round(desk.averageWaitMs / 100) / 10,
      averageCallSeconds: desk.averageCallMs === null ? null : Math.round(desk.averageCallMs / 100) / 10,
    },
    nodes: fleet.nodes,
  };
}
