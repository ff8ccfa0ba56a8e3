import { describe, expect, it } from 'vitest';
import { checklistStep, ChecklistVariable, DEFAULT_CHECKLIST } from './verification-checklist.ts';

const ids = DEFAULT_CHECKLIST.map((item) => item.id);

describe('checklistStep', () => {
  it('approves only with every item ticked, in any order', () => {
    expect(checklistStep(DEFAULT_CHECKLIST, 'approved', [...ids].reverse())).toEqual({
      ok: true,
      ticked: { face_matches_photo: true, hologram_visible: true, serial_number_matches: true, document_not_expired: true },
    });
    const partial = checklistStep(DEFAULT_CHECKLIST, 'approved', ['face_matches_photo', 'document_not_expired']);
    expect(partial).toEqual({
      ok: false,
      message: 'an approval needs every checklist item ticked; missing: hologram_visible, serial_number_matches',
    });
    expect(checklistStep(DEFAULT_CHECKLIST, 'approved', [])).toMatchObject({ ok: false });
  });

  it('lets a rejection tick any subset, recording each item', () => {
    expect(checklistStep(DEFAULT_CHECKLIST, 'rejected', [])).toEqual({
      ok: true,
      ticked: { face_matches_photo: false, hologram_visible: false, serial_number_matches: false, document_not_expired: false },
    });
    expect(checklistStep(DEFAULT_CHECKLIST, 'rejected', ['hologram_visible'])).toMatchObject({ ok: true, ticked: { hologram_visible: true, face_matches_photo: false } });
  });

  it('refuses ids the configuration does not have, for either decision', () => {
    for (const decision of ['approved', 'rejected'] as const) {
      expect(checklistStep(DEFAULT_CHECKLIST, decision, [...ids, 'vibes_ok'])).toEqual({ ok: false, message: 'unknown checklist items: vibes_ok' });
    }
  });
});

describe('ChecklistVariable', () => {
  it('defaults when unset or empty, parses JSON text or an already parsed array', () => {
    expect(ChecklistVariable.parse(undefined)).toBe(DEFAULT_CHECKLIST);
    expect(ChecklistVariable.parse('  ')).toBe(DEFAULT_CHECKLIST);
    const own = [{ id: 'liveness', ko: '실제 사람입니다', en: 'A live person' }];
    expect(ChecklistVariable.parse(JSON.stringify(own))).toEqual(own);
    expect(ChecklistVariable.parse(own)).toEqual(own);
  });

  it('has good labels by default: Korean, English and Chinese, different, each id once', () => {
    expect(ids).toEqual(['face_matches_photo', 'hologram_visible', 'serial_number_matches', 'document_not_expired']);
    for (const item of DEFAULT_CHECKLIST) {
      expect(item.ko).toMatch(/[가-힣]/);
      expect(item.en).toMatch(/^[A-Z][a-z]/);
      expect(item.zh).toMatch(/^\p{Script=Han}+$/u);
    }
  });

  it('keeps a checklist configured before Chinese valid (zh is optional)', () => {
    const old = [{ id: 'photo', ko: '사진', en: 'Photo' }];
    expect(ChecklistVariable.parse(JSON.stringify(old))).toEqual(old);
    expect(ChecklistVariable.parse([{ ...old[0], zh: '照片' }])).toEqual([{ ...old[0], zh: '照片' }]);
  });

  it('says what is wrong without echoing the value', () => {
    const problem = (raw: unknown) => ChecklistVariable.safeParse(raw).error?.issues[0]?.message;
    expect(problem('not json')).toBe('must be a JSON array of {id, ko, en, zh?}');
    expect(problem('[]')).toMatch(/at least one item/);
    expect(problem('[{"id":"Bad-Id","ko":"가","en":"A"}]')).toMatch(/^must be a JSON array of 1\.\.20 \{id, ko, en, zh\?\}: 0\.id: /);
    expect(problem('{"id":"a"}')).toMatch(/^must be a JSON array/);
  });
});
