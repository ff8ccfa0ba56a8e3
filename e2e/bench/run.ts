/*
 * `npm run bench`: bounded benchmarks on this machine (loopback and the project's own network
 * namespaces only), each against a baseline measured in the same run; writes docs/BENCHMARKS.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStack } from '../../infra/stack.ts';
import { launchChromium } from '../src/browser.ts';
import { benchEvidence } from './evidence.ts';
import { benchHeldSessions } from './held-sessions.ts';
import { benchJoinTime } from './join-time.ts';
import { writeReport, type BenchSection } from './report.ts';
import { benchSessionCreation } from './session-creation.ts';
import { benchSignaling } from './signaling.ts';

/** Sessions held open at once; the node's capacity must also fit the creation benchmark's 420 live sessions. */
const HELD_SESSIONS = 100;

const stateDir = mkdtempSync(join(tmpdir(), 'vident-bench-'));
console.log(`[bench] starting the stack in ${stateDir}`);
// Capacity is only a placement limit: sessions without media cost Janus nothing.
const stack = await startStack({ stateDir, demo: false, dropUdp: true, nodeCapacity: 500 });
const sections: BenchSection[] = [];
try {
  console.log('[bench] signaling overhead');
  sections.push(await benchSignaling(stack));
  console.log('[bench] control plane: session creations per second');
  sections.push(await benchSessionCreation(stack));
  console.log('[bench] control plane: concurrent sessions');
  sections.push(await benchHeldSessions(stack, HELD_SESSIONS));
  // Last: the ones that need a browser, the slowest at the end.
  const chromium = await launchChromium();
  try {
    console.log('[bench] join time: full stack vs a bare Janus page');
    sections.push(await benchJoinTime(stack, chromium, 20));
    console.log('[bench] evidence: call end to pack ready');
    sections.push(await benchEvidence(stack, chromium, [30, 60]));
  } finally {
    await chromium.close();
  }
} finally {
  await stack.stop();
}
const out = resolve(import.meta.dirname, '..', '..', 'docs', 'BENCHMARKS.md');
console.log(writeReport(out, sections, 'npm run bench'));
console.log(`[bench] written to ${out}`);
