/*
 * One step of the capacity ramp: N simulated calls joined, a hold window over which CPU and loss
 * are measured, then every call hung up, its session ended and its evidence awaited, and the node's
 * session count checked back at zero (capacity must not leak into the next step).
 */
import { readFileSync } from 'node:fs';
import type { Stack } from '../../infra/stack.ts';
import { cpuPercent, stopReason, type LossCount } from './capacity-math.ts';
import { LoadCall } from './load-call.ts';
import { CLOCK_TICKS_PER_SECOND, processTicks, treeTicks } from './proc-cpu.ts';
import type { RtpSource } from './rtp-source.ts';
import { median, runBounded } from './stats.ts';

/**
 * Calls being set up at once. werift's ICE-TCP + DTLS setup is slow JS on the generator's event
 * loop: with 4 at once (16 legs) publishers reached webrtcup only after the 15 s join timeout.
 */
export const SETUP_CONCURRENCY = 2;
const NODE_DRAIN_TIMEOUT_MS = 15_000;

/** CPU as % of one core over a window. */
export interface CpuFigures {
  janus: number;
  sidecar: number;
  /** This Node process: signaling and every werift publisher and subscriber (SRTP/DTLS/ICE of every leg). */
  generator: number;
  /** The one ffmpeg encoding VP8 + Opus. */
  ffmpeg: number;
}

interface CpuSample {
  at: number;
  janus: number;
  sidecar: number;
  ffmpeg: number;
  self: NodeJS.CpuUsage;
}

function sidecarPid(stack: Stack): number {
  return Number(readFileSync(stack.sidecarPidFile, 'utf8').trim());
}

function sample(stack: Stack, source: RtpSource): CpuSample {
  return {
    at: performance.now(),
    janus: processTicks(stack.janus.pid),
    sidecar: treeTicks(sidecarPid(stack)),
    ffmpeg: source.pid ? processTicks(source.pid) : 0,
    self: process.cpuUsage(),
  };
}

function between(a: CpuSample, b: CpuSample): CpuFigures {
  const ms = b.at - a.at;
  const self = process.cpuUsage(a.self);
  return {
    janus: cpuPercent(b.janus - a.janus, CLOCK_TICKS_PER_SECOND, ms),
    sidecar: cpuPercent(b.sidecar - a.sidecar, CLOCK_TICKS_PER_SECOND, ms),
    ffmpeg: cpuPercent(b.ffmpeg - a.ffmpeg, CLOCK_TICKS_PER_SECOND, ms),
    generator: ((self.user + self.system) / 1000 / ms) * 100,
  };
}

/** CPU of everything over a window with no calls: the idle floor the per-call figures are net of. */
export async function measureIdle(stack: Stack, source: RtpSource, ms: number): Promise<CpuFigures> {
  const a = sample(stack, source);
  await new Promise((r) => setTimeout(r, ms));
  return between(a, sample(stack, source));
}

export interface StepResult {
  calls: number;
  joined: number;
  joinFailures: number;
  firstJoinErrors: string[];
  joinMsMedian: number;
  /** Worst per-SSRC loss over the hold window among all subscribers (1 = a stream went silent). */
  worstLoss: number;
  packetsReceived: number;
  cpu: CpuFigures | null;
  errorFrames: string[];
  cleanupProblems: string[];
  nodeSessionsAfter: number | null;
  stop: string | null;
  durationMs: number;
}

async function nodeSessions(stack: Stack): Promise<number | null> {
  const deadline = Date.now() + NODE_DRAIN_TIMEOUT_MS;
  for (;;) {
    const node = (await stack.bank.status()).nodes.find((n) => n.nodeId === stack.nodeId);
    if (!node) return null;
    if (node.sessions === 0 || Date.now() > deadline) return node.sessions;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function runStep(stack: Stack, source: RtpSource, calls: number, holdMs: number): Promise<StepResult> {
  const started = performance.now();
  const list = Array.from({ length: calls }, (_, i) => new LoadCall(stack, source));
  let cpu: CpuFigures | null = null;
  let worstLoss = 1;
  let packetsReceived = 0;
  let errorFrames: string[] = [];
  const joins = await runBounded(calls, SETUP_CONCURRENCY, 120_000, (i) => list[i]!.join());
  const cleanupProblems: string[] = [];
  try {
    if (joins.errorCount === 0) {
      const tallies = list.flatMap((c) => c.participants.map((p) => p.subscriber.tally));
      const before: Map<number, LossCount>[] = tallies.map((t) => t.counts());
      const a = sample(stack, source);
      await new Promise((r) => setTimeout(r, holdMs));
      cpu = between(a, sample(stack, source));
      const losses = tallies.map((t, i) => t.worstLossSince(before[i]!));
      worstLoss = Math.max(0, ...losses.map((l) => l.loss));
      packetsReceived = losses.reduce((sum, l) => sum + l.packets, 0);
      errorFrames = list.flatMap((c) => c.errors());
    }
  } finally {
    for (const problem of await Promise.all(list.map((c) => c.end().catch((e: unknown) => String(e))))) if (problem) cleanupProblems.push(problem);
  }
  const nodeSessionsAfter = await nodeSessions(stack);
  let stop = stopReason({ calls, joinFailures: joins.errorCount, worstLoss: cpu ? worstLoss : 0 });
  if (!stop && nodeSessionsAfter !== 0) stop = `the node still counted ${nodeSessionsAfter} sessions after the step ended`;
  if (!stop && cleanupProblems.length) stop = `cleanup: ${cleanupProblems[0]}`;
  return {
    calls,
    joined: joins.succeeded,
    joinFailures: joins.errorCount,
    firstJoinErrors: joins.errors,
    joinMsMedian: joins.latencies.length ? median(joins.latencies) : Number.NaN,
    worstLoss: cpu ? worstLoss : Number.NaN,
    packetsReceived,
    cpu,
    errorFrames,
    cleanupProblems,
    nodeSessionsAfter,
    stop,
    durationMs: performance.now() - started,
  };
}
