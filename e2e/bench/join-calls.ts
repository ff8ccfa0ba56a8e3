/*
 * One measured call of each kind for the join-time benchmark. Both return the milliseconds from the
 * moment both pages start loading (page.goto, in parallel) until BOTH pages have decoded at least
 * one remote video frame (getStats framesDecoded > 0), and check that every selected ICE pair is TCP.
 * JOIN_DEBUG=1 prints each call's milestones, to see where a slow join spends its time.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { VidentApiError, type BankClient } from '@vident/protocol';
import type { Stack } from '../../infra/stack.ts';
import type { LaunchedBrowser } from '../src/browser.ts';
import { browserSideProtocol, selectedPairs } from '../src/call-page.ts';
import { cpuSnapshot, cpuSpent, threadSpent, type CpuSpent, type ThreadSpent } from './join-cpu.ts';

/** Polling interval for "first frame decoded": the figure's resolution, the same for both paths. */
const POLL_MS = 20;
/** A call that has not shown frames on both sides by then counts as an error. */
export const CALL_TIMEOUT_MS = 60_000;
/** After a full-stack call: wait for its evidence so post-processing does not load the next call. */
const EVIDENCE_WAIT_MS = 120_000;

/** Resolves with performance.now() at the first poll that sees a decoded remote frame. */
async function firstFrame(what: string, frames: () => Promise<number>, failure: () => Promise<string | null> = async () => null): Promise<number> {
  const deadline = performance.now() + CALL_TIMEOUT_MS;
  for (;;) {
    if ((await frames()) > 0) return performance.now();
    const failed = await failure();
    if (failed) throw new Error(`${what}: ${failed}`);
    if (performance.now() > deadline) throw new Error(`${what}: no decoded remote frame within ${CALL_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Runs `measure` on two fresh browser contexts, bounded by the call timeout; then `ending` ends
 * the call and the contexts are closed whatever happened (which also aborts a measurement still waiting).
 */
async function withTwoPages<T>(chromium: LaunchedBrowser, measure: (a: Page, b: Page) => Promise<T>, ending: (a: Page, b: Page) => Promise<void>): Promise<T> {
  const a = await chromium.newParticipant();
  const b = await chromium.newParticipant();
  const run = measure(a.page, b.page);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`call timed out after ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS + 5_000);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
    await ending(a.page, b.page).catch(() => undefined);
    await Promise.all([a.context.close(), b.context.close()]);
    await run.catch(() => undefined);
  }
}

/** Waits until the session's evidence pack is ready, so post-processing does not load the next call. */
export async function evidenceSettled(bank: BankClient, sessionId: string): Promise<void> {
  const deadline = Date.now() + EVIDENCE_WAIT_MS;
  for (;;) {
    try {
      await bank.evidence(sessionId);
      return;
    } catch (error) {
      if (!(error instanceof VidentApiError) || error.code !== 'evidence_not_ready') throw error;
      if (Date.now() > deadline) throw new Error(`evidence not ready ${EVIDENCE_WAIT_MS / 1000} s after the call`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Phases of one page (web/src/join-phases.ts names), ms since that page's navigation start. */
export type PagePhases = Record<string, number>;

export interface JoinResult {
  ms: number;
  /** The measured (second) page's phases and its peer's: agent/customer, or bare B/A. */
  phases: { joiner: PagePhases; waiting: PagePhases };
  /** The call measured fine but its aftermath did not: evidence not settled (the next call may run on a loaded machine) or room left. */
  cleanupProblem?: string;
  /** Full stack: legs that ended on the TURN relay (over TCP) after the page gave up on direct ICE-TCP. */
  relayedLegs?: number;
  /** Core-milliseconds each process group spent from the clock's start until both pages decoded (join-cpu.ts). */
  cpu: CpuSpent;
  /** The same by thread. */
  threads: ThreadSpent;
}

/**
 * `together`: both pages start loading at the same moment (the clock starts there).
 * `second`: the first page (customer / bare A) is already in the call, published and connected;
 * the clock starts when the second page (agent / bare B) starts loading.
 */
export type JoinMode = 'together' | 'second';

/** `origin`: the page's performance.timeOrigin (ms since epoch), to put two pages on one time axis. */
const videntPhases = (page: Page): Promise<PagePhases> =>
  page.evaluate('({ ...(typeof window.__videntPhases === "function" ? window.__videntPhases() : {}), origin: performance.timeOrigin })');

/**
 * An init script that clicks each of `steps` ([screen id, button test id]) from inside the page the
 * moment it can take the click: its screen shows (the handler is attached before) and the button is
 * enabled; each once, in whatever order the page shows them. The bare page has no button and joins
 * as its script runs; clicking from here keeps Playwright's navigation wait (the load event) and its
 * actionability checks, 150 to 300 ms a click on this machine, out of the vident figure, which then
 * measures the page's own path as the bare page's. A person's reaction time is in neither.
 */
function clickWhenShown(steps: readonly (readonly [screenId: string, testId: string])[]): string {
  return `(() => {
  const steps = ${JSON.stringify(steps)};
  const clicked = new Set();
  const clickShown = () => {
    for (const [screenId, testId] of steps) {
      if (clicked.has(testId)) continue;
      const screen = document.getElementById(screenId);
      const button = document.querySelector('[data-testid="' + testId + '"]');
      if (!screen || screen.hidden || !button || button.disabled) continue;
      clicked.add(testId);
      button.click();
    }
    return clicked.size === steps.length;
  };
  const watch = new MutationObserver(() => { if (clickShown()) watch.disconnect(); });
  watch.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden', 'disabled'] });
})()`;
}

/** The agent's Join, clicked as soon as its join screen shows. */
export const CLICK_JOIN_WHEN_SHOWN = clickWhenShown([['screen-join', 'join']]);

/**
 * The customer's way in, each button clicked as soon as it can be: Start on the landing page,
 * Continue once the pre-call check passed camera and microphone (the network check may still be
 * running; it does not block), then the recording consent.
 */
export const CUSTOMER_THROUGH_WHEN_SHOWN = clickWhenShown([
  ['screen-landing', 'landing-start'],
  ['screen-precheck', 'precheck-continue'],
  ['screen-consent', 'consent-accept'],
]);

/**
 * `expression`, evaluated in a page the runner did not wait for, in one round trip: `before` while
 * its document is still being replaced or its script has not yet set `window.vident`.
 */
async function onceLoaded<T>(page: Page, expression: string, before: T): Promise<T> {
  try {
    const value = await page.evaluate(`typeof window.vident === "object" ? ${expression} : undefined`);
    return value === undefined ? before : (value as T);
  } catch (error) {
    if (error instanceof Error && /Execution context was destroyed|navigation/i.test(error.message)) return before;
    throw error;
  }
}

/** The poll of the clock: one evaluate and one leg's getStats, as the bare page's `framesDecoded`. */
const framesOnceLoaded = (page: Page): Promise<number> => onceLoaded(page, 'window.vident.framesDecoded()', 0);

/** The vident path: customer and agent pages from the signed join links, through the control plane and the sidecar. */
export async function fullStackJoin(stack: Stack, chromium: LaunchedBrowser, mode: JoinMode = 'together'): Promise<JoinResult> {
  const created = await stack.bank.createSession({ externalRef: `bench-join-${randomBytes(4).toString('hex')}`, customerName: 'Bench', locale: 'en' });
  const measured = await withTwoPages(
    chromium,
    async (customer, agent) => {
      const marks: Record<string, number> = {};
      let cpuBefore = cpuSnapshot();
      let started = performance.now();
      const mark = (what: string) => (marks[what] = Math.round(performance.now() - started));
      await customer.addInitScript(CUSTOMER_THROUGH_WHEN_SHOWN);
      const customerSide = async () => {
        await customer.goto(created.customerUrl, { waitUntil: 'commit' });
        mark('customer loading');
      };
      if (mode === 'second') {
        await customerSide();
        // Waiting in the call: its publisher's ICE is up (the node then reports it published).
        await firstFrame('customer publisher', async () => ((await onceLoaded<PagePhases>(customer, 'window.__videntPhases()', {}))['ice-connected'] !== undefined ? 1 : 0));
        cpuBefore = cpuSnapshot();
        started = performance.now();
      }
      const [customerAt, agentAt] = await Promise.all([
        (async () => {
          if (mode === 'together') await customerSide();
          return firstFrame('customer', () => framesOnceLoaded(customer));
        })(),
        (async () => {
          await agent.addInitScript(CLICK_JOIN_WHEN_SHOWN);
          await agent.goto(created.agentUrl, { waitUntil: 'commit' });
          mark('agent loading');
          return firstFrame('agent', () => framesOnceLoaded(agent));
        })(),
      ]);
      const cpuAfter = cpuSnapshot();
      const [cpu, threads] = [cpuSpent(cpuBefore, cpuAfter), threadSpent(cpuBefore, cpuAfter)];
      marks['customer frame'] = Math.round(customerAt - started);
      marks['agent frame'] = Math.round(agentAt - started);
      if (process.env.JOIN_DEBUG) console.log(`[bench] full stack milestones (ms): ${JSON.stringify(marks)}`);
      // TCP on the browser's side: direct ICE-TCP, or the relay reached over TCP (a page that gave up on direct).
      let relayedLegs = 0;
      for (const page of [customer, agent]) {
        for (const { local } of await selectedPairs(page)) {
          const used = browserSideProtocol(local);
          if (used !== 'tcp') throw new Error(`a full-stack leg used ${used} (${local.candidateType} candidate)`);
          if (local.candidateType === 'relay') relayedLegs++;
        }
      }
      return { ms: Math.max(customerAt, agentAt) - started, phases: { joiner: await videntPhases(agent), waiting: await videntPhases(customer) }, relayedLegs, cpu, threads };
    },
    async () => {
      await stack.bank.deleteSession(created.sessionId);
    },
  );
  try {
    await evidenceSettled(stack.bank, created.sessionId);
    return measured;
  } catch (error) {
    return { ...measured, cleanupProblem: error instanceof Error ? error.message : String(error) };
  }
}

/** Calls `window.bare.<method>()` of bare-janus/bare-janus.js (a string: no transpiled function reaches the page). */
function bare(page: Page, method: 'framesDecoded'): Promise<number>;
function bare(page: Page, method: 'error'): Promise<string | null>;
function bare(page: Page, method: 'selectedProtocols'): Promise<(string | null)[]>;
function bare(page: Page, method: 'destroyRoom'): Promise<boolean>;
function bare(page: Page, method: 'phases'): Promise<PagePhases>;
function bare(page: Page, method: string): Promise<unknown> {
  if (method === 'phases') return page.evaluate('({ ...window.bare.phases(), origin: performance.timeOrigin })');
  return page.evaluate(`window.bare.${method}()`);
}

/**
 * The baseline: two bare pages on Janus's WebSocket API. Page A creates the room; the room is
 * destroyed after the call (a room left behind is reported as a cleanup problem).
 */
export async function bareJanusJoin(pageUrl: string, chromium: LaunchedBrowser, mode: JoinMode = 'together'): Promise<JoinResult> {
  const room = `bare-${randomBytes(6).toString('hex')}`;
  const [feedA, feedB] = [`${room}-a`, `${room}-b`];
  let destroyed = false;
  const measured = await withTwoPages(
    chromium,
    async (a, b) => {
      let cpuBefore = cpuSnapshot();
      let started = performance.now();
      const load = async (page: Page, query: string) => {
        await page.goto(`${pageUrl}/?${query}`);
        await page.waitForFunction('typeof window.bare === "object"');
      };
      const side = async (page: Page, what: string, query: string | null) => {
        if (query !== null) await load(page, query);
        return firstFrame(what, () => bare(page, 'framesDecoded'), () => bare(page, 'error'));
      };
      const queryA = `room=${room}&feed=${feedA}&peer=${feedB}&create=1`;
      if (mode === 'second') {
        await load(a, queryA);
        await firstFrame('bare page A publisher', async () => ((await bare(a, 'phases'))['ice-connected'] !== undefined ? 1 : 0), () => bare(a, 'error'));
        cpuBefore = cpuSnapshot();
        started = performance.now();
      }
      const [aAt, bAt] = await Promise.all([
        side(a, 'bare page A', mode === 'together' ? queryA : null),
        side(b, 'bare page B', `room=${room}&feed=${feedB}&peer=${feedA}`),
      ]);
      const cpuAfter = cpuSnapshot();
      const [cpu, threads] = [cpuSpent(cpuBefore, cpuAfter), threadSpent(cpuBefore, cpuAfter)];
      for (const page of [a, b]) {
        const protocols = await bare(page, 'selectedProtocols');
        if (protocols.some((p) => p !== 'tcp')) throw new Error(`a bare leg used ${protocols.join('/')}`);
      }
      if (process.env.JOIN_DEBUG) for (const page of [a, b]) console.log(`[bench] bare page milestones (ms since navigation): ${JSON.stringify(await page.evaluate('window.bare.timeline()'))}`);
      return { ms: Math.max(aAt, bAt) - started, phases: { joiner: await bare(b, 'phases'), waiting: await bare(a, 'phases') }, cpu, threads };
    },
    async (a) => {
      destroyed = await bare(a, 'destroyRoom');
    },
  );
  return destroyed ? measured : { ...measured, cleanupProblem: `room ${room} was not destroyed` };
}
