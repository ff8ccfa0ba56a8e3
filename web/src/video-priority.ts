/*
 * What the customer's video sender gives up first when the path or the CPU cannot carry HD: for a
 * document the agent must read microprint, so resolution is kept and the frame rate drops; for the
 * face the agent watches movement (liveness, lip sync), so the frame rate is kept and resolution
 * drops. The agent's guidance says which one is on screen.
 *
 * Both modes set the encoding's `maxBitrate` to the room's cap: left unset, Chromium caps the
 * encoder by the resolution it currently sends (1.7 Mbit/s up to 640x480, 600 kbit/s up to
 * 320x240), so a sender that scaled down early in the call (the bandwidth estimate starts at
 * 300 kbit/s) never got the bits to scale back up (protocol hd-video.ts, docs/BENCHMARKS.md).
 * `balanced` for the face was measured too and kept off: on a loaded machine it gave up frame rate
 * and resolution both, and no run could show it better (docs/BENCHMARKS.md, network profiles).
 */
import { HD_VIDEO_MAX_BITRATE, type GuidanceKind } from '@vident/protocol';

/** What the customer is showing the agent now. */
export type VideoPriority = 'document' | 'face';

/** The RTCRtpSendParameters value for a priority (WebRTC's `degradationPreference`). */
export type DegradationPreference = 'maintain-resolution' | 'maintain-framerate';

/** What a priority sets on the video sender: its degradation preference and every encoding's `maxBitrate`. */
export interface VideoSendSettings {
  degradationPreference: DegradationPreference;
  maxBitrate: number;
}

/** The call starts on the face (the agent greets the customer first). */
export const INITIAL_VIDEO_PRIORITY: VideoPriority = 'face';

export function videoSendSettingsFor(priority: VideoPriority): VideoSendSettings {
  return { degradationPreference: priority === 'document' ? 'maintain-resolution' : 'maintain-framerate', maxBitrate: HD_VIDEO_MAX_BITRATE };
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
  readonly track: { kind: string } | null;
  getParameters(): object;
  setParameters(parameters: never): Promise<void>;
}

interface SendParameters {
  degradationPreference?: string;
  encodings?: Array<{ maxBitrate?: number }>;
}

/**
 * Sets the priority's settings on every video sender, keeping its other parameters. Answers whether
 * every video sender now has them; a browser that refuses (no support, not negotiated yet) keeps its
 * own defaults, and the call goes on.
 */
export async function applyVideoPriority(senders: readonly PrioritySender[], priority: VideoPriority): Promise<boolean> {
  const { degradationPreference, maxBitrate } = videoSendSettingsFor(priority);
  let all = true;
  for (const sender of senders) {
    if (sender.track?.kind !== 'video') continue;
    const parameters = sender.getParameters() as SendParameters;
    const encodings = parameters.encodings ?? [];
    if (parameters.degradationPreference === degradationPreference && encodings.every((e) => e.maxBitrate === maxBitrate)) continue;
    try {
      await sender.setParameters({ ...parameters, degradationPreference, encodings: encodings.map((e) => ({ ...e, maxBitrate })) } as never);
    } catch {
      all = false;
    }
  }
  return all;
}
