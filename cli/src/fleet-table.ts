import type { AdminSession, FleetNode, SessionTimeline } from '@vident/protocol';

/** Columns padded to their widest cell, two spaces apart; no trailing blanks. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** 4s, 2m05s, 3h07m, 2d04h: short enough for a column, exact enough to spot a silent node. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** The status column: the node's status, and why a node that looks live takes no session. */
function statusText(n: FleetNode): string {
  if (!n.janusUp && n.status !== 'silent' && n.status !== 'drained') return `${n.status} (janus down)`;
  if (n.mediaSuspectUntil !== null && n.status === 'live') return `${n.status} (media suspect)`;
  return n.status;
}

/** `vident nodes list`: one line per node. Janus down or a suspect media path shows in the status column (it takes no sessions). */
export function formatNodes(nodes: readonly FleetNode[]): string {
  if (nodes.length === 0) return 'no media nodes registered';
  return table(
    ['ID', 'REGION', 'STATUS', 'SESSIONS', 'CPU', 'VERSION', 'HEARTBEAT'],
    nodes.map((n) => [
      n.nodeId,
      n.region,
      statusText(n),
      `${n.assignedSessions}/${n.capacity}`,
      `${n.load.cpuPercent.toFixed(1)}%`,
      n.version,
      `${formatAge(n.heartbeatAgeSeconds)} ago`,
    ]),
  );
}

/** `vident sessions list`. */
export function formatSessions(sessions: readonly AdminSession[]): string {
  if (sessions.length === 0) return 'no live sessions';
  return table(
    ['SESSION', 'STATE', 'NODE', 'CONNECTED', 'CREATED'],
    sessions.map((s) => [s.sessionId, s.state, s.nodeId ?? '-', s.connected.length ? s.connected.join(',') : '-', s.createdAt]),
  );
}

/** `vident sessions timeline <id>`: offset from creation, actor's role, action (the admin API gives no details). */
export function formatTimeline(timeline: SessionTimeline): string {
  const rows = timeline.entries.map((e) => [`+${(e.offsetMs / 1000).toFixed(1)}s`, e.at, e.actor, e.action]);
  return `session ${timeline.sessionId}\n${table(['OFFSET', 'AT', 'ACTOR', 'ACTION'], rows)}`;
}
