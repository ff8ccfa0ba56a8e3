import { ErrorCode } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { callProblemText } from './error-text.ts';
import { errorStrings } from './i18n-errors.ts';

describe('callProblemText', () => {
  it('has a Korean and an English text for every error code, translated and never the key', () => {
    for (const code of ErrorCode.options) {
      const ko = callProblemText('ko', code);
      const en = callProblemText('en', code);
      expect(ko, code).not.toContain('error.code');
      expect(en, code).not.toContain('error.code');
      expect(ko, code).not.toBe(en);
      // A Korean page shows Korean: no run of Latin words (the server's English message) in it.
      expect(ko, code).not.toMatch(/[A-Za-z]{3,}/);
      expect(ko, code).toMatch(/[가-힣]/);
    }
    expect(Object.keys(errorStrings.en).sort()).toEqual(Object.keys(errorStrings.ko).sort());
  });

  it('names the problems a participant meets in words they understand', () => {
    expect(callProblemText('en', 'rate_limited')).toMatch(/too quickly/);
    expect(callProblemText('ko', 'session_ended')).toContain('종료');
    expect(callProblemText('en', 'consent_required')).toBe('Please agree to the recording before the call starts.');
    expect(callProblemText('ko', 'socket')).toBe('서버에 연결할 수 없습니다.');
    expect(callProblemText('en', 'media')).toContain('Camera or microphone');
  });
});
