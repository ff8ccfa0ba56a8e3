import { ErrorCode } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { callProblemText } from './error-text.ts';

describe('callProblemText', () => {
  it('has a Korean, an English and a Chinese text for every error code, translated and never the key', () => {
    for (const code of ErrorCode.options) {
      const ko = callProblemText('ko', code);
      const en = callProblemText('en', code);
      const zh = callProblemText('zh', code);
      for (const text of [ko, en, zh]) expect(text, code).not.toContain('error.code');
      expect(ko, code).not.toBe(en);
      expect(zh, code).not.toBe(en);
      // A Korean or Chinese page shows its own script: no run of Latin words (the server's English message) in it.
      expect(ko, code).not.toMatch(/[A-Za-z]{3,}/);
      expect(ko, code).toMatch(/[가-힣]/);
      expect(zh, code).not.toMatch(/[A-Za-z]{3,}|[가-힣]/);
      expect(zh, code).toMatch(/\p{Script=Han}/u);
    }
  });

  it('names the problems a participant meets in words they understand', () => {
    expect(callProblemText('en', 'rate_limited')).toMatch(/too quickly/);
    expect(callProblemText('ko', 'session_ended')).toContain('종료');
    expect(callProblemText('en', 'consent_required')).toBe('Please agree to the recording before the call starts.');
    expect(callProblemText('ko', 'socket')).toBe('서버에 연결할 수 없습니다.');
    expect(callProblemText('en', 'media')).toContain('Camera or microphone');
    expect(callProblemText('zh', 'rate_limited')).toBe('您发送消息的速度过快。请稍候再试。');
  });
});
