import type { ClientMessage, ErrorCode, Role, ServerMessage } from '@vident/protocol';

/*
 * In-call chat and the agent's guidance overlays. Both land in the audit trail (the issue: chat is
 * "kept in the audit trail"), so a participant must not be able to flood it: each role gets a
 * small sliding-window budget (and the session a cap on chat lines: session-limits.ts). Pure: the
 * signaling relay audits and delivers what a step says.
 */

export type InCallMessage = Extract<ClientMessage, { type: 'chat' | 'guidance' }>;

export type InCallStep =
  | { kind: 'refuse'; code: ErrorCode; message: string }
  | {
      kind: 'relay';
      action: 'chat.message' | 'guidance.sent';
      detail: Record<string, unknown>;
      /** Who is told what, in order. */
      deliveries: Array<{ to: Role; message: ServerMessage }>;
    };

/** What a chat or guidance frame from `role` does (the relay has already refused ended sessions). */
export function inCallStep(role: Role, msg: InCallMessage, at: string): InCallStep {
  switch (msg.type) {
    case 'chat': {
      // Both get the server's copy: the sender's is its confirmation, with the server's time.
      const relay: ServerMessage = { type: 'chat', from: role, text: msg.text, at };
      return {
        kind: 'relay',
        action: 'chat.message',
        detail: { from: role, text: msg.text },
        deliveries: [
          { to: 'customer', message: relay },
          { to: 'agent', message: relay },
        ],
      };
    }
    case 'guidance':
      if (role !== 'agent') return { kind: 'refuse', code: 'forbidden', message: 'only the agent sends guidance' };
      return {
        kind: 'relay',
        action: 'guidance.sent',
        detail: { kind: msg.kind },
        deliveries: [{ to: 'customer', message: { type: 'guidance', kind: msg.kind } }],
      };
  }
}

/** Chat and guidance frames one role may send per window. */
export const IN_CALL_BURST = 5;
export const IN_CALL_WINDOW_MS = 1000;

/**
 * A sliding window per key (the relay keys it by role, so a reconnect keeps it). Kept in memory
 * only: after the Durable Object is evicted the budget starts fresh, which is harmless (the window
 * is a second; an object is evicted only after seconds without a frame).
 */
export class InCallRateLimit {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly burst = IN_CALL_BURST,
    private readonly windowMs = IN_CALL_WINDOW_MS,
  ) {}

  /** Takes one unit of `key`'s budget at `now` (ms), or refuses without taking any. */
  allow(key: string, now: number): boolean {
    const recent = (this.sent.get(key) ?? []).filter((t) => now - t < this.windowMs);
    const ok = recent.length < this.burst;
    if (ok) recent.push(now);
    this.sent.set(key, recent);
    return ok;
  }
}
