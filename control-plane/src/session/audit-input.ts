import type { Role } from '@vident/protocol';
import type { Caller } from '../base/caller.ts';

/*
 * What an audit entry is made of before the audit log stamps and chains it. Its own module because
 * the audit log, the webhooks, the probes, the evidence and the relay all append entries, and none
 * of them should pull in the others to do so.
 */

/** Who did something, as the audit trail names it: `bank:<keyId>`, `node:<nodeId>`, a role or `system`. */
export type Actor = Role | 'system' | `bank:${string}` | `admin:${string}` | `node:${string}`;

/** One entry to append to a session's audit trail. Never given a secret or a token. */
export interface AuditInput {
  actor: Actor;
  action: string;
  detail?: Record<string, unknown>;
  from?: string | null;
}

/** How the audit trail names who made an API call: `bank:<keyId>`, `admin:<keyId>`, or `system` (no caller). */
export const actorOf = (caller: Caller | undefined): Actor => (caller ? `${caller.kind ?? 'bank'}:${caller.keyId}` : 'system');
