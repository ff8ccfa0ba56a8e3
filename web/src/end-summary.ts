import type { EndReason, Role } from '@vident/protocol';

/** The sessionStorage key under which the agent console leaves its desk token for the call page. */
export const DESK_TOKEN_KEY = 'vident.deskToken';

/** The end screen's icon: a tick only for an approval. */
export type EndOutcome = 'approved' | 'rejected' | 'other';

export function endOutcome(reason: EndReason): EndOutcome {
  if (reason === 'approved') return 'approved';
  if (reason === 'rejected') return 'rejected';
  return 'other';
}

/**
 * Where "Back to the queue" leads: the console with its token in the fragment (never a query
 * string: fragments stay out of server logs), for an agent who came from the console; else null.
 */
export function backToQueueHref(role: Role, deskToken: string | null): string | null {
  if (role !== 'agent' || deskToken === null || deskToken.trim() === '') return null;
  return `/agent#token=${encodeURIComponent(deskToken.trim())}`;
}
