/*
 * Samples the received video over the call and scores each frame's face against the ID capture's
 * (the I/O shell around call-sampling.ts): a timer, a frame from the caller, the engine's worker.
 * Every scored frame gives an updated `call` result; `send` says whether it is worth sending to the
 * session now (reportDue). Stops by itself at the policy's bound, or with stop().
 */
import type { FaceMatchResult, FaceMatchThresholds } from '@vident/protocol';
import type { FaceDescription } from './face-choice.ts';
import type { FaceEngine, FaceImage } from './face-engine.ts';
import { callMatchResult } from './face-match-result.ts';
import {
  DEFAULT_CALL_SAMPLING_POLICY,
  frameDue,
  recordFrame,
  reportDue,
  samplingDone,
  startCallSampling,
  type CallSamplingPolicy,
  type CallSamplingState,
  type SampledFrame,
} from './call-sampling.ts';

export interface CallFaceUpdate {
  result: FaceMatchResult;
  state: CallSamplingState;
  /** True when this result should go to the session (`face-match` frame). */
  send: boolean;
}

export interface CallFaceSamplerOptions {
  engine: Pick<FaceEngine, 'describe' | 'similarity' | 'model'>;
  /** The ID capture's face (engine.describe of the ID capture). */
  idFace: FaceDescription;
  /** The received video's current frame, or null when there is none (not playing, hidden). */
  frame(): FaceImage | null;
  thresholds: FaceMatchThresholds;
  onUpdate(update: CallFaceUpdate): void;
  policy?: CallSamplingPolicy;
  /** The clock (ms); Date.now by default. */
  now?: () => number;
}

export interface CallFaceSampler {
  stop(): void;
  /** The sampling so far. */
  readonly state: CallSamplingState;
}

/** Starts sampling at once; the first frame is taken right away. */
export function sampleCallFaces(options: CallFaceSamplerOptions): CallFaceSampler {
  const policy = options.policy ?? DEFAULT_CALL_SAMPLING_POLICY;
  const now = options.now ?? Date.now;
  let state = startCallSampling(now());
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent: { result: FaceMatchResult; at: number } | undefined;

  const schedule = () => {
    if (stopped || samplingDone(state, policy)) return;
    timer = setTimeout(() => void tick(), Math.max(0, state.nextAt - now()));
  };

  const sample = async (): Promise<SampledFrame> => {
    const image = options.frame();
    if (!image) return { kind: 'no_face' };
    try {
      const face = await options.engine.describe(image);
      if (!face) return { kind: 'no_face' };
      return { kind: 'scored', score: options.engine.similarity(options.idFace, face), faceCount: face.faceCount };
    } catch {
      return { kind: 'failed' };
    }
  };

  const tick = async () => {
    if (stopped) return;
    if (frameDue(state, now(), policy)) {
      const frame = await sample();
      if (stopped) return;
      const at = now();
      state = recordFrame(state, frame, at, policy);
      const result = frame.kind === 'scored' ? callMatchResult(state.scores, { thresholds: options.thresholds, model: options.engine.model, measuredAt: new Date(at) }) : null;
      if (result) {
        const send = reportDue(lastSent, result, at, policy);
        if (send) lastSent = { result, at };
        options.onUpdate({ result, state, send });
      }
    }
    schedule();
  };

  void tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    get state() {
      return state;
    },
  };
}
