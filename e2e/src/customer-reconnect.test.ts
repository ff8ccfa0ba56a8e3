/*
 * The customer's connection is cut for real while in a call: the kernel destroys the customer's
 * own TCP sockets (`ss -K`), the signaling WebSocket to the control plane and the ICE-TCP media
 * connections to Janus. Customer and agent run in separate Chromium processes, so the customer's
 * sockets are told apart by process id and the agent's stay untouched. The page must recover by
 * itself: "reconnecting", then "connected", media decoding again on both sides, the session still
 * in the call, and the reconnect in the audit trail.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBankClient, type AuditEntry } from '@vident/protocol';
import { launchOwnChromium, type OwnChromium } from './browser-process.ts';
import { callStats, customerJoinsWithConsent, framesDecoded, waitUntil } from './call-page.ts';
import { cutSockets, processTree, stillEstablished, tcpSocketsOf, type TcpSocket } from './socket-cut.ts';
import { recordStatuses, statusesSeen } from './status-log.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });
const controlPlane = new URL(stack.baseUrl);

describe('customer reconnect after a real network cut', () => {
  let customer: OwnChromium;
  let agent: OwnChromium;
  let sessionId: string;

  beforeAll(async () => {
    customer = await launchOwnChromium({ width: 390, height: 844 });
    customer.page.on("console", (m) => console.log(`[cust ${new Date().toISOString().slice(14, 23)}]`, m.text()));
    agent = await launchOwnChromium({ width: 1280, height: 800 });
    const created = await bank.createSession({ externalRef: `e2e-cut-${Date.now()}`, customerName: 'Cut Customer', locale: 'en' });
    sessionId = created.sessionId;
    await customer.page.goto(created.customerUrl);
    await customerJoinsWithConsent(customer.page);
    await agent.page.goto(created.agentUrl);
    await agent.page.getByTestId('join').click();
    for (const { page } of [customer, agent]) {
      await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 30_000 });
      await waitUntil('video frames decoded', async () => (await framesDecoded(page)) > 10, 30_000);
    }
  });

  afterAll(async () => {
    await customer?.close();
    await agent?.close();
  });

  /** The customer's sockets to the control plane (signaling) and to Janus (media). */
  function customerSockets(): { signaling: TcpSocket[]; media: TcpSocket[] } {
    const sockets = tcpSocketsOf(processTree(customer.pid));
    return {
      signaling: sockets.filter((s) => s.peer === controlPlane.hostname && s.peerPort === Number(controlPlane.port)),
      media: sockets.filter((s) => s.peer === stack.janusAddress),
    };
  }

  async function customerAudit(since: string): Promise<AuditEntry[]> {
    const trail = await bank.sessionAudit(sessionId);
    return trail.entries.filter((e) => e.actor === 'customer' && e.at >= since);
  }

  /** Both pages show "connected" and decode a fresh run of frames from the other side. */
  async function mediaFlowsAgain(): Promise<void> {
    for (const [name, { page, consoleLines }] of [['customer', customer], ['agent', agent]] as const) {
      const status = page.getByTestId('connection-status');
      await status.and(page.locator('[data-state="connected"]')).waitFor({ timeout: 40_000 }).catch(async (error: unknown) => {
        const stats = await callStats(page);
        const legs = { publisher: stats.publisher?.selectedPair?.state ?? null, subscriber: stats.subscriber?.selectedPair?.state ?? null };
        throw new Error(`${name} not connected again: shows ${await status.getAttribute('data-state')}, legs ${JSON.stringify(legs)}, seen ${JSON.stringify(await statusesSeen(page))}, console:\n${consoleLines.slice(-25).join('\n')}\n(${String(error)})`);
      });
    }
    for (const { page } of [customer, agent]) {
      const before = await framesDecoded(page);
      await waitUntil('frames decoded again', async () => (await framesDecoded(page)) > before + 15, 30_000);
    }
  }

  it('recovers from a cut of its WebSocket and its media connections: reconnecting, then connected, audited', async () => {
    const { signaling, media } = customerSockets();
    expect(signaling.length).toBeGreaterThanOrEqual(1);
    // Publisher and subscriber each hold one ICE-TCP connection (bundled).
    expect(media.length).toBeGreaterThanOrEqual(2);
    const agentSocketsBefore = tcpSocketsOf(processTree(agent.pid)).map((s) => `${s.localPort}`);
    await recordStatuses(customer.page);
    const cutAt = new Date().toISOString();
    expect(cutSockets([...signaling, ...media])).toBeGreaterThan(0);
    expect(stillEstablished([...signaling, ...media])).toEqual([]);

    await waitUntil('customer shows reconnecting', async () => (await statusesSeen(customer.page)).includes('reconnecting'), 15_000);
    await mediaFlowsAgain();
    const seen = await statusesSeen(customer.page);
    expect(seen.at(-1)).toBe('connected');
    expect(seen.indexOf('reconnecting')).toBeLessThan(seen.lastIndexOf('connected'));
    // New sockets of its own: the old ones are gone for good.
    const after = customerSockets();
    for (const s of [...signaling, ...media]) expect(after.signaling.concat(after.media).some((n) => n.localPort === s.localPort && n.peer === s.peer)).toBe(false);
    expect(after.media.length).toBeGreaterThanOrEqual(2);
    // The agent's own connections were never touched.
    const agentNow = tcpSocketsOf(processTree(agent.pid)).map((s) => `${s.localPort}`);
    expect(agentSocketsBefore.filter((p) => agentNow.includes(p)).length).toBeGreaterThan(0);

    const view = await bank.getSession(sessionId);
    expect(view.state).toBe('in_call');
    expect(view.participants.every((p) => p.connected)).toBe(true);
    const actions = (await customerAudit(cutAt)).map((e) => e.action);
    expect(actions).toContain('participant.left');
    expect(actions).toContain('participant.reconnected');
    expect(await customer.page.getByTestId('end-screen').isHidden()).toBe(true);
  });

  it('recovers from a cut of its media connections alone (signaling untouched)', async () => {
    const { signaling, media } = customerSockets();
    expect(media.length).toBeGreaterThanOrEqual(2);
    await recordStatuses(customer.page);
    expect(cutSockets(media)).toBeGreaterThan(0);
    expect(stillEstablished(media)).toEqual([]);

    // Two recoveries are seen here, both fine: Chromium's ICE-TCP connection reconnects by itself
    // (libwebrtc reopens an outgoing TCP connection that was writable) and media never stops; or
    // it notices the dead connection only when its checks go unanswered (seconds), the leg turns
    // disconnected/failed and the page rejoins ("reconnecting", then "connected").
    await mediaFlowsAgain();
    expect((await statusesSeen(customer.page)).at(-1)).toBe('connected');
    expect(customerSockets().media.length).toBeGreaterThanOrEqual(2);
    expect(signaling.length).toBeGreaterThanOrEqual(1);
    expect((await bank.getSession(sessionId)).state).toBe('in_call');
  });

  it('logged no page errors', () => {
    expect([...customer.consoleErrors, ...agent.consoleErrors].filter((e) => !/favicon/i.test(e))).toEqual([]);
  });
});
