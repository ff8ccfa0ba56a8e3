import { ChatText, Role, type ServerMessage } from '@vident/protocol';

/** How many of the call's latest chat messages a (re)joining participant is sent. */
export const CHAT_REPLAY_LIMIT = 100;

/** A chat message as participants receive it. */
export type ChatReplay = Extract<ServerMessage, { type: 'chat' }>;

/** One `chat.message` row of the audit trail, as stored (detail is JSON text). */
export interface ChatAuditRow {
  at: string;
  detail: string;
}

/**
 * The chat messages to replay, oldest first, from the audit trail's `chat.message` rows (given
 * newest first, as the bounded query returns them). The trail is the one place chat is kept: what
 * a participant sees after a reload is exactly what was audited. A row that does not read as a
 * chat message (damaged, or from an older format) is skipped rather than sent half-formed.
 */
export function chatReplay(rowsNewestFirst: readonly ChatAuditRow[]): ChatReplay[] {
  const out: ChatReplay[] = [];
  for (const row of rowsNewestFirst) {
    let detail: unknown;
    try {
      detail = JSON.parse(row.detail);
    } catch {
      continue;
    }
    const d = (detail ?? {}) as { from?: unknown; text?: unknown };
    const from = Role.safeParse(d.from);
    const text = ChatText.safeParse(d.text);
    if (from.success && text.success) out.push({ type: 'chat', from: from.data, text: text.data, at: row.at });
  }
  return out.reverse();
}
