/*
 * What the customer's video sender gives up first when the path or the CPU cannot carry HD: for a
 * document the agent must read microprint, so resolution is kept and the frame rate drops; for the
 * face the agent watches movement (liveness, lip sync), so the frame rate is kept, down to 640x360,
 * by sending the step of the face's ladder the bandwidth estimate carries (send-ladder.ts: Chromium's
 * own `maintain-framerate` fell to 320x180 at every call's start and stayed there on a 1.5 Mbit/s
 * path over TURN). Both modes use `maintain-resolution`: the resolution is the page's choice, and
 * the browser only drops frames when it must. The agent's guidance says which one is on screen.
 *
 * Both modes set the encoding's `maxBitrate` to the room's cap: left unset, Chromium caps the
 * encoder by the resolution it currently sends (1.7 Mbit/s up to 640x480, 600 kbit/s up to
 * 320x240; protocol hd-video.ts, docs/BENCHMARKS.md).
 */
import { HD_VIDEO_MAX_BITRATE, type GuidanceKind } from '@vident/protocol';
import { encodingForStep, FACE_LADDER, type SendStep } from './send-ladder.ts';

/** What the customer is showing the agent now. */
export type VideoPriority = 'document' | 'face';

/** What a priority sets on the video sender: its degradation preference and every encoding's limits. */
export interface VideoSendSettings {
  /** RTCRtpSendParameters' `degradationPreference`. */
  degradationPreference: 'maintain-resolution';
  maxBitrate: number;
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

/** A document is sent as the camera gives it, at up to 30 fps. */
const DOCUMENT_STEP: SendStep = { height: Infinity, maxFramerate: 30, minKbps: 0 };

/** The call starts on the face (the agent greets the customer first). */
export const INITIAL_VIDEO_PRIORITY: VideoPriority = 'face';

/** The settings of a priority; the face's at `faceStep` of its ladder, for a camera whose frames' short side is `sourceShortSide`. */
export function videoSendSettingsFor(priority: VideoPriority, faceStep: SendStep = FACE_LADDER[0]!, sourceShortSide: number | null = null): VideoSendSettings {
  const step = priority === 'document' ? DOCUMENT_STEP : faceStep;
  return { degradationPreference: 'maintain-resolution', maxBitrate: HD_VIDEO_MAX_BITRATE, ...encodingForStep(step, sourceShortSide) };
}

/** The short side of a track's frames (a phone held upright sends 720x1280), null when it does not say. */
export function shortSide(settings: { width?: number; height?: number } | undefined): number | null {
  const sides = [settings?.width, settings?.height].filter((n): n is number => typeof n === 'number' && n > 0);
  return sides.length === 0 ? null : Math.min(...sides);
}

/**
 * The priority an agent's guidance implies, or null when it says nothing about what is shown
 * (`more_light`): the ID guidance switches to the document, `face_camera` and `clear` back to the face.
 */
export function videoPriorityForGuidance(kind: GuidanceKind): VideoPriority | null {
  switch (kind) {
    case 'hold_id_closer':
    case 'tilt_card':
    case 'show_back':
      return 'document';
    case 'face_camera':
    case 'clear':
      return 'face';
    case 'more_light':
      return null;
  }
}

/** The part of RTCRtpSender this needs (lib.dom no longer types `degradationPreference`). */
export interface PrioritySender {
  readonly track: { kind: string; getSettings?(): { width?: number; height?: number } } | null;
  getParameters(): object;
  setParameters(parameters: never): Promise<void>;
}

interface SendParameters {
  degradationPreference?: string;
  encodings?: Array<{ maxBitrate?: number; scaleResolutionDownBy?: number; maxFramerate?: number }>;
}

/**
 * Sets the priority's settings (the face's at `faceStep`) on every video sender, keeping its other
 * parameters; a sender that has them already is left alone. Answers whether every video sender now
 * has them; a browser that refuses (no support, not negotiated yet) keeps its own defaults, and the
 * call goes on.
 */
export async function applyVideoPriority(senders: readonly PrioritySender[], priority: VideoPriority, faceStep?: SendStep): Promise<boolean> {
  let all = true;
  for (const sender of senders) {
    if (sender.track?.kind !== 'video') continue;
    const { degradationPreference, ...limits } = videoSendSettingsFor(priority, faceStep, shortSide(sender.track.getSettings?.()));
    const parameters = sender.getParameters() as SendParameters;
    const encodings = parameters.encodings ?? [];
    const has = (e: NonNullable<SendParameters['encodings']>[number]) =>
      e.maxBitrate === limits.maxBitrate && e.scaleResolutionDownBy === limits.scaleResolutionDownBy && e.maxFramerate === limits.maxFramerate;
    if (parameters.degradationPreference === degradationPreference && encodings.every(has)) continue;
    try {
      await sender.setParameters({ ...parameters, degradationPreference, encodings: encodings.map((e) => ({ ...e, ...limits })) } as never);
    } catch {
      all = false;
    }
  }
  return all;
}
