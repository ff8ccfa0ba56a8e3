import * as z from 'zod/mini';
import { requestCamera } from './camera-request.ts';
import { mediaConstraints, mediaProblemOf } from './precheck-state.ts';

/** The camera and microphone the customer picked in the pre-call check (null = the browser's default). */
export interface DeviceChoice {
  cameraId: string | null;
  microphoneId: string | null;
}

export const DEFAULT_CHOICE: DeviceChoice = { cameraId: null, microphoneId: null };

const Stored = z.object({
  cameraId: z.nullable(z.string().check(z.maxLength(512))),
  microphoneId: z.nullable(z.string().check(z.maxLength(512))),
});

const storageKey = (sessionId: string) => `vident.precheck.${sessionId}`;

/**
 * The choice this tab stored when the customer passed the pre-call check of this session: a reload
 * mid-call goes straight back to the call with the same devices instead of repeating the check.
 * Null when there is none (or it is unreadable).
 */
export function savedChoice(storage: Pick<Storage, 'getItem'> | null, sessionId: string): DeviceChoice | null {
  try {
    const raw = storage?.getItem(storageKey(sessionId));
    if (raw == null) return null;
    const parsed = Stored.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveChoice(storage: Pick<Storage, 'setItem'> | null, sessionId: string, choice: DeviceChoice): void {
  try {
    storage?.setItem(storageKey(sessionId), JSON.stringify(choice));
  } catch {
    // Storage full or disabled: the next reload just shows the check again.
  }
}

/**
 * What the call controller's `acquireMedia` gets: the stream the pre-call check already opened
 * (the camera is not asked for twice), then, for a retry or after a reload, the chosen devices, or
 * any device when a chosen one has gone.
 */
export class ChosenMedia {
  constructor(
    private readonly choice: DeviceChoice,
    private handedOver: MediaStream | null = null,
  ) {}

  async acquire(): Promise<MediaStream> {
    const stream = this.handedOver;
    this.handedOver = null;
    if (stream !== null && stream.getTracks().every((t) => t.readyState === 'live')) return stream;
    for (const t of stream?.getTracks() ?? []) t.stop();
    const ask = (choice: DeviceChoice) => requestCamera((c) => navigator.mediaDevices.getUserMedia(c), (q) => mediaConstraints(choice, q));
    try {
      return await ask(this.choice);
    } catch (err) {
      const chose = this.choice.cameraId !== null || this.choice.microphoneId !== null;
      if (!chose || mediaProblemOf(err) !== 'missing') throw err;
      return ask(DEFAULT_CHOICE);
    }
  }
}
