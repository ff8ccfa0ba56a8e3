import { ChatText, type GuidanceKind, type Role, type ServerMessage } from '@vident/protocol';

/*
 * Chat and guidance state on the page, pure: the controller applies server messages with these
 * and the UI renders the result.
 */

/** A chat message as the server relayed it. */
export type ChatEntry = Omit<Extract<ServerMessage, { type: 'chat' }>, 'type'>;

/** Messages kept on the page; older ones scroll away (the audit trail keeps them all). */
export const CHAT_HISTORY_LIMIT = 200;

/** The history with `entry` appended, bounded. Never mutates `history`. */
export function appendChat(history: readonly ChatEntry[], entry: ChatEntry, limit = CHAT_HISTORY_LIMIT): ChatEntry[] {
  return [...history, entry].slice(-limit);
}

/** What the chat input would send: the protocol's own rule (trimmed, 1..1000), or null. */
export function chatDraft(text: string): string | null {
  const parsed = ChatText.safeParse(text);
  return parsed.success ? parsed.data : null;
}

/** How long an instruction stays over the customer's self-view unless cleared or replaced. */
export const GUIDANCE_TTL_MS = 10_000;

/** The instruction shown now, and until when. */
export interface ShownGuidance {
  kind: Exclude<GuidanceKind, 'clear'>;
  until: number;
}

/** The overlay after receiving `kind` at `now`: `clear` removes it, anything else replaces it. */
export function receiveGuidance(kind: GuidanceKind, now: number): ShownGuidance | null {
  return kind === 'clear' ? null : { kind, until: now + GUIDANCE_TTL_MS };
}

/** The overlay still visible at `now`, if any. */
export function visibleGuidance(shown: ShownGuidance | null, now: number): ShownGuidance | null {
  return shown !== null && now < shown.until ? shown : null;
}

/** Whether a chat line is the reader's own (rendered on the other side, labelled "you"). */
export function isOwnMessage(entry: ChatEntry, me: Role): boolean {
  return entry.from === me;
}
