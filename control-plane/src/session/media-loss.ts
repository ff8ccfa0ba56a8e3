/*
 * A "hangup storm" as the pages see it. Janus (without ICE consent freshness) does not notice a
 * connected PeerConnection whose path broke, and its heartbeats and API may well be fine while
 * its media address is unreachable (a public interface down, a firewall change). The browsers do
 * notice: each says `media-lost` when a leg that had connected broke. One participant alone is most
 * likely its own network; both within MEDIA_LOSS_WINDOW_MS points at the node. Pure.
 */
import type { Role } from '@vident/protocol';
import { otherRole, type ParticipantRecord } from './session-record.ts';

export const MEDIA_LOSS_WINDOW_MS = 30_000;
/** A page repeating itself sooner than this is not heard again (its rejoins come seconds apart). */
export const MEDIA_LOSS_REPEAT_MS = 2_000;

/**
 * Notes one participant's report and answers whether the node should be left. A report counts only
 * while the participant has a publish on the current node (a late report about legs of a node the
 * session already left counts for nothing) and not again within MEDIA_LOSS_REPEAT_MS; the other
 * participant's report counts only if it is recent.
 */
export function noteMediaLost(participants: Record<Role, ParticipantRecord>, role: Role, now: number): { counted: boolean; leaveNode: boolean } {
  const me = participants[role];
  const repeated = me.mediaLostAt != null && now - me.mediaLostAt < MEDIA_LOSS_REPEAT_MS;
  if (!me.published || repeated) return { counted: false, leaveNode: false };
  me.mediaLostAt = now;
  const other = participants[otherRole(role)].mediaLostAt ?? null;
  const leaveNode = other !== null && now - other <= MEDIA_LOSS_WINDOW_MS;
  return { counted: true, leaveNode };
}
