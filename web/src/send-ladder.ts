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
 * ladder one step lower for CPU_HOLD_MS.
 *
 * The estimate only measures what is sent: a sender that uses less than it is given (a still
 * scene, a clean camera, a low step) is application-limited, and Chromium's estimate then grows to
 * about 1.5 times what it sends and no further. Read as the path's capacity it would hold such a
 * sender at a low step for the whole call (the e2e's fake camera sat at 640x360 and 15 fps on a
 * path that carried 1280x720). The encoder's quantiser says whether the bits are short: at or under
 * QP_COMFORTABLE (Chromium's own threshold for scaling VP8 back up) the picture has more bits than it
 * needs, so the estimate steps nothing down, and every UP_HOLD_MS the sender tries the next step
 * up; a step so tried that then has to come down for the estimate stops those tries for
 * TRY_BACKOFF_MS. Pure: the controller (send-ladder-controller.ts) samples the stats and sets the
 * parameters.
 */

/** One step: the frame size it sends (the camera's, when smaller), its frame-rate cap and the estimate it needs. */
export interface SendStep {
  /** The frame's short side: its height in landscape, its width on a phone held upright (720: 1280x720 or 720x1280). */
  readonly height: number;
  readonly maxFramerate: number;
  /** Bandwidth estimate (kbit/s) from which this step is sent. */
  readonly minKbps: number;
}

/**
 * Highest first. Needs chosen from the bench's figures with its noisy 720p camera clip (VP8,
 * docs/BENCHMARKS.md): 1280x720 at 27 fps took about 3.3 Mbit/s, 640x360 at 30 fps about 1 Mbit/s.
 */
export const FACE_LADDER: readonly SendStep[] = [
  { height: 720, maxFramerate: 30, minKbps: 2200 },
  { height: 540, maxFramerate: 30, minKbps: 1300 },
  { height: 360, maxFramerate: 30, minKbps: 650 },
  { height: 360, maxFramerate: 15, minKbps: 350 },
  { height: 180, maxFramerate: 15, minKbps: 0 },
];

export const UP_HOLD_MS = 3000;
export const CPU_HOLD_MS = 30_000;
/**
 * Mean VP8 quantiser (0-127, outbound-rtp qpSum / framesEncoded) at or under which the encoder has
 * bits to spare. VP8 scale: the media node's rooms take VP8 only (janus-gateway.ts `videocodec`);
 * another codec's quantiser (H.264's is 0-51) would need its own figure.
 */
export const QP_COMFORTABLE = 29;
export const TRY_BACKOFF_MS = 30_000;
/** Samples in a row that a step down needs (estimate under the step, or the CPU limiting). */
export const DOWN_SAMPLES = 2;

/** What one look at the sender's stats says. */
export interface SenderSample {
  at: number;
  /** The selected pair's `availableOutgoingBitrate` in kbit/s, null before the browser has one. */
  estimateKbps: number | null;
  /** The encoder's mean quantiser since the previous sample (null: no frame encoded, or not reported). */
  qp: number | null;
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
  /** The step was reached by a try (see above), not carried by the estimate. */
  tried: boolean;
  /** No try before this time. */
  tryAfter: number;
}

/** A call starts at the top: the estimate's first sample, a second later, says where it belongs. */
export function initialLadder(): LadderState {
  return { step: 0, lowSamples: 0, higherSince: null, cpuSamples: 0, cpuCap: 0, cpuCapUntil: 0, tried: false, tryAfter: 0 };
}

/** The highest step an estimate carries. */
export function stepForEstimate(kbps: number): number {
  const index = FACE_LADDER.findIndex((s) => kbps >= s.minKbps);
  return index === -1 ? FACE_LADDER.length - 1 : index;
}

export function nextLadder(state: LadderState, sample: SenderSample): LadderState {
  const cpuSamples = sample.cpuLimited ? state.cpuSamples + 1 : 0;
  const floor = sample.at < state.cpuCapUntil ? state.cpuCap : 0;
  // The CPU: one step down, and none above it for a while.
  if (cpuSamples >= DOWN_SAMPLES && state.step < FACE_LADDER.length - 1) {
    const step = state.step + 1;
    return { ...state, step, lowSamples: 0, higherSince: null, cpuSamples: 0, cpuCap: step, cpuCapUntil: sample.at + CPU_HOLD_MS, tried: false };
  }
  if (sample.estimateKbps === null) return { ...state, cpuSamples };
  const comfortable = sample.qp !== null && sample.qp <= QP_COMFORTABLE;
  const carried = Math.max(stepForEstimate(sample.estimateKbps), floor);
  // Lower: the estimate does not carry this step, and the encoder is short of bits.
  if (carried > state.step && !comfortable) {
    const lowSamples = state.lowSamples + 1;
    if (lowSamples < DOWN_SAMPLES) return { ...state, lowSamples, higherSince: null, cpuSamples };
    const tryAfter = state.tried ? sample.at + TRY_BACKOFF_MS : state.tryAfter;
    return { ...state, step: carried, lowSamples: 0, higherSince: null, cpuSamples, tried: false, tryAfter };
  }
  // Higher: the estimate carries a higher step, or the encoder has bits to spare and may try the next.
  const byEstimate = Math.min(carried, state.step);
  const byTry = comfortable && sample.at >= state.tryAfter ? Math.max(state.step - 1, floor) : state.step;
  const higher = Math.min(byEstimate, byTry);
  if (higher < state.step) {
    const higherSince = state.higherSince ?? sample.at;
    if (sample.at - higherSince < UP_HOLD_MS) return { ...state, lowSamples: 0, higherSince, cpuSamples };
    return { ...state, step: higher, lowSamples: 0, higherSince: null, cpuSamples, tried: higher < byEstimate };
  }
  return { ...state, lowSamples: 0, higherSince: null, cpuSamples };
}

/** The encoding parameters of a step for a camera whose frames' short side is `sourceShortSide` (never upscaled). */
export function encodingForStep(step: SendStep, sourceShortSide: number | null): { scaleResolutionDownBy: number; maxFramerate: number } {
  const scale = sourceShortSide === null || sourceShortSide <= step.height ? 1 : sourceShortSide / step.height;
  return { scaleResolutionDownBy: Math.round(scale * 1000) / 1000, maxFramerate: step.maxFramerate };
}
