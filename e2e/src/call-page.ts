import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from './browser.ts';

/** The shape of `window.vident.stats()` in web/src/call-stats.ts (kept structural on purpose). */
export interface Candidate {
  protocol: 'tcp' | 'udp' | null;
  candidateType: string | null;
  tcpType: string | null;
  relayProtocol: string | null;
  address: string | null;
  port: number | null;
}
interface LegStats {
  selectedPair: { local: Candidate; remote: Candidate; state: string | null; currentRoundTripTime?: number | null } | null;
  inboundVideo: {
    framesDecoded: number;
    frameWidth: number | null;
    frameHeight: number | null;
    framesPerSecond: number | null;
    freezeCount: number | null;
    totalFreezesDuration: number | null;
    jitterBufferDelay: number | null;
    jitterBufferEmittedCount: number | null;
  } | null;
  inboundAudio: { totalSamplesReceived: number; audioLevel: number | null } | null;
  outbound: { bytesSent: number; audioBytesSent: number; videoBytesSent: number };
  outboundVideo?: { frameWidth: number | null; frameHeight: number | null; framesPerSecond: number | null; qualityLimitationReason: string | null } | null;
}
export interface CallStats {
  publisher: LegStats | null;
  subscriber: LegStats | null;
}

export function callStats(page: Page): Promise<CallStats> {
  return page.evaluate(() => (window as unknown as { vident: { stats(): Promise<CallStats> } }).vident.stats());
}

/** Video frames this page has decoded from the other party (the subscriber leg's stats alone). */
export function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { vident: { framesDecoded(): Promise<number> } }).vident.framesDecoded());
}

/** The selected ICE candidate pair of each of the page's peer connections. */
export async function selectedPairs(page: Page): Promise<{ local: Candidate; remote: Candidate }[]> {
  const stats = await callStats(page);
  return [stats.publisher, stats.subscriber].map((leg, i) => {
    if (!leg?.selectedPair) throw new Error(`${i === 0 ? 'publisher' : 'subscriber'} has no selected candidate pair`);
    return leg.selectedPair;
  });
}

/**
 * The protocol a leg uses on the browser's own network: for a TURN relay candidate the one to the
 * relay (`relayProtocol`; its `protocol` is the relay's allocation towards the media node, UDP with
 * coturn), for any other candidate its own.
 */
export function browserSideProtocol(local: Candidate): string | null {
  return local.candidateType === 'relay' ? local.relayProtocol : local.protocol;
}

/** Polls until `check` holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/**
 * The customer's way through the landing page and the pre-call check: Start, then Continue once
 * camera and microphone pass (the network check may still be running; it does not block).
 */
export async function customerPassesPrecheck(page: Page): Promise<void> {
  await page.getByTestId('landing-start').click();
  await continueFromPrecheck(page);
}

/** The customer's way into a recorded session: landing, pre-call check, then accept the recording consent. */
export async function customerJoinsWithConsent(page: Page): Promise<void> {
  await customerPassesPrecheck(page);
  await acceptConsent(page);
}

/**
 * Both parties of a session into its call, each in its own browser context: the customer through
 * landing, pre-call check and consent, the agent with Join. Answers once both pressed their way in
 * (media may still be connecting).
 */
export async function joinCall(chromium: LaunchedBrowser, links: { customerUrl: string; agentUrl: string }): Promise<{ customer: Page; agent: Page }> {
  const customer = (await chromium.newParticipant()).page;
  const agent = (await chromium.newParticipant()).page;
  await customer.goto(links.customerUrl);
  await agent.goto(links.agentUrl);
  await customerJoinsWithConsent(customer);
  await agent.getByTestId('join').click();
  return { customer, agent };
}

/** The rest of that way for a page already on the pre-call check (a test that watched its checks): Continue, consent. */
export async function customerContinuesWithConsent(page: Page): Promise<void> {
  await continueFromPrecheck(page);
  await acceptConsent(page);
}

async function continueFromPrecheck(page: Page): Promise<void> {
  // click() waits for the button to be enabled, i.e. for camera and microphone to pass.
  await page.getByTestId('precheck-continue').click({ timeout: 20_000 });
}

async function acceptConsent(page: Page): Promise<void> {
  await page.getByTestId('consent-screen').waitFor({ state: 'visible', timeout: 20_000 });
  await page.getByTestId('consent-accept').click();
}

/** Types a chat line into the page's chat panel and sends it. */
export async function sendChat(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-send').click();
}
