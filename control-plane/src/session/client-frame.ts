import { ClientMessage, describeIssues, type ErrorCode } from '@vident/protocol';
import { MAX_BODY_BYTES } from '../base/http-error.ts';

/** Largest WebSocket frame a participant may send (same bound as HTTP bodies). */
export const MAX_FRAME_BYTES = MAX_BODY_BYTES;

export type FrameResult = { ok: true; message: ClientMessage } | { ok: false; code: ErrorCode; message: string };

/** Decodes one participant frame: text only, bounded, JSON, then the ClientMessage schema. Never throws. */
export function decodeClientFrame(frame: string | ArrayBuffer): FrameResult {
  if (typeof frame !== 'string') return { ok: false, code: 'invalid_json', message: 'binary frames are not accepted' };
  // UTF-16 length is a lower bound of the UTF-8 size, and 3 bytes per code unit an upper one: only
  // a frame between the two is encoded to be measured (not the small frames a call sends each second).
  if (frame.length > MAX_FRAME_BYTES || (frame.length * 3 > MAX_FRAME_BYTES && new TextEncoder().encode(frame).byteLength > MAX_FRAME_BYTES)) {
    return { ok: false, code: 'payload_too_large', message: `frames are limited to ${MAX_FRAME_BYTES} bytes` };
  }
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'frame is not valid JSON' };
  }
  const parsed = ClientMessage.safeParse(value);
  if (!parsed.success) return { ok: false, code: 'validation_failed', message: describeIssues(parsed.error) };
  return { ok: true, message: parsed.data };
}
