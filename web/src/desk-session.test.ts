import { Locale } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { translate } from './i18n.ts';
import { consoleLocale, DESK_TOKEN_KEY, formatSeconds, readDeskToken, takeDeskToken, type TokenStore } from './desk-session.ts';
import { queueLines } from './queue-text.ts';

function memoryStore(): TokenStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const b64url = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('the console token', () => {
  it('comes from the fragment and is kept for reloads and the way back from a call', () => {
    const store = memoryStore();
    expect(takeDeskToken('#token=abc.def', store)).toBe('abc.def');
    expect(store.data.get(DESK_TOKEN_KEY)).toBe('abc.def');
    expect(takeDeskToken('', store)).toBe('abc.def');
    expect(takeDeskToken('#token=not a token', memoryStore())).toBeNull();
  });

  it("greets the agent by its token's name and speaks its only language", () => {
    const token = `${b64url(JSON.stringify({ v: 1, typ: 'desk', aid: 'kim', name: '김상담', role: 'agent', loc: ['en'], exp: 1 }))}.mac`;
    const info = readDeskToken(token);
    expect(info).toMatchObject({ aid: 'kim', name: '김상담', role: 'agent' });
    expect(consoleLocale(info, ['ko-KR'])).toBe('en');
    expect(consoleLocale({ ...info!, loc: ['ko', 'en'] }, ['en-US'])).toBe('en');
    expect(consoleLocale({ ...info!, loc: ['zh'] }, ['ko-KR'])).toBe('zh');
    expect(consoleLocale({ ...info!, loc: ['ko', 'zh'] }, ['zh-CN'])).toBe('zh');
    expect(readDeskToken('garbage.mac')).toBeNull();
  });

  it('formats waiting times', () => {
    expect([0, 59, 61, 3600 + 62].map(formatSeconds)).toEqual(['0:00', '0:59', '1:01', '1:01:02']);
  });
});

describe("the customer's queue lines", () => {
  it('say the position and an estimate, or why there is none', () => {
    expect(queueLines('en', { position: 2, estimateSeconds: 300, agentsOnline: 2 })).toEqual({
      position: 'You are number 2 in the queue',
      estimate: 'Estimated wait: about 5 min',
    });
    expect(queueLines('ko', { position: 1, estimateSeconds: 30, agentsOnline: 1 }).estimate).toBe('예상 대기 시간: 1분 이내');
    expect(queueLines('en', { position: 1, estimateSeconds: null, agentsOnline: 0 }).estimate).toContain('No agent is online');
    expect(queueLines('en', { position: 1, estimateSeconds: null, agentsOnline: 3 }).estimate).toContain('no call history');
    expect(queueLines('ko', null).position).toBe('대기 순서를 확인하는 중입니다…');
  });

  it('name every page locale in every page locale (the queue and the supervisor list them)', () => {
    for (const shown of Locale.options) {
      expect(Locale.options.map((page) => translate(page, `desk.locale.${shown}`)).every((name) => !name.startsWith('desk.'))).toBe(true);
    }
    expect(translate('ko', 'desk.locale.zh')).toBe('중국어');
    expect(translate('zh', 'desk.locale.zh')).toBe('中文');
  });
});
