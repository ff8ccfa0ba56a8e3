/*
 * The TCP fallback through TURN, on the real stack: coturn runs in Janus's namespace, listening for
 * TURN over TCP on 443 (infra/turn-server.ts). A firewall table of this test rejects every direct
 * ICE-TCP connection from the browsers to Janus (a network that lets only 443 out); both pages
 * must notice, switch to the TURN server named in their welcome, and get media through it, with
 * no UDP crossing into the namespace (Janus's `udp_dropped` counter) — the only UDP is coturn's
 * relay leg to Janus inside the namespace. The customer's pre-call network check, whose direct
 * probe the same table refuses, passes through the relay too.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createBankClient } from '@vident/protocol';
import { launchChromium, type LaunchedBrowser } from './browser.ts';
import { customerContinuesWithConsent, framesDecoded, selectedPairs, waitUntil } from './call-page.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });
const nsExec = (args: string[], input?: string) =>
  execFileSync('ip', ['netns', 'exec', stack.janusNamespace, ...args], { encoding: 'utf8', input });

function udpDropped(): number {
  const listing = nsExec(['nft', 'list', 'counter', 'inet', stack.janusNftTable, 'udp_dropped']);
  return Number(/packets (\d+)/.exec(listing)?.[1] ?? NaN);
}

describe('TURN over TCP when direct ICE-TCP is blocked', () => {
  // Its own table, removed in afterAll even if a test failed: nothing leaks into the next file.
  const blockTable = `vident_block_${randomBytes(3).toString('hex')}`;
  let chromium: LaunchedBrowser;
  let customer: Page;
  let agent: Page;
  let sessionId: string;
  let udpBefore: number;
  /** The pages' own account of the switch, shown if the relay never carries media. */
  const consoleLines: string[] = [];

  beforeAll(async () => {
    udpBefore = udpDropped();
    nsExec(['nft', '-f', '-'], [
      `table inet ${blockTable} {`,
      '  chain input {',
      // Before the namespace's own table (priority 0): a reject here is final.
      '    type filter hook input priority -10; policy accept;',
      `    ip saddr ${stack.janusHostAddress} tcp dport 20000-20100 counter reject with tcp reset`,
      '  }',
      '}',
      '',
    ].join('\n'));
    chromium = await launchChromium();
    const created = await bank.createSession({ externalRef: `e2e-turn-${Date.now()}`, customerName: 'Relay Customer', locale: 'en' });
    sessionId = created.sessionId;
    customer = (await chromium.newParticipant()).page;
    agent = (await chromium.newParticipant()).page;
    for (const [name, page] of [['customer', customer], ['agent', agent]] as const) {
      page.on('console', (m) => consoleLines.push(`${new Date().toISOString().slice(11, 23)} ${name}: ${m.text()}`));
    }
    await customer.goto(created.customerUrl);
    await agent.goto(created.agentUrl);
  });

  afterAll(async () => {
    try {
      nsExec(['nft', 'delete', 'table', 'inet', blockTable]);
    } finally {
      if (sessionId) await bank.deleteSession(sessionId).catch(() => undefined);
      await chromium?.close();
    }
  });

  it('blocks direct ICE-TCP for real', () => {
    expect(nsExec(['nft', 'list', 'table', 'inet', blockTable])).toContain('reject with tcp reset');
  });

  it('passes the customer’s pre-call network check through the relay once the direct probe is refused', async () => {
    await customer.getByTestId('landing-start').click();
    await customer.locator('[data-testid="precheck-network"][data-state="pass"]').waitFor({ timeout: 60_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}; the pages said:\n${consoleLines.slice(-40).join('\n')}`);
    });
    expect(await customer.getByTestId('precheck-network-help').isHidden()).toBe(true);
    // Both probes went through the real sidecar and Janus EchoTest, each audited with its path.
    const reports = async () =>
      (await bank.sessionAudit(sessionId)).entries.filter((e) => e.action === 'precheck.network').map((e) => e.detail as Record<string, unknown>);
    await waitUntil('both probe results audited', async () => (await reports()).length === 2, 15_000);
    const byPath = Object.fromEntries((await reports()).map((r) => [r.transport, r]));
    expect(byPath.direct).toMatchObject({ result: 'fail', failure: expect.stringMatching(/^(ice_failed|timeout)$/) });
    expect(byPath.relay).toMatchObject({ result: 'pass', echoMs: expect.any(Number) });
  });

  it('falls back to TURN over TCP on both pages and decodes video both ways', async () => {
    await customerContinuesWithConsent(customer);
    await agent.getByTestId('join').click();
    for (const page of [customer, agent]) {
      await waitUntil('video frames decoded through the relay', async () => (await framesDecoded(page)) > 10, 90_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; the pages said:\n${consoleLines.slice(-40).join('\n')}`);
      });
    }
    for (const page of [customer, agent]) {
      for (const pair of await selectedPairs(page)) {
        // The browser's side: a relayed candidate it reaches over TCP. Janus's side: its own address.
        expect(pair.local.candidateType).toBe('relay');
        expect(pair.local.relayProtocol).toBe('tcp');
        expect(pair.remote.address).toBe(stack.janusAddress);
      }
    }
    // The direct attempts were really refused by the blocking table.
    const rejected = Number(/counter packets (\d+)/.exec(nsExec(['nft', 'list', 'table', 'inet', blockTable]))?.[1] ?? 0);
    expect(rejected).toBeGreaterThan(0);
  });

  it('sent no UDP into the media namespace: the client side stayed TCP-only', () => {
    expect(udpDropped()).toBe(udpBefore);
  });

  it('audits the switch for both participants', async () => {
    const audit = await bank.sessionAudit(sessionId);
    const switches = audit.entries.filter((e) => e.action === 'media.transport').map((e) => (e.detail as { role: string; transport: string }));
    expect(switches).toEqual(expect.arrayContaining([{ role: 'customer', transport: 'relay' }, { role: 'agent', transport: 'relay' }]));
  });
});
