import { ClientMessage, describeIssues, localizedLabel, type ChecklistItem, type Decision, type Locale, type ReasonCode } from '@vident/protocol';

/** What the agent has chosen so far in the decision panel. */
export interface DecisionDraft {
  decision: Decision | null;
  reasonCodes: readonly ReasonCode[];
  note: string;
  /** The verification checklist from `welcome` (empty when the server sent none). */
  checklist: readonly ChecklistItem[];
  /** Ids of the checklist items the agent ticked. */
  ticked: readonly string[];
}

export type DecisionCheck =
  | { ok: true; message: Extract<ClientMessage, { type: 'decide' }> }
  | { ok: false; problem: 'no_decision' | 'needs_reason' | 'needs_checklist' | 'invalid'; detail: string };

/**
 * Turns the panel's state into the `decide` frame, with the same schema the server applies, so the
 * submit button is enabled exactly when the server would accept the frame's shape. An approval
 * needs every checklist item ticked, as the session demands; a rejection sends whatever is ticked.
 */
export function checkDecisionDraft(draft: DecisionDraft): DecisionCheck {
  if (draft.decision === null) return { ok: false, problem: 'no_decision', detail: 'choose approve or reject' };
  if (draft.decision === 'rejected' && draft.reasonCodes.length === 0) {
    return { ok: false, problem: 'needs_reason', detail: 'a rejection needs at least one reason code' };
  }
  // Only ids of the list shown, in its order: a tick left over from an older list is not sent.
  const ticked = new Set(draft.ticked);
  const checklist = draft.checklist.filter((item) => ticked.has(item.id)).map((item) => item.id);
  const missing = draft.checklist.filter((item) => !ticked.has(item.id)).map((item) => item.id);
  if (draft.decision === 'approved' && missing.length > 0) {
    return { ok: false, problem: 'needs_checklist', detail: `tick every checklist item to approve; missing: ${missing.join(', ')}` };
  }
  const parsed = ClientMessage.safeParse({
    type: 'decide',
    decision: draft.decision,
    reasonCodes: [...new Set(draft.reasonCodes)],
    note: draft.note.trim(),
    checklist,
  });
  if (!parsed.success) return { ok: false, problem: 'invalid', detail: describeIssues(parsed.error) };
  if (parsed.data.type !== 'decide') return { ok: false, problem: 'invalid', detail: 'not a decision' };
  return { ok: true, message: parsed.data };
}

/** The label of a checklist item in the page's locale (Chinese falls back to English when the bank gave none). */
export function checklistLabel(item: ChecklistItem, locale: Locale): string {
  return localizedLabel(item, locale);
}
