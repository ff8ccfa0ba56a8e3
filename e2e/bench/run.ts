/*
 * `npm run bench`: bounded benchmarks on this machine (loopback and the project's own network
 * namespaces only), each against a baseline measured in the same run; writes docs/BENCHMARKS.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStack } from '../../infra/stack.ts';
import { launchChromium } from '../src/browser.ts';
import { benchCapacity } from './capacity.ts';
import { benchEvidence } from './evidence.ts';
import { benchFaceMatch } from './face-match.ts';
import { benchDocumentReading } from './document-reading.ts';
import { benchHeldSessions } from './held-sessions.ts';
import { benchJoinTime } from './join-time.ts';
import { benchNetworkProfiles } from './network-profiles.ts';
import { writeReport, type BenchSection } from './report.ts';
import { benchSessionCreation } from './session-creation.ts';
import { benchSignaling } from './signaling.ts';
import { memoryDir } from './memory-dir.ts';

/** Sessions held open at once (BENCH_HELD_SESSIONS); the node's capacity must fit them. */
const HELD_SESSIONS = Number(process.env.BENCH_HELD_SESSIONS ?? 1000);

/**
 * BENCH_ONLY=capacity,join-time,... runs only the named sections (signaling, session-creation,
 * held-sessions, join-time, evidence, network-profiles, face-match, document-reading, capacity) and then writes the report into the run's state
 * folder (or BENCH_OUT), so a partial run never replaces the full table in docs/BENCHMARKS.md.
 */
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const wants = (section: string) => only === null || only.has(section);

const stateDir = mkdtempSync(join(tmpdir(), 'vident-bench-'));
// The Durable Objects' SQLite in memory when the machine has a tmpfs (memory-dir.ts): the figures are
// the control plane's work, not this machine's disk syncs. Removed when the run ends.
const controlPlaneState = memoryDir('vident-bench-objects-');
console.log(`[bench] starting the stack in ${stateDir} (Durable Objects in ${controlPlaneState.path})`);
// Capacity is only a placement limit: sessions without media cost Janus nothing.
// The signaling section relays 1,050 frames back to back: it measures the relay, not the frame budget
// (SESSION_FRAMES_PER_SECOND, 20/s by default), so the bench's stack lifts the budget.
const stack = await startStack({
  stateDir,
  controlPlaneStateDir: controlPlaneState.path,
  demo: false,
  dropUdp: true,
  nodeCapacity: Math.max(500, HELD_SESSIONS + 100),
  workerVars: { SESSION_FRAME_BURST: '1000000', SESSION_FRAMES_PER_SECOND: '1000000' },
}).catch((err: unknown) => {
  controlPlaneState.remove();
  throw err;
});
const sections: BenchSection[] = [];
try {
  if (wants('signaling')) {
    console.log('[bench] signaling overhead');
    sections.push(await benchSignaling(stack));
  }
  if (wants('session-creation')) {
    console.log('[bench] control plane: session creations per second');
    sections.push(await benchSessionCreation(stack, controlPlaneState));
  }
  if (wants('held-sessions')) {
    console.log('[bench] control plane: concurrent sessions');
    sections.push(await benchHeldSessions(stack, HELD_SESSIONS));
  }
  // Then the ones that need a browser, the slowest at the end.
  if (wants('join-time') || wants('evidence') || wants('network-profiles') || wants('face-match') || wants('document-reading')) {
    const chromium = await launchChromium();
    try {
      if (wants('join-time')) {
        console.log('[bench] join time: full stack vs a bare Janus page');
        sections.push(await benchJoinTime(stack, chromium, Number(process.env.BENCH_JOIN_CALLS ?? 10)));
      }
      if (wants('evidence')) {
        console.log('[bench] evidence: call end to pack ready');
        sections.push(await benchEvidence(stack, chromium, [30, 60]));
      }
      if (wants('network-profiles')) {
        console.log('[bench] video over ICE-TCP on network profiles');
        // Its own Chromium: the camera is a clip carrying a frame counter (counter-camera.ts).
        sections.push(await benchNetworkProfiles(stack, Number(process.env.BENCH_NET_CALL_SECONDS ?? 30)));
      }
      if (wants('face-match')) {
        console.log('[bench] face match in the agent\'s browser');
        sections.push(await benchFaceMatch(stack, chromium));
      }
      if (wants('document-reading')) {
        console.log('[bench] document reading in the agent\'s browser');
        sections.push(await benchDocumentReading(stack, chromium));
      }
    } finally {
      await chromium.close();
    }
  }
  // Last: its load (many calls at once) must not disturb the other figures.
  if (wants('capacity')) {
    console.log('[bench] media node capacity: ramping recorded calls');
    sections.push(await benchCapacity(stack));
  }
} finally {
  await stack.stop();
  controlPlaneState.remove();
}
const out = only ? resolve(process.env.BENCH_OUT ?? join(stateDir, 'BENCHMARKS.md')) : resolve(import.meta.dirname, '..', '..', 'docs', 'BENCHMARKS.md');
console.log(writeReport(out, sections, only ? `BENCH_ONLY=${[...only].join(',')} tsx e2e/bench/run.ts` : 'npm run bench'));
console.log(`[bench] written to ${out}`);
// werift legs whose connection never came up keep their sockets after close(): do not wait on them.
process.exit(0);
