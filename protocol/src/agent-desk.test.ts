import { describe, expect, it } from 'vitest';
import { AgentSignInRequest, DeskClientMessage, DeskServerMessage, QueueStatus, ServerMessage, SessionView } from './index.ts';

const SID = '3f1c2a4e-8b7d-4c1e-9f0a-123456789abc';

describe('agent sign-in request', () => {
  it('fills the defaults: agent role, both locales, 8 hours', () => {
    expect(AgentSignInRequest.parse({ agentId: 'kim.minji@bank.example', name: '  김민지 ' })).toEqual({
      agentId: 'kim.minji@bank.example',
      name: '김민지',
      role: 'agent',
      locales: ['ko', 'en'],
      ttlMinutes: 480,
    });
  });

  it('refuses bad ids, names, roles, locales, lifetimes and extra fields', () => {
    const ok = { agentId: 'a-1', name: 'A' };
    for (const bad of [
      { ...ok, agentId: '' },
      { ...ok, agentId: 'x'.repeat(65) },
      { ...ok, agentId: 'has space' },
      { ...ok, agentId: 'slash/no' },
      { ...ok, name: ' ' },
      { ...ok, name: 'x'.repeat(101) },
      { ...ok, role: 'admin' },
      { ...ok, locales: [] },
      { ...ok, locales: ['ko', 'ko'] },
      { ...ok, locales: ['de'] },
      { ...ok, ttlMinutes: 0 },
      { ...ok, ttlMinutes: 721 },
      { ...ok, ttlMinutes: 1.5 },
      { ...ok, extra: true },
    ]) {
      expect(AgentSignInRequest.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
    expect(AgentSignInRequest.safeParse({ ...ok, agentId: 'x'.repeat(64), ttlMinutes: 720, role: 'supervisor', locales: ['en'] }).success).toBe(true);
  });
});

describe('desk socket messages', () => {
  it('accepts availability and accept, nothing else', () => {
    expect(DeskClientMessage.parse({ type: 'availability', available: false })).toEqual({ type: 'availability', available: false });
    expect(DeskClientMessage.parse({ type: 'accept', sessionId: SID })).toEqual({ type: 'accept', sessionId: SID });
    for (const bad of [
      { type: 'accept', sessionId: 'not-a-uuid' },
      { type: 'accept', sessionId: SID, agentId: 'someone-else' },
      { type: 'availability', available: 'yes' },
      { type: 'assign', sessionId: SID },
    ]) {
      expect(DeskClientMessage.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('describes assignments with a link and queue entries with positions from 1', () => {
    expect(DeskServerMessage.safeParse({ type: 'assigned', sessionId: SID, callUrl: 'http://127.0.0.1:8787/join?lang=ko#token=x.y' }).success).toBe(true);
    expect(DeskServerMessage.safeParse({ type: 'assigned', sessionId: SID, callUrl: 'not a url' }).success).toBe(false);
    const entry = { sessionId: SID, externalRef: 'case-1', locale: 'ko', waitingSince: '2026-05-01T10:00:00.000Z', position: 1, assigned: false };
    expect(DeskServerMessage.safeParse({ type: 'desk-queue', entries: [entry], agentsOnline: 2 }).success).toBe(true);
    expect(DeskServerMessage.safeParse({ type: 'desk-queue', entries: [{ ...entry, position: 0 }], agentsOnline: 2 }).success).toBe(false);
  });
});

describe('the customer queue message', () => {
  it('carries a position and an estimate that may be null (no basis for one)', () => {
    expect(ServerMessage.parse({ type: 'queue', position: 2, estimateSeconds: null, agentsOnline: 0 })).toEqual({
      type: 'queue',
      position: 2,
      estimateSeconds: null,
      agentsOnline: 0,
    });
    expect(QueueStatus.safeParse({ position: 1, estimateSeconds: 90, agentsOnline: 1 }).success).toBe(true);
    expect(QueueStatus.safeParse({ position: 1, estimateSeconds: -1, agentsOnline: 1 }).success).toBe(false);
  });

  it('keeps SessionView readable without an agent (additive field)', () => {
    const shape = SessionView.shape.agent;
    expect(shape.safeParse(undefined).success).toBe(true);
    expect(shape.safeParse({ id: 'a-1', name: 'A' }).success).toBe(true);
  });
});
