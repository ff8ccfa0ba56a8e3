import { describe, expect, it } from 'vitest';
import { commandUrlProblem } from './command-url.ts';

describe('commandUrlProblem', () => {
  it('takes https always and http only on a local stack', () => {
    expect(commandUrlProblem('https://media-1.example.com:7443/', { allowHttpNodeUrls: false })).toBeNull();
    expect(commandUrlProblem('http://media-1.example.com:7400/', { allowHttpNodeUrls: false })).toMatch(/https/);
    expect(commandUrlProblem('http://127.0.0.1:7400/', { allowHttpNodeUrls: true })).toBeNull();
    expect(commandUrlProblem('ftp://127.0.0.1:7400/', { allowHttpNodeUrls: true })).toMatch(/https/);
    expect(commandUrlProblem('not a url', { allowHttpNodeUrls: true })).toBe('is not a URL');
  });
});
