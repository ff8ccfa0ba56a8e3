/*
 * The face's sending ladder (issue 17): which resolution and frame rate the customer's camera is
 * sent at while the agent looks at the face, chosen from the browser's own bandwidth estimate.
 *
 * Why not Chromium's `maintain-framerate`: it keeps the frame rate by scaling the resolution down
 * when the quantiser runs high, and scales back up only slowly, by steps, if ever. A call starts
 * with an estimate of 300 kbit/s, so every call first drops to 320x180; on a 1.5 Mbit/s path over
 * TURN the sender stayed there for the whole call with a target of 930 kbit/s, enough for 640x360
 * at 30 fps (docs/BENCHMARKS.md, network profiles). A face the agent compares with an ID photo is
 * of no use below 640x360. So the face is sent with `maintain-resolution` at the step of this
 * ladder the estimate carries: the frame rate is kept down to 640x360, and only below what
 * 640x360 at 30 fps needs does the frame rate give way (15 fps), before the resolution does.
 *
 * Down at once (two samples in a row under the step's need: one low sample is the estimator's
 * noise), up only after the estimate carried the higher step for UP_HOLD_MS. A CPU that cannot
 * encode the step (Chromium reports `cpu` as the quality limitation: it drops frames then) caps the
 * ladder one step lower for CPU_HOLD_MS. Pure: the controller (send-ladder-controller.ts) samples
 * the stats and sets the parameters.
 */

/** One step: the frame height it sends (the camera's, when smaller), its frame-rate cap and the estimate it needs. */
export interface SendStep {
  readonly height: number;
  readonly maxFramerate: number;
  /** Bandwidth estimate (kbit/s) from which this step is sent. */
  readonly minKbps: number;
}

/** Highest first. Needs measured with the bench's noisy 720p camera clip (VP8, docs/BENCHMARKS.md). */
export const FACE_LADDER: readonly SendStep[] = [
  { height: 720, maxFramerate: 30, minKbps: 2200 },
  { height: 540, maxFramerate: 30, minKbps: 1300 },
  { height: 360, maxFramerate: 30, minKbps: 650 },
  { height: 360, maxFramerate: 15, minKbps: 350 },
  { height: 180, maxFramerate: 15, minKbps: 0 },
];

export const UP_HOLD_MS = 3000;
export const CPU_HOLD_MS = 30_000;
/** Samples in a row that a step down needs (estimate under the step, or the CPU limiting). */
export const DOWN_SAMPLES = 2;

/** What one look at the sender's stats says. */
export interface SenderSample {
  at: number;
  /** The selected pair's `availableOutgoingBitrate` in kbit/s, null before the browser has one. */
  estimateKbps: number | null;
  /** Chromium's quality limitation is the CPU. */
  cpuLimited: boolean;
}

export interface LadderState {
  /** Index into FACE_LADDER. */
  step: number;
  /** Samples in a row that asked for a lower step. */
  lowSamples: number;
  /** Since when the estimate carries a higher step (null: it does not). */
  higherSince: number | null;
  /** Samples in a row the CPU limited the encoder. */
  cpuSamples: number;
  /** No step above `cpuCap` until this time (the CPU could not keep up there). */
  cpuCap: number;
  cpuCapUntil: number;
}

/** A call starts at the top: the estimate's first sample, a second later, says where it belongs. */
export function initialLadder(): LadderState {
  return { step: 0, lowSamples: 0, higherSince: null, cpuSamples: 0, cpuCap: 0, cpuCapUntil: 0 };
}

/** The highest step an estimate carries. */
export function stepForEstimate(kbps: number): number {
  const index = FACE_LADDER.findIndex((s) => kbps >= s.minKbps);
  return index === -1 ? FACE_LADDER.length - 1 : index;
}

export function nextLadder(state: LadderState, sample: SenderSample): LadderState {
  const cpuSamples = sample.cpuLimited ? state.cpuSamples + 1 : 0;
  const cpuCapped = sample.at < state.cpuCapUntil;
  // The CPU: one step down, and none above it for a while.
  if (cpuSamples >= DOWN_SAMPLES && state.step < FACE_LADDER.length - 1) {
    const step = state.step + 1;
    return { step, lowSamples: 0, higherSince: null, cpuSamples: 0, cpuCap: step, cpuCapUntil: sample.at + CPU_HOLD_MS };
  }
  if (sample.estimateKbps === null) return { ...state, cpuSamples };
  const carried = Math.max(stepForEstimate(sample.estimateKbps), cpuCapped ? state.cpuCap : 0);
  if (carried > state.step) {
    const lowSamples = state.lowSamples + 1;
    if (lowSamples < DOWN_SAMPLES) return { ...state, lowSamples, higherSince: null, cpuSamples };
    return { ...state, step: carried, lowSamples: 0, higherSince: null, cpuSamples };
  }
  if (carried < state.step) {
    const higherSince = state.higherSince ?? sample.at;
    if (sample.at - higherSince < UP_HOLD_MS) return { ...state, lowSamples: 0, higherSince, cpuSamples };
    return { ...state, step: carried, lowSamples: 0, higherSince: null, cpuSamples };
  }
  return { ...state, lowSamples: 0, higherSince: null, cpuSamples };
}

/** The encoding parameters of a step for a camera sending `sourceHeight` rows (never upscaled). */
export function encodingForStep(step: SendStep, sourceHeight: number | null): { scaleResolutionDownBy: number; maxFramerate: number } {
  const scale = sourceHeight === null || sourceHeight <= step.height ? 1 : sourceHeight / step.height;
  return { scaleResolutionDownBy: Math.round(scale * 1000) / 1000, maxFramerate: step.maxFramerate };
}
