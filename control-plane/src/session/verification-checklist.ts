import { describeIssues, VerificationChecklist, type Decision } from '@vident/protocol';
import { z } from 'zod';

/*
 * The agent's verification checklist (VERIFICATION_CHECKLIST): an approval must tick every item,
 * a rejection may tick any. Pure: the signaling relay asks checklistStep and applies the answer.
 */

/**
 * What a bank gets unless it configures its own list (wrangler.toml ships the same list). Items
 * may leave out `zh`: a Chinese page then shows the English label.
 */
export const DEFAULT_CHECKLIST: VerificationChecklist = [
  { id: 'face_matches_photo', ko: '얼굴이 신분증 사진과 일치합니다', en: 'The face matches the photo on the ID', zh: '面部与证件照片一致' },
  { id: 'hologram_visible', ko: '신분증을 기울였을 때 홀로그램이 보입니다', en: 'The hologram is visible when the card is tilted', zh: '倾斜证件时可见全息图案' },
  { id: 'serial_number_matches', ko: '고객이 읽어 준 일련번호가 신분증과 일치합니다', en: 'The serial number read aloud matches the card', zh: '客户读出的序列号与证件一致' },
  { id: 'document_not_expired', ko: '신분증의 유효기간이 지나지 않았습니다', en: 'The document has not expired', zh: '证件尚未过期' },
];

/**
 * The VERIFICATION_CHECKLIST variable: a JSON array as text, or already a JSON value (wrangler
 * passes a TOML array in [vars] as one). Empty or unset means DEFAULT_CHECKLIST.
 */
export const ChecklistVariable = z.unknown().optional().transform((raw, ctx): VerificationChecklist => {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return DEFAULT_CHECKLIST;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {id, ko, en, zh?}' });
      return z.NEVER;
    }
  }
  const parsed = VerificationChecklist.safeParse(value);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `must be a JSON array of 1..20 {id, ko, en, zh?}: ${describeIssues(parsed.error)}` });
    return z.NEVER;
  }
  return parsed.data;
});

export type ChecklistStep =
  /** Accepted; `ticked` has every configured id with whether the agent ticked it (for the audit). */
  | { ok: true; ticked: Record<string, boolean> }
  | { ok: false; message: string };

/** Whether a decision with these ticked ids may stand against the configured checklist. */
export function checklistStep(configured: VerificationChecklist, decision: Decision, ticked: readonly string[]): ChecklistStep {
  const known = new Set(configured.map((item) => item.id));
  const unknown = ticked.filter((id) => !known.has(id));
  if (unknown.length > 0) return { ok: false, message: `unknown checklist items: ${unknown.join(', ')}` };
  const done = new Set(ticked);
  const missing = configured.filter((item) => !done.has(item.id)).map((item) => item.id);
  if (decision === 'approved' && missing.length > 0) {
    return { ok: false, message: `an approval needs every checklist item ticked; missing: ${missing.join(', ')}` };
  }
  return { ok: true, ticked: Object.fromEntries(configured.map((item) => [item.id, done.has(item.id)])) };
}
