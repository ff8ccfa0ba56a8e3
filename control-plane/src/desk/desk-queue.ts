import type { AgentStatus, DeskRole, Locale, QueueEntry, QueueStatus } from '@vident/protocol';

/*
 * The agents' queue as pure functions: FIFO positions, the customer's estimate and the random
 * assignment. The AgentDesk Durable Object holds the rows and does the I/O.
 */

/** A customer waiting for an agent, as the desk stores it. */
export interface WaitingRow {
  sessionId: string;
  externalRef: string;
  locale: Locale;
  /** ms since epoch: when the customer first started waiting (kept across a reconnect). */
  waitingSince: number;
  /** The agent who took the customer and is on the way into the call. */
  assignedTo: string | null;
}

/** An agent or supervisor the desk knows. */
export interface AgentRow {
  agentId: string;
  name: string;
  role: DeskRole;
  locales: Locale[];
  status: AgentStatus;
  /** The console's desk socket is open. */
  connected: boolean;
  sessionId: string | null;
  since: number;
}

/** How many finished calls the average handle time looks back on. */
export const HANDLE_TIME_SAMPLES = 20;

/** Waiting customers, first come first served (ties broken by id so every caller agrees). */
export function fifo(rows: readonly WaitingRow[]): WaitingRow[] {
  return [...rows].sort((a, b) => a.waitingSince - b.waitingSince || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
}

export function queueEntries(rows: readonly WaitingRow[]): QueueEntry[] {
  return fifo(rows).map((r, i) => ({
    sessionId: r.sessionId,
    externalRef: r.externalRef,
    locale: r.locale,
    waitingSince: new Date(r.waitingSince).toISOString(),
    position: i + 1,
    assigned: r.assignedTo !== null,
  }));
}

/** Agents serving the queue: signed-in agents (not supervisors) who are available or in a call. */
export function agentsOnline(agents: readonly AgentRow[]): number {
  return agents.filter((a) => a.role === 'agent' && (a.status === 'busy' || (a.status === 'available' && a.connected))).length;
}

export function average(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * position x average handle time / agents online, in whole seconds. Null (the page says there is no
 * estimate) without finished calls to average or without an agent: a number then would be invented.
 */
export function estimateSeconds(position: number, averageHandleMs: number | null, online: number): number | null {
  if (averageHandleMs === null || online === 0) return null;
  return Math.round((position * averageHandleMs) / 1000 / online);
}

/** What each waiting customer is told, by session id. */
export function queueStatuses(rows: readonly WaitingRow[], averageHandleMs: number | null, online: number): Map<string, QueueStatus> {
  const out = new Map<string, QueueStatus>();
  for (const entry of queueEntries(rows)) {
    out.set(entry.sessionId, { position: entry.position, estimateSeconds: estimateSeconds(entry.position, averageHandleMs, online), agentsOnline: online });
  }
  return out;
}

/** Who may be given this customer now: connected, available agents (never supervisors) serving its locale. */
export function eligibleAgents(agents: readonly AgentRow[], locale: Locale): AgentRow[] {
  return agents.filter((a) => a.role === 'agent' && a.connected && a.status === 'available' && a.locales.includes(locale));
}

/** A uniformly random element (`random` returns [0, 1)); null for none. */
export function chooseUniform<T>(items: readonly T[], random: () => number): T | null {
  if (items.length === 0) return null;
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))]!;
}

/**
 * Random mode: each unassigned customer, oldest first, goes to a uniformly random eligible agent;
 * an agent gets at most one customer per round.
 */
export function plannedAssignments(rows: readonly WaitingRow[], agents: readonly AgentRow[], random: () => number): { sessionId: string; agentId: string }[] {
  const taken = new Set<string>();
  const plan: { sessionId: string; agentId: string }[] = [];
  for (const row of fifo(rows)) {
    if (row.assignedTo !== null) continue;
    const agent = chooseUniform(
      eligibleAgents(agents, row.locale).filter((a) => !taken.has(a.agentId)),
      random,
    );
    if (!agent) continue;
    taken.add(agent.agentId);
    plan.push({ sessionId: row.sessionId, agentId: agent.agentId });
  }
  return plan;
}

/** A uniform [0, 1) from the platform's CSPRNG: the regulatory option must not be predictable. */
export function secureRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}
