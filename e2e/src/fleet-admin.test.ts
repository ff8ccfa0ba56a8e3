/*
 * The platform team's tools on the real stack: `vident nodes ...` through the signed admin API,
 * a drained node taking no new session, and the sidecar's Prometheus metrics reading the real Janus.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { VidentApiError, createBankClient } from '@vident/protocol';
import { vident } from './vident-cli.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });
const cli = { baseUrl: stack.baseUrl, stateDir: stack.stateDir };
const admin = (...args: string[]) => vident([...args, '--state-dir', stack.stateDir], cli);

describe('the platform team on a running stack', () => {
  afterAll(async () => {
    await admin('nodes', 'undrain', stack.nodeId); // never leave the shared stack drained
  });

  it('lists the node as live, with its region, load and version', async () => {
    const listed = await admin('nodes', 'list');
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const row = listed.stdout.split('\n').find((line) => line.includes(stack.nodeId));
    expect(row).toMatch(/\blive\b/);
    expect(row).toMatch(/\bdefault\b/);
  });

  it('drains the node: no new session is placed on it until it is undrained', async () => {
    const drained = await admin('nodes', 'drain', stack.nodeId);
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(/drain/);
    const refused = await bank.createSession({ externalRef: `e2e-drained-${Date.now()}`, customerName: 'Nobody', locale: 'en' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(VidentApiError);
    expect((refused as VidentApiError).code).toBe('no_media_node');
    expect((await admin('nodes', 'list')).stdout).toMatch(/drain(ing|ed)/);

    expect((await admin('nodes', 'undrain', stack.nodeId)).code).toBe(0);
    const created = await bank.createSession({ externalRef: `e2e-undrained-${Date.now()}`, customerName: 'Somebody', locale: 'en' });
    const timeline = await admin('sessions', 'timeline', created.sessionId);
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toContain('session.created');
    await bank.deleteSession(created.sessionId);
  });

  it('exposes Prometheus metrics that read the real Janus', async () => {
    const text = await (await fetch(`${stack.metricsUrl}/metrics`)).text();
    expect(text).toMatch(/^vident_janus_up 1$/m);
    expect(text).toMatch(/^vident_janus_cpu_percent \d+(\.\d+)?$/m);
    expect(text).toMatch(/^vident_uploads_pending \d+$/m);
    // Declared even before this sidecar process (restarted by the outbox test) ran a command.
    expect(text).toMatch(/^# TYPE vident_command_duration_seconds histogram$/m);
  });
});
