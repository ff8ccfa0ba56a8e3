import { CaptureKind } from '@vident/protocol';

/** Where the bank's public key (from `GET /v1/config`) stands on the agent's page. */
export type BankKeyState = 'loading' | 'ready' | 'missing' | 'invalid';

/** Why no capture can be taken right now (shown beside the disabled buttons). */
export type CaptureBlocker = 'no_key' | 'bad_key' | 'key_loading' | 'no_video' | 'camera_off';

/**
 * Whether the agent can capture at all. Key problems come first: they do not go away during the
 * call, so they are the reason worth telling. A frame must have a size (videoWidth x videoHeight of
 * the remote video, 0 before the first decoded frame); a camera the customer switched off would
 * only give black stills.
 */
export function captureBlocker(input: { key: BankKeyState; frame: { width: number; height: number } | null; peerVideo: boolean }): CaptureBlocker | null {
  if (input.key === 'missing') return 'no_key';
  if (input.key === 'invalid') return 'bad_key';
  if (input.key === 'loading') return 'key_loading';
  if (input.frame === null || input.frame.width <= 0 || input.frame.height <= 0) return 'no_video';
  if (!input.peerVideo) return 'camera_off';
  return null;
}

/** A capture the control plane has stored. */
export interface StoredCapture {
  artifactId: string;
  width: number;
  height: number;
}

/**
 * One capture kind's slot. A retake keeps the previous stored capture while it uploads: that one
 * is evidence already, and if the retake fails it is still what the bank has.
 */
export type CaptureSlot =
  | { status: 'empty' }
  | { status: 'uploading'; previous: StoredCapture | null }
  | { status: 'stored'; capture: StoredCapture };

export type CaptureSlots = Readonly<Record<CaptureKind, CaptureSlot>>;

export const CAPTURE_KINDS: readonly CaptureKind[] = CaptureKind.options;

export function emptySlots(): CaptureSlots {
  return { id_front: { status: 'empty' }, id_back: { status: 'empty' }, face: { status: 'empty' } };
}

/** The stored capture a slot shows (also during a retake), or null. */
export function shownCapture(slot: CaptureSlot): StoredCapture | null {
  if (slot.status === 'stored') return slot.capture;
  if (slot.status === 'uploading') return slot.previous;
  return null;
}

/** Starts a capture of `kind`; null when one of that kind is already on its way (double click). */
export function captureStarted(slots: CaptureSlots, kind: CaptureKind): CaptureSlots | null {
  const slot = slots[kind];
  if (slot.status === 'uploading') return null;
  return { ...slots, [kind]: { status: 'uploading', previous: shownCapture(slot) } };
}

export function captureStored(slots: CaptureSlots, kind: CaptureKind, capture: StoredCapture): CaptureSlots {
  return { ...slots, [kind]: { status: 'stored', capture } };
}

/** A failed capture falls back to what was stored before it, if anything. */
export function captureFailed(slots: CaptureSlots, kind: CaptureKind): CaptureSlots {
  const previous = shownCapture(slots[kind]);
  return { ...slots, [kind]: previous === null ? { status: 'empty' } : { status: 'stored', capture: previous } };
}
