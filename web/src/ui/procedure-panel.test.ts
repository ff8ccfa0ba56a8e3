import { describe, expect, it } from 'vitest';
import { agentCodeText } from './procedure-panel.ts';

/* The agent's line about the one-time code (issue 15): none asked, waiting with tries left, verified, failed. */
describe('agentCodeText', () => {
  const expiresAt = '2026-12-03T09:10:00.000Z';
  it('says in both locales whether the code is asked for, pending, verified or failed', () => {
    expect(agentCodeText(null, 'en')).toBe('One-time code: not asked for');
    expect(agentCodeText({ status: 'pending', attemptsLeft: 2, expiresAt }, 'en')).toBe('One-time code: waiting for the customer (2 tries left)');
    expect(agentCodeText({ status: 'verified', attemptsLeft: 0, expiresAt }, 'en')).toBe('One-time code: verified');
    expect(agentCodeText({ status: 'failed', attemptsLeft: 0, expiresAt, failure: 'attempts' }, 'ko')).toBe('일회용 인증번호: 실패');
  });
});
