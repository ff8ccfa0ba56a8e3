/*
 * The control-plane link's loops on a scripted client: registration retried until it answers,
 * heartbeats at the period the control plane asks for and at once on beatNow(), a lost
 * registration (404) registered again, rooms released, events retried except on a 4xx, and only
 * the events the control plane acts on sent at all.
 */
import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '@vident/protocol';
import { ControlPlaneError, type ControlPlaneClient } from './control-plane-client.ts';
import { ControlPlaneLink, crossesToControlPlane } from './control-plane-link.ts';

const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const registration = { nodeId: 'node-link-1', url: 'http://127.0.0.1:7400', capacity: 2, version: '0.1.0', region: 'default' };
const heartbeatBody = { sessions: 0, publishers: 0, subscribers: 0, janusUp: true, uploadsPending: 0, bitrateKbps: 0, cpuPercent: 0, rooms: [] };
const until = async (what: string, ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

type Client = Pick<ControlPlaneClient, 'register' | 'heartbeat' | 'postEvent'>;

function link(client: Client, released: string[][] = [], heartbeatIntervalMs = 60_000) {
  return new ControlPlaneLink({
    client,
    registration,
    controlPlaneUrl: 'http://control-plane.test',
    heartbeatIntervalMs,
    heartbeat: async () => heartbeatBody,
    release: (ids) => released.push(ids),
    log: quiet,
  });
}

describe('ControlPlaneLink', () => {
  it('registers (again after a failure), then beats at once on beatNow and releases what the answer disowns', async () => {
    let registrations = 0;
    let beats = 0;
    const released: string[][] = [];
    const l = link(
      {
        register: async () => {
          if (++registrations === 1) throw new ControlPlaneError(0, 'control plane unreachable');
          return { heartbeatIntervalMs: 60_000, evidencePublicKey: null };
        },
        heartbeat: async () => {
          beats++;
          return { status: 'live', release: [SESSION] };
        },
        postEvent: async () => undefined,
      },
      released,
    );
    let registered = false;
    void l.run(() => (registered = true));
    await until('registration', () => registered);
    expect(registrations).toBe(2);
    expect(l.bankKey).toBeNull();
    // The period is a minute: only beatNow makes a beat this soon.
    await new Promise((r) => setTimeout(r, 20));
    expect(beats).toBe(0);
    l.beatNow();
    await until('a heartbeat', () => beats === 1);
    expect(released).toEqual([[SESSION]]);
    l.stop();
  });

  it('beats at the shorter period the control plane asks for, and registers again when it lost the node (404)', async () => {
    let registrations = 0;
    let beats = 0;
    const l = link(
      {
        register: async () => {
          registrations++;
          return { heartbeatIntervalMs: 100, evidencePublicKey: null };
        },
        heartbeat: async () => {
          if (++beats === 2) throw new ControlPlaneError(404, 'control plane answered 404 not_found', 'not_found');
          return { status: 'live', release: [] };
        },
        postEvent: async () => undefined,
      },
      [],
      5_000,
    );
    void l.run(() => undefined);
    await until('three heartbeats', () => beats >= 3);
    expect(registrations).toBe(2);
    l.stop();
  });

  it('delivers an event with retries, but gives a refused (4xx) one up at once', async () => {
    const posted: NodeEvent[] = [];
    let failures = 1;
    const event: NodeEvent = { type: 'media-reset', sessionId: SESSION, reason: 'janus_restarted' };
    const refused: NodeEvent = { type: 'recording-empty', sessionId: SESSION, participant: 'agent', segment: 1 };
    let refusals = 0;
    const l = link({
      register: async () => ({ heartbeatIntervalMs: 100, evidencePublicKey: null }),
      heartbeat: async () => ({ status: 'live', release: [] }),
      postEvent: async (e) => {
        if (e.type === 'recording-empty') {
          refusals++;
          throw new ControlPlaneError(422, 'control plane answered 422');
        }
        if (failures-- > 0) throw new ControlPlaneError(503, 'control plane answered 503');
        posted.push(e);
      },
    });
    l.reportEvent(event);
    l.reportEvent(refused);
    await until('the retried event', () => posted.length === 1);
    expect(posted).toEqual([event]);
    await new Promise((r) => setTimeout(r, 50));
    expect(refusals).toBe(1);
  });

  it('sends only the events the control plane acts on', async () => {
    const posted: NodeEvent[] = [];
    const logged: string[] = [];
    const leg = { type: 'media', sessionId: SESSION, participant: 'customer', leg: 'publisher' } as const;
    const l = new ControlPlaneLink({
      client: { register: async () => ({ heartbeatIntervalMs: 100, evidencePublicKey: null }), heartbeat: async () => ({ status: 'live', release: [] }), postEvent: async (e) => void posted.push(e) },
      registration,
      controlPlaneUrl: 'http://control-plane.test',
      heartbeatIntervalMs: 60_000,
      heartbeat: async () => heartbeatBody,
      release: () => undefined,
      log: { ...quiet, info: (_: object, msg: string) => void logged.push(msg) },
    });
    const dropped: NodeEvent[] = [
      { ...leg, event: 'media', detail: 'video receiving=false' },
      { ...leg, event: 'slowlink', detail: 'uplink audio lost=7' },
      { type: 'recording-ready', sessionId: SESSION, participant: 'customer', file: 'x.webm.venc', durationMs: 1000, bytes: 10 },
      { ...leg, leg: 'subscriber', event: 'webrtcup' },
      { ...leg, leg: 'subscriber', event: 'hangup', detail: 'gone' },
    ];
    const sent: NodeEvent[] = [
      { ...leg, event: 'webrtcup' },
      { ...leg, event: 'hangup', detail: 'gone' },
      { type: 'recording-empty', sessionId: SESSION, participant: 'agent', segment: 1 },
      { type: 'media-reset', sessionId: SESSION, reason: 'janus_restarted' },
    ];
    expect([...dropped, ...sent].map(crossesToControlPlane)).toEqual([false, false, false, false, false, true, true, true, true]);
    for (const e of [...dropped, ...sent]) l.reportEvent(e);
    await until('the sent events', () => posted.length === sent.length);
    await new Promise((r) => setTimeout(r, 30));
    expect(posted).toEqual(sent);
    expect(logged).toEqual(['slow link']);
  });
});
