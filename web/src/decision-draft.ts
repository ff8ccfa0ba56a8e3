import { ClientMessage, describeIssues, type Decision, type ReasonCode } from '@vident/protocol';

/** What the agent has chosen so far in the decision panel. */
export interface DecisionDraft {
  decision: Decision | null;
  reasonCodes: readonly ReasonCode[];
  note: string;
}

export type DecisionCheck =
  | { ok: true; message: Extract<ClientMessage, { type: 'decide' }> }
  | { ok: false; problem: 'no_decision' | 'needs_reason' | 'invalid'; detail: string };

/**
 * Turns the panel's state into the `decide` frame, with the same schema the server applies, so the
 * submit button is enabled exactly when the server would accept the frame's shape.
 */
export function checkDecisionDraft(draft: DecisionDraft): DecisionCheck {
  if (draft.decision === null) return { ok: false, problem: 'no_decision', detail: 'choose approve or reject' };
  if (draft.decision === 'rejected' && draft.reasonCodes.length === 0) {
    return { ok: false, problem: 'needs_reason', detail: 'a rejection needs at least one reason code' };
  }
  const parsed = ClientMessage.safeParse({
    type: 'decide',
    decision: draft.decision,
    reasonCodes: [...new Set(draft.reasonCodes)],
    note: draft.note.trim(),
  });
  if (!parsed.success) return { ok: false, problem: 'invalid', detail: describeIssues(parsed.error) };
  if (parsed.data.type !== 'decide') return { ok: false, problem: 'invalid', detail: 'not a decision' };
  return { ok: true, message: parsed.data };
}
