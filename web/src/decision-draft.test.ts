import { describe, expect, it } from 'vitest';
import { checkDecisionDraft } from './decision-draft.ts';

describe('checkDecisionDraft', () => {
  it('needs a decision first', () => {
    expect(checkDecisionDraft({ decision: null, reasonCodes: [], note: '' })).toMatchObject({ ok: false, problem: 'no_decision' });
  });
  it('approves without reasons, trimming the note', () => {
    expect(checkDecisionDraft({ decision: 'approved', reasonCodes: [], note: '  fine  ' })).toEqual({
      ok: true,
      message: { type: 'decide', decision: 'approved', reasonCodes: [], note: 'fine' },
    });
  });
  it('rejects only with at least one reason, each once', () => {
    expect(checkDecisionDraft({ decision: 'rejected', reasonCodes: [], note: '' })).toMatchObject({ ok: false, problem: 'needs_reason' });
    expect(checkDecisionDraft({ decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'ID_MISMATCH', 'POOR_QUALITY'], note: '' })).toEqual({
      ok: true,
      message: { type: 'decide', decision: 'rejected', reasonCodes: ['ID_MISMATCH', 'POOR_QUALITY'], note: '' },
    });
  });
  it('refuses a note over 2000 characters', () => {
    expect(checkDecisionDraft({ decision: 'approved', reasonCodes: [], note: 'x'.repeat(2001) })).toMatchObject({ ok: false, problem: 'invalid' });
  });
});
