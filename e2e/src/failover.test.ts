/*
 * Two media nodes: placement and failover. Its own stack (two media nodes, each Janus in its own
 * namespace with all UDP dropped, one control plane), so the shared single-node stack of the other
 * files stays as it is. In order, on the same stack:
 * 1. Without browsers: sessions created through the bank API spread over both nodes by load and a
 *    drained node gets none; everything is cancelled again so the next test starts idle.
 * 2. The session's Janus is SIGKILLed during a recorded call: both browsers get media again through
 *    the other node without anyone reloading, and the evidence holds the segments of both nodes.
 * 3. That Janus restarts: the room its sidecar still held (an ended session) is released; then, with
 *    the other node drained, a call on it survives another Janus restart by renegotiating there.
 * 4. A node's media path breaks while its Janus, API and heartbeats are fine: both pages report
 *    their lost legs and the session moves.
 * Figures (detection, media back) are printed and saved, not asserted against a speed goal: speed
 * belongs in benchmarks.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createAdminClient, type AdminClient } from '@vident/protocol';
import { startStack, type Stack, type StackNode } from '../../infra/stack.ts';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { callStats, joinCall, waitUntil } from './call-page.ts';
import { evidenceWhenReady, sidecarGauge } from './stack-probes.ts';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

/** Video frames this page decoded from a subscriber leg connected to `address`. */
async function framesFrom(page: Page, address: string): Promise<number> {
  const leg = (await callStats(page)).subscriber;
  if (leg?.selectedPair?.remote.address !== address) return 0;
  return leg.inboundVideo?.framesDecoded ?? 0;
}

/** The local port of the page's subscriber leg: a renegotiated leg connects from a new one. */
async function subscriberPort(page: Page): Promise<number | null> {
  return (await callStats(page)).subscriber?.selectedPair?.local.port ?? null;
}

/** Sessions each node holds by the registry's count (placement's truth), by node id. */
async function assignedByNode(admin: AdminClient): Promise<Record<string, number>> {
  const { nodes } = await admin.nodes();
  return Object.fromEntries(nodes.map((n) => [n.nodeId, n.assignedSessions]));
}

describe('two media nodes: placement and failover', () => {
  let stack: Stack;
  let chromium: LaunchedBrowser;
  let customer: Page;
  let agent: Page;
  let sessionId: string;
  /** The node whose Janus the kill test killed. */
  let from: string;

  beforeAll(async () => {
    stack = await startStack({ stateDir: mkdtempSync(join(tmpdir(), 'vident-e2e-failover-')), mediaNodes: 2, dropUdp: true });
    chromium = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  /** What the pages said (their own account of legs, rejoins and transport switches), shown when a test fails. */
  const consoleLines: string[] = [];
  const listen = (name: string, page: Page) =>
    page.on('console', (m) => consoleLines.push(`${new Date().toISOString().slice(11, 23)} ${name}: ${m.text()}`));
  afterEach(({ task }) => {
    if (task.result?.state === 'fail') console.log(`[failover] the pages said:\n${consoleLines.slice(-80).join('\n')}`);
    consoleLines.length = 0;
  });

  // Runs before the kill test (vitest keeps the order) and leaves the fleet as idle as it found it.
  it('spreads sessions by load, gives a drained node none, and frees every slot on cancel', async () => {
    const admin = createAdminClient({ baseUrl: stack.baseUrl, keyId: stack.secrets.adminKeyId, secret: stack.secrets.adminSecret });
    const [one, two] = stack.nodes.map((n) => n.nodeId) as [string, string];
    const idle = await assignedByNode(admin);
    expect(idle).toEqual({ [one]: 0, [two]: 0 });
    const created: string[] = [];
    const endStates: string[] = [];
    const create = async (label: string): Promise<string> => {
      const { sessionId } = await stack.bank.createSession({ externalRef: `e2e-spread-${label}-${Date.now()}`, customerName: 'Spread Customer', locale: 'en' });
      created.push(sessionId);
      return sessionId;
    };
    /** Where the bank's view, the audit's creation entry and the admin list all say the session runs. */
    const placedOn = async (id: string): Promise<string> => {
      const nodeId = (await stack.bank.getSession(id)).nodeId;
      const audit = await stack.bank.sessionAudit(id);
      expect(audit.entries.find((e) => e.action === 'session.created')?.detail).toMatchObject({ nodeId });
      expect((await admin.sessions({ nodeId: nodeId! })).sessions.map((s) => s.sessionId)).toContain(id);
      return nodeId!;
    };

    try {
      // 1. Equal nodes, least loaded first: each session goes to the node holding fewer (either on a
      //    tie, where Janus CPU decides), so the counts never differ by more than one.
      const SPREAD = 6;
      const order: string[] = [];
      for (let i = 0; i < SPREAD; i++) {
        const before = await assignedByNode(admin);
        const nodeId = await placedOn(await create(`spread-${i}`));
        order.push(nodeId);
        const other = nodeId === one ? two : one;
        expect(before[nodeId], `session ${i} went to ${nodeId} holding ${before[nodeId]} while ${other} held ${before[other]}`).toBeLessThanOrEqual(before[other]!);
        const after = await assignedByNode(admin);
        expect(after).toEqual({ ...before, [nodeId]: before[nodeId]! + 1 });
        expect(Math.abs(after[one]! - after[two]!)).toBeLessThanOrEqual(1);
      }
      const spread = await assignedByNode(admin);
      expect(spread).toEqual({ [one]: SPREAD / 2, [two]: SPREAD / 2 });
      console.log(`[placement] ${SPREAD} sessions over two idle nodes, in order ${order.join(' ')}: ${JSON.stringify(spread)}`);

      // 2. Drained, node two keeps its sessions and takes no new one, though it is now the less loaded.
      try {
        expect((await admin.drainNode(two)).status).toBe('draining');
        const DRAINED = 3;
        for (let i = 0; i < DRAINED; i++) expect(await placedOn(await create(`drained-${i}`))).toBe(one);
        const drained = await assignedByNode(admin);
        expect(drained).toEqual({ [one]: SPREAD / 2 + DRAINED, [two]: SPREAD / 2 });
        console.log(`[placement] ${DRAINED} more with ${two} drained: ${JSON.stringify(drained)}`);
      } finally {
        await admin.undrainNode(two);
      }
      expect((await admin.nodes()).nodes.find((n) => n.nodeId === two)?.status).toBe('live');
    } finally {
      // 3. The bank cancels every one (all of them even after a failure, hence no assertion in here);
      //    each frees its slot, so the kill test starts from an idle fleet.
      for (const id of created) endStates.push((await stack.bank.deleteSession(id)).state);
    }
    expect(endStates).toEqual(created.map(() => 'cancelled'));
    expect(await assignedByNode(admin)).toEqual(idle);
    expect((await admin.sessions()).sessions).toEqual([]);
  });

  it('a node dies mid-call: moves both browsers to the other node and records on both', async () => {
    const created = await stack.bank.createSession({ externalRef: `e2e-failover-${Date.now()}`, customerName: 'Failover Customer', locale: 'en' });
    sessionId = created.sessionId;
    ({ customer, agent } = await joinCall(chromium, created));
    listen('customer', customer);
    listen('agent', agent);

    from = (await stack.bank.getSession(sessionId)).nodeId!;
    const dying = stack.nodes.find((n) => n.nodeId === from)!;
    const survivor = stack.nodes.find((n) => n.nodeId !== from)!;
    for (const page of [customer, agent]) {
      await waitUntil('frames through the first node', async () => (await framesFrom(page, dying.janus.janusAddress)) > 10, 60_000);
    }

    const killedAt = Date.now();
    process.kill(Number(readFileSync(dying.janusPidFile, 'utf8')), 'SIGKILL');
    await waitUntil('session moved', async () => (await stack.bank.getSession(sessionId)).nodeId === survivor.nodeId, 60_000);
    const audit = await stack.bank.sessionAudit(sessionId);
    const move = audit.entries.find((e) => e.action === 'media.failover');
    expect(move?.detail).toMatchObject({ from, to: survivor.nodeId });
    const detectedAt = Date.parse(move!.at);
    const back: number[] = [];
    for (const page of [customer, agent]) {
      await waitUntil('frames through the other node', async () => (await framesFrom(page, survivor.janus.janusAddress)) > 5, 60_000);
      back.push(Date.now());
    }
    const figures = {
      cause: (move!.detail as { cause: string }).cause,
      detectionMs: detectedAt - killedAt,
      mediaBackAfterDetectionMs: Math.max(...back) - detectedAt,
      mediaBackAfterKillMs: Math.max(...back) - killedAt,
    };
    console.log(`[failover] ${JSON.stringify(figures)}`);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'failover.json'), JSON.stringify(figures, null, 2));
    // Both pages stayed on their sockets: nobody reloaded, the session is still in its call.
    expect((await stack.bank.getSession(sessionId)).state).toBe('in_call');
    for (const page of [customer, agent]) {
      expect(await page.getByTestId('connection-status').getAttribute('data-state')).toBe('connected');
    }

    // End the call; the evidence holds each participant's segments from both nodes.
    await agent.getByTestId('hang-up').click();
    const pack = await evidenceWhenReady(stack.bank, sessionId, 180_000);
    const artifacts = (await stack.bank.artifacts(sessionId)).artifacts.filter((a) => a.kind === 'recording');
    for (const participant of ['customer', 'agent'] as const) {
      const nodes = new Set(artifacts.filter((a) => a.participant === participant).map((a) => a.nodeId));
      expect([...nodes].sort(), participant).toEqual([from, survivor.nodeId].sort());
    }
    expect(pack.signed.manifest.artifacts.filter((a) => a.kind === 'recording').length).toBeGreaterThanOrEqual(4);
  });

  it('Janus restarts under a call with nowhere else to go: the node re-creates the room and both pages renegotiate there', async () => {
    const admin = createAdminClient({ baseUrl: stack.baseUrl, keyId: stack.secrets.adminKeyId, secret: stack.secrets.adminSecret });
    // The node whose Janus the previous test killed comes back. Its sidecar reconnects; the room it
    // still knew belongs to an ended session, so the heartbeat reconcile has it destroyed.
    const [node, other] = [stack.nodes.find((n) => n.nodeId === from)!, stack.nodes.find((n) => n.nodeId !== from)!];
    await node.restartJanus();
    await waitUntil('janus back up and no room left behind', async () => (await sidecarGauge(node.metricsUrl, 'vident_janus_up')) === 1 && (await sidecarGauge(node.metricsUrl, 'vident_sessions')) === 0, 60_000);

    await admin.drainNode(other.nodeId);
    try {
      const created = await stack.bank.createSession({ externalRef: `e2e-janus-restart-${Date.now()}`, customerName: 'Restart Customer', locale: 'en' });
      const id = created.sessionId;
      expect((await stack.bank.getSession(id)).nodeId).toBe(node.nodeId);
      const joined = await joinCall(chromium, created);
      const pages = [joined.customer, joined.agent] as const;
      listen('customer', pages[0]);
      listen('agent', pages[1]);
      for (const page of pages) await waitUntil('frames', async () => (await framesFrom(page, node.janus.janusAddress)) > 10, 60_000);
      const before = await Promise.all(pages.map(subscriberPort));

      await node.restartJanus();
      await waitUntil('media reset audited', async () => (await stack.bank.sessionAudit(id)).entries.some((e) => e.action === 'media.reset'), 60_000);
      const reset = (await stack.bank.sessionAudit(id)).entries.find((e) => e.action === 'media.reset')!;
      expect(reset.detail).toEqual({ nodeId: node.nodeId, reason: 'janus_restarted' });
      // New legs on the same node (a new TCP connection), decoding again; nobody reloaded.
      for (const [i, page] of pages.entries()) {
        await waitUntil('frames on a new leg', async () => (await subscriberPort(page)) !== before[i] && (await framesFrom(page, node.janus.janusAddress)) > 5, 60_000);
      }
      const view = await stack.bank.getSession(id);
      expect(view).toMatchObject({ state: 'in_call', nodeId: node.nodeId });

      await pages[1].getByTestId('hang-up').click();
      await waitUntil('room destroyed', async () => (await sidecarGauge(node.metricsUrl, 'vident_sessions')) === 0, 30_000);
      await evidenceWhenReady(stack.bank, id, 180_000);
      // Each participant: the segment cut by the restart and the one after it.
      const artifacts = (await stack.bank.artifacts(id)).artifacts.filter((a) => a.kind === 'recording' && a.state === 'stored');
      for (const participant of ['customer', 'agent'] as const) {
        expect(artifacts.filter((a) => a.participant === participant).length, participant).toBeGreaterThanOrEqual(2);
      }
    } finally {
      await admin.undrainNode(other.nodeId);
    }
  });

  it("a node's media path breaks while its Janus and API stay up: both pages say so and the call moves", async () => {
    const admin = createAdminClient({ baseUrl: stack.baseUrl, keyId: stack.secrets.adminKeyId, secret: stack.secrets.adminSecret });
    const [one, two] = stack.nodes as [StackNode, StackNode];
    // The call goes to node two (node one drained while it is created; back in service at once).
    await admin.drainNode(one.nodeId);
    let created: Awaited<ReturnType<typeof stack.bank.createSession>>;
    try {
      created = await stack.bank.createSession({ externalRef: `e2e-media-cut-${Date.now()}`, customerName: 'Cut Customer', locale: 'en' });
    } finally {
      await admin.undrainNode(one.nodeId);
    }
    const id = created.sessionId;
    expect((await stack.bank.getSession(id)).nodeId).toBe(two.nodeId);
    const joined = await joinCall(chromium, created);
    const pages = [joined.customer, joined.agent] as const;
    listen('customer', pages[0]);
    listen('agent', pages[1]);
    for (const page of pages) await waitUntil('frames via node two', async () => (await framesFrom(page, two.janus.janusAddress)) > 10, 60_000);

    // Node two's media address is unreachable for the browsers from now on (ICE-TCP and its TURN
    // server refused); its Janus, its API and its sidecar's heartbeats are untouched: only the
    // pages can tell.
    const cut = `vident_cut_${randomBytes(3).toString('hex')}`;
    const inTwo = (args: string[], input?: string) => execFileSync('ip', ['netns', 'exec', two.janus.namespace, ...args], { encoding: 'utf8', input });
    inTwo(['nft', '-f', '-'], [
      `table inet ${cut} {`,
      '  chain input {',
      '    type filter hook input priority -10; policy accept;',
      `    ip saddr ${two.janus.hostAddress} tcp dport { 443, 20000-20100 } reject with tcp reset`,
      '  }',
      '}',
      '',
    ].join('\n'));
    const cutAt = Date.now();
    try {
      await waitUntil('session moved to node one', async () => (await stack.bank.getSession(id)).nodeId === one.nodeId, 120_000);
      const audit = (await stack.bank.sessionAudit(id)).entries;
      expect(audit.find((e) => e.action === 'media.failover')?.detail).toEqual({ from: two.nodeId, to: one.nodeId, cause: 'media_lost' });
      expect(new Set(audit.filter((e) => e.action === 'media.lost').map((e) => (e.detail as { role: string }).role))).toEqual(new Set(['customer', 'agent']));
      for (const page of pages) await waitUntil('frames via node one', async () => (await framesFrom(page, one.janus.janusAddress)) > 5, 90_000);
      console.log(`[media-cut] ${JSON.stringify({ mediaBackAfterCutMs: Date.now() - cutAt })}`);
      // Node two still heartbeats with Janus up: the registry never saw a problem.
      const fleet = await admin.nodes();
      expect(fleet.nodes.find((n) => n.nodeId === two.nodeId)).toMatchObject({ janusUp: true, status: 'live' });
    } finally {
      inTwo(['nft', 'delete', 'table', 'inet', cut]);
    }
    await pages[1].getByTestId('hang-up').click();
    await waitUntil('session ended', async () => (await stack.bank.getSession(id)).state === 'cancelled', 30_000);
  });
});
