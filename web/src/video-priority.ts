/*
 * What the customer's video sender gives up first when the path or the CPU cannot carry HD: for a
 * document the agent must read microprint, so resolution is kept and the frame rate drops; for the
 * face the agent watches movement (liveness, lip sync), so the frame rate is kept and resolution
 * drops. The agent's guidance says which one is on screen.
 */
import type { GuidanceKind } from '@vident/protocol';

/** What the customer is showing the agent now. */
export type VideoPriority = 'document' | 'face';

/** The RTCRtpSendParameters value for a priority (WebRTC's `degradationPreference`). */
export type DegradationPreference = 'maintain-resolution' | 'maintain-framerate';

/** The call starts on the face (the agent greets the customer first). */
export const INITIAL_VIDEO_PRIORITY: VideoPriority = 'face';

export function degradationPreferenceFor(priority: VideoPriority): DegradationPreference {
  return priority === 'document' ? 'maintain-resolution' : 'maintain-framerate';
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

/**
 * Sets the degradation preference on every video sender. Answers whether every video sender now
 * has it; a browser that refuses (no support, not negotiated yet) keeps its own default, and the
 * call goes on.
 */
export async function applyVideoPriority(senders: readonly PrioritySender[], priority: VideoPriority): Promise<boolean> {
  const preference = degradationPreferenceFor(priority);
  let all = true;
  for (const sender of senders) {
    if (sender.track?.kind !== 'video') continue;
    const parameters = sender.getParameters() as { degradationPreference?: string };
    if (parameters.degradationPreference === preference) continue;
    try {
      await sender.setParameters({ ...parameters, degradationPreference: preference } as never);
    } catch {
      all = false;
    }
  }
  return all;
}
