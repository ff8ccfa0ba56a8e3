import { describe, expect, it } from 'vitest';
import { dictionaryKeys, endReasonKey, reasonCodeKey, translate, waitingKey } from './i18n.ts';
import { CaptureKind, EndReason, ErrorCode, Locale, ReasonCode } from '@vident/protocol';
import { captureBlockerKey, captureFailureKey, captureKindKey } from './capture-messages.ts';
import type { CaptureBlocker } from './capture-flow.ts';
import type { CaptureFailureCode } from './capture-upload.ts';

describe('dictionary', () => {
  it('has the same keys in every locale, none empty', () => {
    for (const locale of Locale.options) {
      expect(dictionaryKeys(locale).sort(), locale).toEqual(dictionaryKeys('ko').sort());
      for (const key of dictionaryKeys(locale)) expect(translate(locale, key as never).trim(), `${locale} ${key}`).not.toBe('');
    }
  });
  it('has the same placeholders in every locale', () => {
    const placeholders = (locale: Locale, key: string) => (translate(locale, key as never).match(/\{\w+\}/g) ?? []).sort();
    for (const key of dictionaryKeys('ko')) {
      for (const locale of Locale.options) expect(placeholders(locale, key), `${locale} ${key}`).toEqual(placeholders('ko', key));
    }
  });
  it('has every key translated into Chinese (simplified script)', () => {
    // Names, units and codes may be the same in every language (Janus CPU, p90).
    const same = dictionaryKeys('ko').filter((key) => translate('zh', key as never) === translate('en', key as never));
    expect(same.filter((key) => /[A-Za-z]{4,}/.test(translate('en', key as never).replace(/Janus|CPU|\{\w+\}/g, '')))).toEqual([]);
    for (const key of dictionaryKeys('ko')) {
      const text = translate('zh', key as never).replace(/\{\w+\}/g, '');
      if (same.includes(key)) continue;
      expect(text, key).toMatch(/\p{Script=Han}/u);
      expect(text, key).not.toMatch(/[가-힣]/);
    }
  });
  it('has a text for every end reason', () => {
    for (const reason of EndReason.options) {
      for (const locale of Locale.options) expect(translate(locale, endReasonKey(reason))).not.toContain('end.reason');
    }
  });
  it('has a label for every decision reason code', () => {
    for (const code of ReasonCode.options) {
      for (const locale of Locale.options) expect(translate(locale, reasonCodeKey(code))).not.toContain('decision.reason');
    }
  });
  it('uses the customer wording the bank expects', () => {
    expect(translate('ko', 'join.customer.heading')).toBe('본인 확인을 시작합니다');
  });
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'error.server', { message: 'boom' })).toBe('Server error: boom');
    expect(translate('en', 'error.server')).toBe('Server error: {message}');
  });
});

describe('waitingKey', () => {
  it('names the party being waited for', () => {
    expect(translate('ko', waitingKey('customer'))).toContain('상담원');
    expect(translate('en', waitingKey('agent'))).toContain('customer');
  });
});

describe('consent and capture texts', () => {
  it('says what is recorded, why, how long and who can open it, in every locale', () => {
    for (const locale of Locale.options) {
      for (const key of ['consent.heading', 'consent.intro', 'consent.what', 'consent.why', 'consent.retention', 'consent.access', 'consent.accept', 'consent.decline'] as const) {
        for (const other of Locale.options.filter((l) => l !== locale)) expect(translate(locale, key)).not.toBe(translate(other, key));
      }
    }
    expect(translate('en', 'consent.retention')).toMatch(/5 years/);
    expect(translate('ko', 'consent.retention')).toMatch(/5년/);
    expect(translate('zh', 'consent.retention')).toMatch(/5\s?年/);
  });
  it('has a label for every capture kind, a reason for every blocker and a text for every failure code', () => {
    const blockers: CaptureBlocker[] = ['no_key', 'bad_key', 'key_loading', 'no_video', 'camera_off'];
    const failures: CaptureFailureCode[] = [...ErrorCode.options, 'network', 'no_frame', 'encode_failed', 'unexpected_response'];
    const keys = [...CaptureKind.options.map(captureKindKey), ...blockers.map(captureBlockerKey), ...failures.map(captureFailureKey)];
    for (const locale of Locale.options) {
      for (const key of keys) expect(dictionaryKeys(locale)).toContain(key);
    }
  });
  it('groups failures by what the agent can do about them', () => {
    expect(captureFailureKey('token_expired')).toBe(captureFailureKey('forbidden'));
    expect(captureFailureKey('checksum_mismatch')).toBe('capture.error.rejected');
    expect(captureFailureKey('not_configured')).toBe('capture.error.key');
    expect(captureFailureKey('internal')).toBe('capture.error.server');
  });
  it('keeps the visible label inside the accessible name of a capture button', () => {
    for (const locale of Locale.options) {
      for (const kind of CaptureKind.options) {
        const label = translate(locale, captureKindKey(kind));
        expect(translate(locale, 'capture.take', { kind: label })).toContain(label);
      }
    }
  });
});
