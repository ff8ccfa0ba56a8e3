/*
 * What the assistance panel shows, decided apart from the DOM: the bank's checks as the latest
 * verdict of each kind, a field's confidence line, a score as text.
 */
import type { BankCheck } from '@vident/protocol';
import type { MessageKey } from '../i18n.ts';
import type { DraftField } from './document-draft.ts';

/** Below this OCR confidence a field is flagged for the agent to check against the card. */
export const LOW_CONFIDENCE = 0.6;

/** The latest check of each kind (a re-check replaces the earlier verdict), in the order kinds first came. */
export function latestBankChecks(checks: readonly BankCheck[]): BankCheck[] {
  const latest = new Map<string, BankCheck>();
  for (const check of checks) {
    const previous = latest.get(check.kind);
    if (previous === undefined || previous.checkedAt <= check.checkedAt) latest.set(check.kind, check);
  }
  return [...latest.values()];
}

/** The line under a field: OCR's confidence (flagged when low), or that the agent typed it. */
export function fieldConfidenceText(field: DraftField | undefined): { key: MessageKey; params?: Record<string, string>; low: boolean } | null {
  if (field === undefined) return null;
  if (field.source === 'agent' || field.confidence === null) return { key: 'assist.confidence.agent', low: false };
  const percent = String(Math.round(field.confidence * 100));
  const low = field.confidence < LOW_CONFIDENCE;
  return { key: low ? 'assist.confidence.low' : 'assist.confidence.ocr', params: { percent }, low };
}

/** A similarity score as the agent reads it: two decimals (0.83). */
export function formatScore(score: number): string {
  return score.toFixed(2);
}
