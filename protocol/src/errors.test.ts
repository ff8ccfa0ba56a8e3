import { describe, expect, it } from 'vitest';
import { CreateSessionRequest } from './bank-api.ts';
import { describeIssues, useEnglishIssueMessages } from './errors.ts';

// This file's process builds only zod/mini schemas, which set no locale: the texts before the call
// are zod's generic ones, as a page sees them (vitest runs each file in a process of its own).
describe('useEnglishIssueMessages', () => {
  it('turns zod/mini\'s generic issue texts into zod\'s English ones', () => {
    const bad = { externalRef: '', customerName: 'x', extra: 1 };
    expect(describeIssues(CreateSessionRequest.safeParse(bad).error!)).toBe('externalRef: Invalid input; (root): Invalid input');
    useEnglishIssueMessages();
    expect(describeIssues(CreateSessionRequest.safeParse(bad).error!)).toBe(
      'externalRef: Too small: expected string to have >=1 characters; (root): Unrecognized key: "extra"',
    );
  });
});
