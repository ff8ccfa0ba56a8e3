/*
 * The agent page's main thread during its join (issue 16), as a Chrome trace: a stack, a customer
 * waiting in the call, then the agent page opened (Join clicked from inside the page) under CDP
 * Tracing until both pages decode. Prints the main thread's self time per event name over the
 * first WINDOW ms (default 1500) and saves each trace to TRACE_DIR (default /tmp/vident-traces).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../../infra/stack.ts';
import { launchChromium } from '../src/browser.ts';
import { customerJoinsWithConsent, framesDecoded } from '../src/call-page.ts';
import { summarise, threadCpu, type TraceEvent } from './trace-summary.ts';
import { CLICK_JOIN_WHEN_SHOWN } from './join-calls.ts';

const CATEGORIES = [...(process.env.JS_PROFILE ? ['disabled-by-default-v8.cpu_profiler'] : []), 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing', 'toplevel', 'loading'];
const windowMs = Number(process.env.WINDOW ?? 1500);
// How often the runner asks both pages for framesDecoded (getStats through window.vident.stats()), as the join bench does every 20 ms.
const pollMs = Number(process.env.POLL_MS ?? 20);
const traceDir = process.env.TRACE_DIR ?? '/tmp/vident-traces';
const label = process.env.LABEL ?? 'run';
mkdirSync(traceDir, { recursive: true });
const stateDir = mkdtempSync(join(tmpdir(), 'vident-probe-'));
const stack = await startStack({ stateDir, demo: false, dropUdp: true, nodeCapacity: 50, workerVars: {} });
const chromium = await launchChromium();
try {
  for (let i = 0; i < Number(process.env.N ?? 4); i++) {
    const created = await stack.bank.createSession({ externalRef: `probe-${i}-${Date.now()}`, customerName: 'P', locale: 'en' });
    const c = await chromium.newParticipant();
    const a = await chromium.newParticipant();
    // REDUCED_MOTION=1: both pages as a visitor who asked for reduced motion (no CSS animations).
    if (process.env.REDUCED_MOTION) { await c.page.emulateMedia({ reducedMotion: 'reduce' }); await a.page.emulateMedia({ reducedMotion: 'reduce' }); }
    await c.page.goto(created.customerUrl);
    await customerJoinsWithConsent(c.page);
    for (;;) { const p: any = await c.page.evaluate('window.__videntPhases()'); if (p['ice-connected']) break; await new Promise((r) => setTimeout(r, 20)); }
    await new Promise((r) => setTimeout(r, 500));
    const load = loadavg()[0]!.toFixed(2);
    await a.page.addInitScript(CLICK_JOIN_WHEN_SHOWN);
    const cdp = await a.context.newCDPSession(a.page);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (d: any) => { for (const e of d.value) events.push(e); });
    const complete = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordContinuously' }, transferMode: 'ReportEvents' } as any);
    const t0 = performance.now();
    await a.page.goto(created.agentUrl, { waitUntil: 'commit' });
    let agentAt = 0, custAt = 0;
    while (!agentAt || !custAt) {
      try { if (!agentAt && (await a.page.evaluate('typeof window.vident === "object"')) && (await framesDecoded(a.page)) > 0) agentAt = performance.now() - t0; } catch {}
      if (!custAt && (await framesDecoded(c.page)) > 0) custAt = performance.now() - t0;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    const phases: any = await a.page.evaluate('window.__videntPhases()');
    // When each of the agent page's files was asked for and arrived (ms since its navigation), and its HTML.
    const files: any = await a.page.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource').filter((e) => e.startTime < 2000);
      return { html: Math.round(nav.responseEnd), domInteractive: Math.round(nav.domInteractive),
        files: res.map((e) => e.name.split('/').pop().slice(0, 24) + ' ' + Math.round(e.startTime) + '-' + Math.round(e.responseEnd) + ' ' + e.nextHopProtocol).join(', ') };
    })()`);
    await cdp.send('Tracing.end');
    await complete;
    const file = join(traceDir, `${label}-${i}.json`);
    writeFileSync(file, JSON.stringify(events));
    console.log(JSON.stringify({ i, load, agentAt: Math.round(agentAt), custAt: Math.round(custAt), phases, files, trace: file }));
    console.log(summarise(events, { urlPart: '/join', windowMs }));
    console.log(threadCpu(events, { urlPart: '/join', windowMs }));
    await stack.bank.deleteSession(created.sessionId);
    await a.context.close(); await c.context.close();
    await new Promise((r) => setTimeout(r, 3000));
  }
} finally {
  await chromium.close();
  await stack.stop();
}
