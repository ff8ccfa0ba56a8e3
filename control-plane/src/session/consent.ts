import { RECORDING_CONSENT_VERSION, type ErrorCode, type Role } from '@vident/protocol';
import { consentStatus, type SessionRecord } from './session-record.ts';

/*
 * Recording consent. In a recorded session the customer must accept the consent text (its version
 * is RECORDING_CONSENT_VERSION) before any of their media starts: their publish is refused until
 * then. Declining, at any time, cancels the session on the customer's behalf. Pure: the signaling relay
 * applies the step it is given.
 */

export type ConsentStep =
  | { kind: 'give'; version: string }
  | { kind: 'decline'; version: string }
  /** Nothing to do (consent repeated). */
  | { kind: 'none' }
  | { kind: 'refuse'; code: ErrorCode; message: string };

/** What a `consent` message from `role` does to the session as it is now (active sessions only). */
export function consentStep(r: Pick<SessionRecord, 'record' | 'consent'>, role: Role, message: { version: string; accepted: boolean }): ConsentStep {
  if (role !== 'customer') return { kind: 'refuse', code: 'forbidden', message: 'only the customer gives recording consent' };
  if (!r.record) return { kind: 'refuse', code: 'conflict', message: 'this session is not recorded: no consent is needed' };
  if (!message.accepted) return { kind: 'decline', version: message.version };
  if (message.version !== RECORDING_CONSENT_VERSION) {
    return { kind: 'refuse', code: 'validation_failed', message: `unknown consent text version; the current one is ${RECORDING_CONSENT_VERSION}` };
  }
  return r.consent ? { kind: 'none' } : { kind: 'give', version: message.version };
}

/** Whether `role` may publish now: the customer of a recorded session only after consenting. */
export function mayPublish(r: Pick<SessionRecord, 'record' | 'consent'>, role: Role): boolean {
  return role !== 'customer' || consentStatus(r) !== 'pending';
}
