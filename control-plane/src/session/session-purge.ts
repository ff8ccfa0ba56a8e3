import type { SessionRecord } from './session-record.ts';

/*
 * What the end of a session's retention leaves of its record (security review finding 8): the
 * evidence is deleted by then, and the personal data goes with it. Ids, states, times and the
 * outcome's decision and reason codes stay (what happened, not who), as does the audit trail's head.
 */

/** What an agent's display name reads after the purge (the schemas want a name there). */
export const PURGED_NAME = '(purged)';

/** Blanks the record's personal fields (customer name, external reference, metadata, the decision's note, the agents' names, the confirmed document, the bank checks' references, the face-match results) and marks it purged at `at`. */
export function purgePersonalData(r: SessionRecord, at: string): void {
  r.customerName = '';
  r.externalRef = '';
  r.metadata = {};
  if (r.outcome?.state === 'decided') r.outcome = { ...r.outcome, note: '', ...(r.outcome.agent ? { agent: { ...r.outcome.agent, name: PURGED_NAME } } : {}) };
  if (r.agent) r.agent = { ...r.agent, name: PURGED_NAME };
  // The document's fields are the customer's identity; a check's reference may name the customer too.
  delete r.document;
  if (r.bankChecks) r.bankChecks = r.bankChecks.map((c) => ({ ...c, reference: PURGED_NAME }));
  // Scores comparing the customer's face with the ID photo: about the person, like the document.
  delete r.faceMatches;
  delete r.stillRequests;
  r.evidence.purgedAt = at;
}
