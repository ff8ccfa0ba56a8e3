/*
 * Whether the customer performed a liveness challenge (issue 15), decided from a series of per-frame
 * face observations of the received video (pure). The agent's page samples the video with the face
 * engine (Human: head pose from the face mesh, eye openness from the mesh's eyelid landmarks, the
 * face box, the antispoof and liveness scores) and feeds every observation here. Each action has one
 * rule with documented thresholds; a challenge not performed by the deadline fails. What the rules
 * measure is what the video shows, not who is in it: the agent still looks, and the antispoof and
 * liveness scores are hints beside the outcome, never part of it.
 */
import type { ChallengeAction, ChallengeFigures, ChallengeHints } from '@vident/protocol';

/** One sampled frame of the received video. */
export interface FaceObservation {
  /** When the frame was sampled (ms). */
  at: number;
  /** Whether a usable face was found (the fields below are absent when not). */
  face: boolean;
  /** Head yaw in degrees, positive when the customer turns to their own left (see YAW_SIGN in challenge-sampler.ts). */
  yaw?: number;
  /** Head pitch in degrees, positive when the customer looks up. */
  pitch?: number;
  /** Eye aspect ratio averaged over both eyes (eyelid gap / eye width; ~0.25-0.35 open, below ~0.15 closed). */
  eyeOpenness?: number;
  /** The face box's share of the frame's area (0-1). */
  area?: number;
  /** Antispoof and liveness scores (0-1), hints only. */
  real?: number;
  live?: number;
}

/** The thresholds every rule uses. */
export interface ChallengeThresholds {
  /** A challenge not performed this long after it started fails. */
  windowMs: number;
  /** A turn: yaw beyond the rest pose (the median so far) by this many degrees in the asked direction... */
  turnDegrees: number;
  /** ...look up: pitch beyond the baseline by this many degrees... */
  lookUpDegrees: number;
  /** ...held over at least two frames spanning this long. */
  holdMs: number;
  /** A blink: eye openness dips below this share of the open baseline (the median so far)... */
  blinkClosedRatio: number;
  /** ...and comes back above this share (hysteresis: one dip counts once). */
  blinkOpenRatio: number;
  /** Bring the ID close: the largest face's box grows to this multiple of the smallest seen since the start (held). */
  closeGrowth: number;
  /** Cover the card: the face seen, then gone for at least this long, then seen again. */
  coverMinMs: number;
}

/**
 * The defaults. Measured with Human 3.3.6 on the e2e fixtures: a face held still varies by a few
 * degrees of yaw/pitch and a few per cent of box area frame to frame, far below these.
 */
export const DEFAULT_CHALLENGE_THRESHOLDS: ChallengeThresholds = {
  windowMs: 12_000,
  turnDegrees: 20,
  lookUpDegrees: 12,
  holdMs: 200,
  blinkClosedRatio: 0.6,
  blinkOpenRatio: 0.85,
  closeGrowth: 1.8,
  coverMinMs: 400,
};

export type ChallengeStatus = 'pending' | 'done' | 'failed';

export interface ChallengeVerdict {
  status: ChallengeStatus;
  /** When the verdict became final (the frame that completed it, or the deadline). */
  endedAt?: number;
  /** What was measured (named numbers, rounded): sent with the result. */
  figures: ChallengeFigures;
  /** Mean antispoof / liveness scores over the face frames. */
  hints: ChallengeHints;
}

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The rest pose of `field`: the median over every face frame so far. A head spends most of the window
 * at rest and turns briefly, so the median is the rest pose even when measuring began mid-turn (the
 * first frames alone would then make the turn itself the baseline).
 */
function baseline(frames: readonly FaceObservation[], field: 'yaw' | 'pitch'): number | undefined {
  return median(frames.flatMap((f) => (f[field] !== undefined ? [f[field]] : [])));
}

/**
 * The first frame ending a run of at least two consecutive frames meeting `beyond`, spanning holdMs;
 * undefined when there is none. Frames without a face break a run.
 */
function heldAt(frames: readonly FaceObservation[], beyond: (f: FaceObservation) => boolean, holdMs: number): number | undefined {
  let runStart: number | undefined;
  let runLength = 0;
  for (const f of frames) {
    if (f.face && beyond(f)) {
      runStart ??= f.at;
      runLength++;
      if (runLength >= 2 && f.at - runStart >= holdMs) return f.at;
    } else {
      runStart = undefined;
      runLength = 0;
    }
  }
  return undefined;
}

/** A pose rule: `field` beyond its baseline by `degrees` in the `sign` direction, held. */
function poseRule(frames: readonly FaceObservation[], field: 'yaw' | 'pitch', sign: 1 | -1, degrees: number, t: ChallengeThresholds) {
  const base = baseline(frames, field);
  if (base === undefined) return { doneAt: undefined, figures: {} };
  const delta = (f: FaceObservation) => (f[field] === undefined ? Number.NEGATIVE_INFINITY : sign * (f[field]! - base));
  const peak = Math.max(...frames.map(delta));
  const doneAt = heldAt(frames, (f) => delta(f) >= degrees, t.holdMs);
  return { doneAt, figures: { [`${field}Baseline`]: round(base, 1), [`${field}Peak`]: round(Number.isFinite(peak) ? peak : 0, 1) } };
}

/** Blinks: dips of eye openness below blinkClosedRatio of the running median, each closed by a rise above blinkOpenRatio. */
function blinkRule(frames: readonly FaceObservation[], t: ChallengeThresholds) {
  const seen: number[] = [];
  let closed = false;
  let blinks = 0;
  let lowest = Number.POSITIVE_INFINITY;
  let doneAt: number | undefined;
  for (const f of frames) {
    if (!f.face || f.eyeOpenness === undefined) continue;
    // The open baseline: the median of the frames before this one (blinks are brief, so it stays "open").
    const open = median(seen);
    seen.push(f.eyeOpenness);
    if (open === undefined || open <= 0) continue;
    const ratio = f.eyeOpenness / open;
    lowest = Math.min(lowest, ratio);
    if (!closed && ratio < t.blinkClosedRatio) closed = true;
    else if (closed && ratio > t.blinkOpenRatio) {
      closed = false;
      blinks++;
      if (blinks === 2 && doneAt === undefined) doneAt = f.at;
    }
  }
  return { doneAt, figures: { blinks, eyeOpenBaseline: round(median(seen) ?? 0, 3), eyeLowestRatio: round(Number.isFinite(lowest) ? lowest : 1) } };
}

/** Bring the ID close: the face box's area against the smallest seen before, held. */
function closeRule(frames: readonly FaceObservation[], t: ChallengeThresholds) {
  let smallest = Number.POSITIVE_INFINITY;
  let growth = 0;
  const marked: FaceObservation[] = [];
  for (const f of frames) {
    if (f.face && f.area !== undefined && f.area > 0) {
      smallest = Math.min(smallest, f.area);
      growth = Math.max(growth, f.area / smallest);
      marked.push({ ...f, area: f.area / smallest });
    } else marked.push(f);
  }
  const doneAt = heldAt(marked, (f) => (f.area ?? 0) >= t.closeGrowth, t.holdMs);
  return { doneAt, figures: { areaGrowth: round(growth) } };
}

/** Cover and uncover: the face seen, then no face for coverMinMs or longer, then the face again. */
function coverRule(frames: readonly FaceObservation[], t: ChallengeThresholds) {
  let seen = false;
  let goneSince: number | undefined;
  let longestGap = 0;
  let doneAt: number | undefined;
  for (const f of frames) {
    if (f.face) {
      if (goneSince !== undefined) {
        const gap = f.at - goneSince;
        longestGap = Math.max(longestGap, gap);
        if (gap >= t.coverMinMs && doneAt === undefined) doneAt = f.at;
      }
      seen = true;
      goneSince = undefined;
    } else if (seen && goneSince === undefined) goneSince = f.at;
  }
  return { doneAt, figures: { coveredMs: Math.round(longestGap) } };
}

/** Which way each pose action goes. */
const POSE: Partial<Record<ChallengeAction, { field: 'yaw' | 'pitch'; sign: 1 | -1; degrees: (t: ChallengeThresholds) => number }>> = {
  turn_left: { field: 'yaw', sign: 1, degrees: (t) => t.turnDegrees },
  turn_right: { field: 'yaw', sign: -1, degrees: (t) => t.turnDegrees },
  look_up: { field: 'pitch', sign: 1, degrees: (t) => t.lookUpDegrees },
};

/**
 * The verdict on `action` from the frames sampled since `startedAt`, at time `now`: done as soon as
 * its rule is met, failed once the window has passed without it, pending before.
 */
export function judgeChallenge(
  action: ChallengeAction,
  frames: readonly FaceObservation[],
  startedAt: number,
  now: number,
  t: ChallengeThresholds = DEFAULT_CHALLENGE_THRESHOLDS,
): ChallengeVerdict {
  const inWindow = frames.filter((f) => f.at >= startedAt && f.at <= startedAt + t.windowMs);
  const pose = POSE[action];
  const rule = pose
    ? poseRule(inWindow, pose.field, pose.sign, pose.degrees(t), t)
    : action === 'blink_twice'
      ? blinkRule(inWindow, t)
      : action === 'id_close'
        ? closeRule(inWindow, t)
        : coverRule(inWindow, t);
  const faces = inWindow.filter((f) => f.face);
  const real = mean(faces.flatMap((f) => (f.real !== undefined ? [f.real] : [])));
  const live = mean(faces.flatMap((f) => (f.live !== undefined ? [f.live] : [])));
  const figures: ChallengeFigures = { frames: inWindow.length, faceFrames: faces.length, ...rule.figures };
  const hints: ChallengeHints = { ...(real !== undefined ? { real: round(real) } : {}), ...(live !== undefined ? { live: round(live) } : {}) };
  if (rule.doneAt !== undefined) return { status: 'done', endedAt: rule.doneAt, figures, hints };
  if (now >= startedAt + t.windowMs) return { status: 'failed', endedAt: startedAt + t.windowMs, figures, hints };
  return { status: 'pending', figures, hints };
}
