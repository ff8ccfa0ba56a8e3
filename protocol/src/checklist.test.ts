import { describe, expect, it } from 'vitest';
import { ClientMessage, localizedLabel, ServerMessage, VerificationChecklist } from './index.ts';

const item = (id: string) => ({ id, ko: '사진과 얼굴 일치', en: 'Photo matches face' });

describe('VerificationChecklist', () => {
  it('accepts 1..20 items with unique ids, trimming labels', () => {
    expect(VerificationChecklist.parse([{ id: 'face_matches_photo', ko: ' 사진 ', en: ' Photo ' }])).toEqual([
      { id: 'face_matches_photo', ko: '사진', en: 'Photo' },
    ]);
    expect(VerificationChecklist.safeParse(Array.from({ length: 20 }, (_, i) => item(`item_${i}`))).success).toBe(true);
  });

  it('refuses empty, oversized, duplicate, badly named or unlabelled lists', () => {
    const accepted = (value: unknown) => VerificationChecklist.safeParse(value).success;
    expect(accepted([])).toBe(false);
    expect(accepted(Array.from({ length: 21 }, (_, i) => item(`item_${i}`)))).toBe(false);
    expect(accepted([item('same'), item('same')])).toBe(false);
    for (const id of ['', 'Upper', 'with-dash', 'space here', 'x'.repeat(41), '한글']) expect(accepted([item(id)]), id).toBe(false);
    expect(accepted([{ id: 'a', ko: '  ', en: 'A' }])).toBe(false);
    expect(accepted([{ id: 'a', ko: '가' }])).toBe(false);
    expect(accepted([{ id: 'a', ko: '가', en: 'A', fr: 'A' }])).toBe(false);
    expect(accepted([item('x'.repeat(40))])).toBe(true);
  });
});

describe('Chinese labels', () => {
  it('are optional, so a checklist configured before Chinese stays valid, and fall back to English', () => {
    const [old] = VerificationChecklist.parse([item('face_matches_photo')]);
    expect(localizedLabel(old!, 'zh')).toBe('Photo matches face');
    const [withZh] = VerificationChecklist.parse([{ ...item('face_matches_photo'), zh: ' 照片与面部一致 ' }]);
    expect(localizedLabel(withZh!, 'zh')).toBe('照片与面部一致');
    expect(localizedLabel(withZh!, 'ko')).toBe('사진과 얼굴 일치');
    expect(localizedLabel(withZh!, 'en')).toBe('Photo matches face');
    expect(VerificationChecklist.safeParse([{ ...item('a'), zh: ' ' }]).success).toBe(false);
  });
});

describe('decide with a checklist', () => {
  const decide = (body: object) => ClientMessage.safeParse({ type: 'decide', decision: 'approved', ...body });

  it('defaults to nothing ticked', () => {
    expect(decide({}).data).toMatchObject({ checklist: [] });
    expect(decide({ checklist: ['face_matches_photo', 'hologram_visible'] }).data).toMatchObject({
      checklist: ['face_matches_photo', 'hologram_visible'],
    });
  });

  it('refuses repeated, malformed and too many ids', () => {
    expect(decide({ checklist: ['a', 'a'] }).success).toBe(false);
    expect(decide({ checklist: ['Not-An-Id'] }).success).toBe(false);
    expect(decide({ checklist: 'face_matches_photo' }).success).toBe(false);
    // 20 configured items and at most 5 drawn security features (issue 15).
    expect(decide({ checklist: Array.from({ length: 25 }, (_, i) => `i${i}`) }).success).toBe(true);
    expect(decide({ checklist: Array.from({ length: 26 }, (_, i) => `i${i}`) }).success).toBe(false);
  });
});

describe('welcome', () => {
  const base = {
    type: 'welcome',
    role: 'agent',
    session: {
      sessionId: 's',
      state: 'waiting',
      customerName: 'n',
      locale: 'ko',
      record: false,
      startedAt: null,
      expiresAt: '2026-11-23T10:00:00.000Z',
      consent: 'not_required',
    },
    peer: { role: 'customer', connected: false, audio: true, video: true },
  };

  it('carries the checklist optionally (the customer gets none)', () => {
    expect(ServerMessage.safeParse(base).success).toBe(true);
    const parsed = ServerMessage.parse({ ...base, checklist: [item('face_matches_photo')] });
    expect(parsed.type === 'welcome' && parsed.checklist).toEqual([item('face_matches_photo')]);
  });
});
