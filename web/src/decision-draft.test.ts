import type { ChecklistItem } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { checkDecisionDraft, checklistLabel, type DecisionDraft } from './decision-draft.ts';

const checklist: ChecklistItem[] = [
  { id: 'face_matches_photo', ko: '얼굴이 신분증 사진과 일치합니다', en: 'The face matches the photo on the ID' },
  { id: 'hologram_visible', ko: '홀로그램이 보입니다', en: 'The hologram is visible' },
];
const draft = (d: Partial<DecisionDraft>): DecisionDraft => ({ decision: null, reasonCodes: [], note: '', checklist: [], ticked: [], ...d });

describe('checkDecisionDraft', () => {
  it('needs a decision first', () => {
    expect(checkDecisionDraft(draft({}))).toMatchObject({ ok: false, problem: 'no_decision' });
  });
  it('approves without reasons, trimming the note', () => {
    expect(checkDecisionDraft(draft({ decision: 'approved', note: '  fine  ' }))).toEqual({
      ok: true,
      message: { type: 'decide', decision: 'approved', reasonCodes: [], note: 'fine', checklist: [] },
    });
  });
  it('rejects only with at least one reason, each once', () => {
    expect(checkDecisionDraft(draft({ decision: 'rejected' }))).toMatchObject({ ok: false, problem: 'needs_reason' });
    expect(checkDecisionDraft(draft({ decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'ID_MISMATCH', 'POOR_QUALITY'] }))).toEqual({
      ok: true,
      message: { type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'POOR_QUALITY'], note: '', checklist: [] },
    });
  });
  it('refuses a note over 2000 characters', () => {
    expect(checkDecisionDraft(draft({ decision: 'approved', note: 'x'.repeat(2001) }))).toMatchObject({ ok: false, problem: 'invalid' });
  });
});

describe('the checklist in the draft', () => {
  it('holds an approval back until every item is ticked, naming what is missing', () => {
    const none = checkDecisionDraft(draft({ decision: 'approved', checklist }));
    expect(none).toEqual({ ok: false, problem: 'needs_checklist', detail: 'tick every checklist item to approve; missing: face_matches_photo, hologram_visible' });
    expect(checkDecisionDraft(draft({ decision: 'approved', checklist, ticked: ['hologram_visible'] }))).toMatchObject({
      ok: false,
      problem: 'needs_checklist',
      detail: expect.stringMatching(/missing: face_matches_photo$/),
    });
  });

  it('sends the ticked ids in the list\'s order once complete', () => {
    expect(checkDecisionDraft(draft({ decision: 'approved', checklist, ticked: ['hologram_visible', 'face_matches_photo'] }))).toEqual({
      ok: true,
      message: { type: 'decide', decision: 'approved', reasonCodes: [], note: '', checklist: ['face_matches_photo', 'hologram_visible'] },
    });
  });

  it('lets a rejection carry any subset, and drops ticks of items no longer listed', () => {
    expect(checkDecisionDraft(draft({ decision: 'rejected', reasonCodes: ['SUSPECTED_FRAUD'], checklist, ticked: ['hologram_visible', 'old_item'] }))).toEqual({
      ok: true,
      message: { type: 'decide', decision: 'rejected', reasonCodes: ['SUSPECTED_FRAUD'], note: '', checklist: ['hologram_visible'] },
    });
    expect(checkDecisionDraft(draft({ decision: 'approved', checklist, ticked: ['old_item'] }))).toMatchObject({ problem: 'needs_checklist' });
  });

  it('labels an item in the page\'s locale', () => {
    expect(checklistLabel(checklist[0]!, 'ko')).toBe('얼굴이 신분증 사진과 일치합니다');
    expect(checklistLabel(checklist[0]!, 'en')).toBe('The face matches the photo on the ID');
    expect(checklistLabel(checklist[0]!, 'zh')).toBe('The face matches the photo on the ID');
    expect(checklistLabel({ ...checklist[0]!, zh: '面部与证件照片一致' }, 'zh')).toBe('面部与证件照片一致');
  });
});
