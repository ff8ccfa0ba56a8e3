/*
 * Media node capacity (issue 7, item 3): ramps recorded 1:1 calls driven by a load generator that
 * is not a browser (load-call.ts, werift-peers.ts, rtp-source.ts) through the real stack, and reports
 * Janus's and the sidecar's CPU per call, the generator's own CPU and the calls reached.
 * CAPACITY_MAX_CALLS and CAPACITY_HOLD_MS shrink the ramp for development runs.
 */
import type { Stack } from '../../infra/stack.ts';
import { LOSS_LIMIT, rampSteps } from './capacity-math.ts';
import { JOIN_TIMEOUT_MS } from './load-call.ts';
import { measureIdle, runStep, SETUP_CONCURRENCY, type CpuFigures, type StepResult } from './capacity-step.ts';
import type { BenchRow, BenchSection } from './report.ts';
import { RtpSource } from './rtp-source.ts';
import { loadNote } from './stats.ts';

const MAX_CALLS = Math.min(40, Number(process.env.CAPACITY_MAX_CALLS ?? 40));
const HOLD_MS = Number(process.env.CAPACITY_HOLD_MS ?? 20_000);
/** The whole section, ramp included: no step starts that is not expected to end within it. */
const BUDGET_MS = 6 * 60_000;
const IDLE_MS = 8_000;

const pct = (v: number) => `${v.toFixed(2)}%`;
const cell = (s: string) => s.replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 160);

/** Per call, net of the idle floor (ffmpeg running, no calls). */
const perCall = (step: StepResult, idle: CpuFigures, key: keyof CpuFigures) => (step.cpu![key] - idle[key]) / step.calls;

function stepRow(step: StepResult, idle: CpuFigures): BenchRow {
  const cpu = step.cpu;
  const value = cpu
    ? `Janus ${pct(cpu.janus)}, sidecar ${pct(cpu.sidecar)}, generator ${pct(cpu.generator)} + ffmpeg ${pct(cpu.ffmpeg)}`
    : 'not measured (join failed)';
  const notes = [
    `${step.joined}/${step.calls} joined (median ${Number.isNaN(step.joinMsMedian) ? '—' : `${(step.joinMsMedian / 1000).toFixed(2)} s`})`,
    cpu ? `worst loss ${pct(step.worstLoss * 100)}, ${step.packetsReceived} RTP packets received` : '',
    step.errorFrames.length ? `${step.errorFrames.length} error frames: ${step.errorFrames[0]}` : '',
    step.firstJoinErrors.length ? `first join error: ${step.firstJoinErrors[0]}` : '',
    `node sessions after teardown: ${step.nodeSessionsAfter ?? '?'}`,
    step.stop ? `STOP: ${step.stop}` : '',
  ].filter(Boolean);
  return {
    figure: `step: ${step.calls} call${step.calls > 1 ? 's' : ''}`,
    value,
    baseline: cpu ? `Janus per call ${pct(perCall(step, idle, 'janus'))}, sidecar per call ${pct(perCall(step, idle, 'sidecar'))}` : '—',
    ratio: cpu && perCall(step, idle, 'janus') > 0 ? `sidecar/Janus ${pct((perCall(step, idle, 'sidecar') / perCall(step, idle, 'janus')) * 100)}` : '—',
    notes: cell(notes.join('; ')),
  };
}

export async function benchCapacity(stack: Stack): Promise<BenchSection> {
  const load = loadNote();
  const started = performance.now();
  const source = await RtpSource.start();
  const steps: StepResult[] = [];
  let stop = `reached the bound of ${MAX_CALLS} calls`;
  try {
    const idle = await measureIdle(stack, source, IDLE_MS);
    console.log(`[bench] capacity: idle Janus ${pct(idle.janus)}, sidecar ${pct(idle.sidecar)}, ffmpeg ${pct(idle.ffmpeg)}`);
    for (const calls of rampSteps(MAX_CALLS)) {
      const elapsed = performance.now() - started;
      const previous = steps.at(-1);
      // A step grows with its calls: expect the next to last at least as long as the previous.
      const expected = previous ? previous.durationMs * (calls / previous.calls) : HOLD_MS + JOIN_TIMEOUT_MS;
      if (elapsed + expected > BUDGET_MS) {
        stop = `time bound: a ${calls}-call step would not end within ${BUDGET_MS / 60_000} min`;
        break;
      }
      console.log(`[bench] capacity: ${calls} calls`);
      const step = await runStep(stack, source, calls, HOLD_MS);
      steps.push(step);
      console.log(`[bench] capacity: ${JSON.stringify({ ...step, durationMs: Math.round(step.durationMs) })}`);
      if (step.stop) {
        stop = step.stop;
        break;
      }
    }
    return section(steps, idle, stop, load, source);
  } finally {
    await source.stop();
  }
}

function section(steps: StepResult[], idle: CpuFigures, stop: string, load: string, source: RtpSource): BenchSection {
  const passed = steps.filter((s) => s.stop === null && s.cpu);
  const top = passed.at(-1);
  const one = steps.find((s) => s.calls === 1 && s.cpu);
  const rows: BenchRow[] = [];
  rows.push({
    figure: 'calls reached (0 join failures, loss ≤ 1%)',
    value: top ? `${top.calls} calls (${top.calls * 2} publishers, ${top.calls * 2} subscribers)` : '0 calls',
    baseline: '—',
    ratio: '—',
    notes: cell(`ramp ended: ${stop}`),
  });
  if (top && one) {
    const janusTop = perCall(top, idle, 'janus');
    const janusOne = perCall(one, idle, 'janus');
    const sidecarTop = perCall(top, idle, 'sidecar');
    rows.push({
      figure: `Janus CPU per call at ${top.calls} calls`,
      value: `${pct(janusTop)} of a core`,
      baseline: `1 call: ${pct(janusOne)}`,
      ratio: `${(janusTop / janusOne).toFixed(2)}×`,
      notes: `total ${pct(top.cpu!.janus)}; net of idle Janus ${pct(idle.janus)}`,
    });
    rows.push({
      figure: `sidecar CPU at ${top.calls} calls, all of it`,
      value: `${pct(top.cpu!.sidecar)} of a core`,
      baseline: `Janus: ${pct(top.cpu!.janus)}`,
      ratio: `${pct((top.cpu!.sidecar / top.cpu!.janus) * 100)} of Janus (goal < 5%)`,
      // Net of idle, the sidecar's per-call cost is below what a 20 s window resolves (it can come out negative).
      notes: `gross, heartbeats and uploads included: an upper bound of the per-call ratio; net of the idle floor (${pct(idle.sidecar)}) ${pct(sidecarTop)} per call, below this method's resolution; whole process tree`,
    });
    rows.push({
      figure: `load generator CPU at ${top.calls} calls`,
      value: `${pct(top.cpu!.generator)} (Node, ${top.calls * 4} PeerConnections) + ${pct(top.cpu!.ffmpeg)} (ffmpeg)`,
      baseline: `Janus: ${pct(top.cpu!.janus)}`,
      ratio: `${((top.cpu!.generator + top.cpu!.ffmpeg) / Math.max(0.01, top.cpu!.janus)).toFixed(1)}× Janus`,
      notes: 'same 2 cores as Janus, the sidecar and workerd: read the figures with this next to them',
    });
  }
  for (const step of steps) rows.push(stepRow(step, idle));
  return {
    title: 'Media node capacity: recorded 1:1 calls per node',
    method:
      `A load generator that is not a browser drives the whole stack: per call, a session created through the signed bank API (recorded), customer and agent joining over the browser's WebSocket protocol to the session's Durable Object (recording consent, \`publish\` + trickle, \`subscribe-offer\` → \`subscribe-answer\` + trickle), each with a werift 0.24.4 (pure JS) publisher and subscriber PeerConnection in the one generator Node process (two publishers, two subscribers per call), ICE over TCP only: werift binds a UDP host socket it cannot skip, so only pairs with a local TCP candidate are checked, only its IPv4 TCP active candidate on the host end of Janus's veth is offered and only Janus's first IPv4 TCP passive candidate is used (UDP is also dropped in Janus's namespace). ONE ffmpeg encodes a test pattern to VP8 (640×480, 20 fps, 500 kbps) and a tone to Opus once, as RTP to loopback; every publisher writes each packet to its werift tracks, whose senders stamp their own SSRC, the negotiated payload type and their own sequence/timestamp offsets. Subscribers count RTP per SSRC and loss from sequence-number gaps. Ramp 1, 2, 4, 8, 12, … calls (at most ${MAX_CALLS}, at most ${SETUP_CONCURRENCY} set up at once, whole section bounded to ${BUDGET_MS / 60_000} min); a call joins if both subscribers get audio and video within ${JOIN_TIMEOUT_MS / 1000} s; each step holds ${HOLD_MS / 1000} s, over which CPU (from /proc: Janus's pid; the sidecar's whole process tree; the generator's process.cpuUsage; ffmpeg's pid, as % of one core) and loss are measured; the ramp stops at the first step with a join failure or loss above ${LOSS_LIMIT * 100}% on any subscribed stream. After each step every call is hung up, its session ended through the API, its evidence awaited (so post-processing does not load the next step) and the node's session count checked back at 0. Per-call figures are net of the idle floor measured first (${IDLE_MS / 1000} s, ffmpeg running, no calls: Janus ${pct(idle.janus)}, sidecar ${pct(idle.sidecar)}); baseline: the 1-call step of the same run. ffmpeg sent ${source.packets.video} video and ${source.packets.audio} audio packets in all. ${load}`,
    rows,
  };
}
