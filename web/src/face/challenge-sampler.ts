/*
 * Measures the current liveness challenge on the received video (issue 15): the I/O shell around
 * challenge-rules.ts. Frames go through the face engine one at a time, as fast as it answers (at
 * most every SAMPLE_INTERVAL_MS); each becomes an observation; the rule's verdict is final once done
 * or past the window, and then goes to the session as a `challenge-result`. The window starts when
 * the engine is ready and the first frame was described, so a slow first model load does not eat it.
 */
import type { ChallengeAction, ChallengeResult } from '@vident/protocol';
import { DEFAULT_CHALLENGE_THRESHOLDS, judgeChallenge, type ChallengeThresholds, type ChallengeVerdict, type FaceObservation } from './challenge-rules.ts';
import type { FaceDescription } from './face-choice.ts';
import type { FaceEngine, FaceImage } from './face-engine.ts';

/** Fastest sampling: the engine is the bound on a slow machine, this on a fast one. */
const SAMPLE_INTERVAL_MS = 100;

/**
 * Measured with Human 3.3.6 on the face fixture under perspective warps (the frames of
 * e2e/src/liveness-challenges.test.ts): its yaw goes negative (about -27 degrees) when the face turns
 * towards the image's right, and its pitch negative (about -18) when the chin comes forward (looking
 * up). The agent receives the customer's camera unmirrored, so a customer turning to their own left
 * turns towards the image's right. The rules want "positive = the customer's left", "positive = up".
 */
export const YAW_SIGN = -1;
export const PITCH_SIGN = -1;

/** A face description (or none) as one observation. */
export function observationOf(face: FaceDescription | null, at: number): FaceObservation {
  if (face === null) return { at, face: false };
  const frame = face.imageWidth * face.imageHeight;
  return {
    at,
    face: true,
    ...(face.pose ? { yaw: YAW_SIGN * face.pose.yaw, pitch: PITCH_SIGN * face.pose.pitch } : {}),
    ...(face.eyeOpenness !== undefined ? { eyeOpenness: face.eyeOpenness } : {}),
    ...(frame > 0 ? { area: (face.box.width * face.box.height) / frame } : {}),
    ...(face.real !== undefined ? { real: face.real } : {}),
    ...(face.live !== undefined ? { live: face.live } : {}),
  };
}

export type MeasureState = 'loading' | 'measuring' | 'unmeasured';

export interface ChallengeSamplerOptions {
  engine(): Promise<Pick<FaceEngine, 'describe'>>;
  /** The received video's current frame, or null when there is none. */
  frame(): FaceImage | null;
  /** The final verdict as the result to send. */
  onResult(result: ChallengeResult, verdict: ChallengeVerdict): void;
  /** Progress for the panel. */
  onProgress(id: string, state: MeasureState, verdict?: ChallengeVerdict): void;
  thresholds?: ChallengeThresholds;
  now?: () => number;
}

/** Measures one challenge at a time: `measure` a new one replaces the one in progress. */
export class ChallengeSampler {
  private current: { id: string; action: ChallengeAction } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: ChallengeSamplerOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The challenge to measure now (null: none open). The same id again changes nothing. */
  measure(challenge: { id: string; action: ChallengeAction } | null): void {
    if (this.stopped || challenge?.id === this.current?.id) return;
    clearTimeout(this.timer);
    this.current = challenge;
    if (challenge !== null) void this.run(challenge);
  }

  stop(): void {
    this.stopped = true;
    this.current = null;
    clearTimeout(this.timer);
  }

  private async run(challenge: { id: string; action: ChallengeAction }): Promise<void> {
    const live = () => !this.stopped && this.current?.id === challenge.id;
    this.opts.onProgress(challenge.id, 'loading');
    let engine: Pick<FaceEngine, 'describe'>;
    try {
      engine = await this.opts.engine();
    } catch (err) {
      console.warn('vident: the face engine did not load for the challenge', err instanceof Error ? err.message : err);
      if (live()) this.opts.onProgress(challenge.id, 'unmeasured');
      return;
    }
    const frames: FaceObservation[] = [];
    const thresholds = this.opts.thresholds ?? DEFAULT_CHALLENGE_THRESHOLDS;
    let startedAt: number | undefined;
    const step = async (): Promise<void> => {
      if (!live()) return;
      const began = this.now();
      const image = this.opts.frame();
      let face: FaceDescription | null = null;
      if (image !== null) {
        try {
          face = await engine.describe(image);
        } catch (err) {
          console.warn('vident: a challenge frame could not be described', err instanceof Error ? err.message : err);
        }
      }
      if (!live()) return;
      const at = this.now();
      startedAt ??= at;
      frames.push(observationOf(face, at));
      const verdict = judgeChallenge(challenge.action, frames, startedAt, at, thresholds);
      if (verdict.status === 'pending') {
        this.opts.onProgress(challenge.id, 'measuring', verdict);
        this.timer = setTimeout(() => void step(), Math.max(0, SAMPLE_INTERVAL_MS - (this.now() - began)));
        return;
      }
      this.current = null;
      this.opts.onResult(
        {
          id: challenge.id,
          outcome: verdict.status,
          startedAt: new Date(startedAt).toISOString(),
          endedAt: new Date(Math.max(startedAt, verdict.endedAt ?? at)).toISOString(),
          figures: verdict.figures,
          ...(Object.keys(verdict.hints).length > 0 ? { hints: verdict.hints } : {}),
        },
        verdict,
      );
    };
    await step();
  }
}
