import { ServerMessage, describeIssues } from '@vident/protocol';

export type ServerFrameResult =
  | { ok: true; message: ServerMessage }
  | { ok: false; reason: 'not_text' | 'invalid_json' | 'unknown_message'; detail: string };

/**
 * Parses one WebSocket frame from the Durable Object. Never throws: a frame this page does not
 * understand (newer server, garbage) is reported so the caller can ignore it with a warning.
 */
export function parseServerFrame(data: unknown): ServerFrameResult {
  if (typeof data !== 'string') return { ok: false, reason: 'not_text', detail: typeof data };
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'invalid_json', detail: `${data.length} chars` };
  }
  const parsed = ServerMessage.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'unknown_message', detail: describeIssues(parsed.error) };
  return { ok: true, message: parsed.data };
}
