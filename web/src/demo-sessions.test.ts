import { describe, expect, it } from 'vitest';
import { interpretDemoCreate, interpretDemoList, sameOriginTarget } from './demo-sessions.ts';

const SID = '3f1c2a4e-8b7d-4c2e-9a1f-0123456789ab';
const item = {
  sessionId: SID,
  customerName: '홍길동',
  state: 'waiting',
  customerUrl: 'https://vident.example/join#token=a.b',
  agentUrl: 'https://vident.example/join#token=c.d',
  extra: 'ignored',
};

describe('interpretDemoList', () => {
  it('accepts a bare array and a { sessions } object', () => {
    expect(interpretDemoList(200, [item])).toMatchObject({ kind: 'ok', sessions: [{ sessionId: SID }] });
    expect(interpretDemoList(200, { sessions: [item] })).toMatchObject({ kind: 'ok', sessions: [{ sessionId: SID }] });
  });
  it('treats 404 as demo mode off', () => {
    expect(interpretDemoList(404, { error: { code: 'not_found', message: 'x' } })).toEqual({ kind: 'disabled' });
  });
  it('reports error bodies and odd shapes', () => {
    expect(interpretDemoList(500, { error: { code: 'internal', message: 'down' } })).toEqual({
      kind: 'error',
      message: 'internal: down',
    });
    expect(interpretDemoList(0, null)).toEqual({ kind: 'error', message: 'HTTP 0' });
    expect(interpretDemoList(200, [{ sessionId: 'nope' }])).toEqual({ kind: 'error', message: 'unexpected response' });
  });
});

describe('interpretDemoCreate', () => {
  it('accepts a CreateSessionResponse', () => {
    const body = {
      sessionId: SID,
      customerUrl: item.customerUrl,
      agentUrl: item.agentUrl,
      expiresAt: '2026-01-01T00:30:00.000Z',
    };
    expect(interpretDemoCreate(201, body)).toEqual({ kind: 'ok', session: body });
    expect(interpretDemoCreate(201, { sessionId: SID })).toEqual({ kind: 'error', message: 'unexpected response' });
    expect(interpretDemoCreate(409, { error: { code: 'conflict', message: 'busy' } })).toEqual({
      kind: 'error',
      message: 'conflict: busy',
    });
  });
});

describe('sameOriginTarget', () => {
  it('keeps path and fragment but moves to the page origin', () => {
    expect(sameOriginTarget(item.customerUrl, 'http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787/join#token=a.b');
    expect(sameOriginTarget('/join#token=x.y', 'http://localhost:8787')).toBe('http://localhost:8787/join#token=x.y');
  });
  it('refuses non-http schemes', () => {
    expect(sameOriginTarget('javascript:alert(1)', 'http://127.0.0.1')).toBeNull();
  });
});
