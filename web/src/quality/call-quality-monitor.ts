import type { ClientMessage, QualityGate, QualitySample, QualityThresholds } from '@vident/protocol';
import type { CallStats } from '../call-stats.ts';
import { laplacianVariance, MEASURE_HEIGHT, MEASURE_WIDTH, meanLuma } from './frame-measures.ts';
import { initialGate, stepGate, type GateMemory } from './quality-gate.ts';

/*
 * Measures the customer's video every TICK_MS on one page (issue 15): the agent's page what it
 * receives (remote video, the subscriber leg's stats), the customer's page what it sends (its own
 * camera, the publisher leg's stats). A small downscaled frame gives brightness and sharpness
 * (frame-measures.ts); getStats gives size, frame rate and freezes. Every REPORT_MS the latest
 * sample goes to the session (`quality-sample`). The agent's page also runs the gate's rule
 * (quality-gate.ts) with the session's thresholds and reports each change (`quality-gate`).
 */

const TICK_MS = 2_000;
const REPORT_MS = 10_000;

export type QualityFrame = Extract<ClientMessage, { type: 'quality-sample' | 'quality-gate' }>;

export interface QualityMonitorOptions {
  side: 'received' | 'sent';
  /** The element showing the customer's video on this page (remote on the agent's, local on the customer's). */
  video(): HTMLVideoElement | null;
  stats(): Promise<CallStats>;
  /** Whether the call is on (samples are measured only then). */
  inCall(): boolean;
  /** The gate's thresholds (the agent's welcome); null: this page runs no gate. */
  thresholds(): QualityThresholds | null;
  send(frame: QualityFrame): boolean;
  onGate(gate: QualityGate): void;
}

export class CallQualityMonitor {
  private timer: ReturnType<typeof setInterval> | undefined;
  private canvas: HTMLCanvasElement | null = null;
  private memory: GateMemory = initialGate();
  private lastReport = Number.NEGATIVE_INFINITY;
  private lastFreeze: { seconds: number; at: number } | null = null;
  /** The gate the session was told last (sent again after a refused send). */
  private reported: QualityGate = initialGate().gate;

  constructor(private readonly opts: QualityMonitorOptions) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The gate as this page holds it now. */
  get gate(): QualityGate {
    return this.memory.gate;
  }

  private async tick(): Promise<void> {
    if (!this.opts.inCall()) return;
    const sample = await this.measure();
    if (sample === null) return;
    const now = Date.now();
    const thresholds = this.opts.thresholds();
    if (thresholds !== null) {
      const step = stepGate(this.memory, sample, thresholds, now);
      this.memory = step.memory;
      // Every measured tick: the panel says "measuring" until the first one.
      this.opts.onGate(this.memory.gate);
      if (this.memory.gate !== this.reported && this.opts.send({ type: 'quality-gate', gate: this.memory.gate })) this.reported = this.memory.gate;
    }
    if (now - this.lastReport >= REPORT_MS && this.opts.send({ type: 'quality-sample', sample })) this.lastReport = now;
  }

  /** One sample now; null while nothing is decoded or sent yet. */
  private async measure(): Promise<QualitySample | null> {
    let stats: CallStats;
    try {
      stats = await this.opts.stats();
    } catch {
      return null;
    }
    const now = Date.now();
    let width: number | null;
    let height: number | null;
    let fps: number | null;
    let freezeShare: number | null = null;
    if (this.opts.side === 'received') {
      const v = stats.subscriber?.inboundVideo ?? null;
      if (v === null || v.framesDecoded === 0) return null;
      ({ frameWidth: width, frameHeight: height, framesPerSecond: fps } = v);
      const seconds = v.totalFreezesDuration;
      if (seconds !== null) {
        if (this.lastFreeze !== null && now > this.lastFreeze.at) freezeShare = Math.min(1, Math.max(0, (seconds - this.lastFreeze.seconds) / ((now - this.lastFreeze.at) / 1000)));
        this.lastFreeze = { seconds, at: now };
      }
    } else {
      const v = stats.publisher?.outboundVideo ?? null;
      if (!v) return null;
      ({ frameWidth: width, frameHeight: height, framesPerSecond: fps } = v);
    }
    const frame = this.frameFigures();
    return { width, height, fps: fps === null ? null : Math.round(fps * 10) / 10, freezeShare, ...frame };
  }

  /** Brightness and sharpness of the shown frame, downscaled; nulls when there is no frame to draw. */
  private frameFigures(): { brightness: number | null; sharpness: number | null } {
    const video = this.opts.video();
    if (!video || video.readyState < 2 || video.videoWidth === 0) return { brightness: null, sharpness: null };
    this.canvas ??= Object.assign(document.createElement('canvas'), { width: MEASURE_WIDTH, height: MEASURE_HEIGHT });
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return { brightness: null, sharpness: null };
    ctx.drawImage(video, 0, 0, MEASURE_WIDTH, MEASURE_HEIGHT);
    const { data } = ctx.getImageData(0, 0, MEASURE_WIDTH, MEASURE_HEIGHT);
    return {
      brightness: Math.round(meanLuma(data, MEASURE_WIDTH, MEASURE_HEIGHT) * 10) / 10,
      sharpness: Math.round(laplacianVariance(data, MEASURE_WIDTH, MEASURE_HEIGHT) * 10) / 10,
    };
  }
}
