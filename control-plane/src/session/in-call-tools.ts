import type { ClientMessage, ErrorCode, Role, ServerMessage } from '@vident/protocol';

/*
 * In-call chat and the agent's guidance overlays. Both land in the audit trail (the issue: chat is
 * "kept in the audit trail"), so a participant must not be able to flood it: each socket gets a
 * small sliding-window budget. Pure: the signaling relay audits and delivers what a step says.
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

/** Chat and guidance frames one socket may send per window. */
export const IN_CALL_BURST = 5;
export const IN_CALL_WINDOW_MS = 1000;

/**
 * A per-connection sliding window. Kept in memory only: after the Durable Object hibernates the
 * budget starts fresh, which is harmless (a flooding socket keeps the object awake anyway).
 */
export class InCallRateLimit {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly burst = IN_CALL_BURST,
    private readonly windowMs = IN_CALL_WINDOW_MS,
  ) {}

  /** Takes one unit of `connectionId`'s budget at `now` (ms), or refuses without taking any. */
  allow(connectionId: string, now: number): boolean {
    const recent = (this.sent.get(connectionId) ?? []).filter((t) => now - t < this.windowMs);
    const ok = recent.length < this.burst;
    if (ok) recent.push(now);
    this.sent.set(connectionId, recent);
    return ok;
  }

  /** The connection is gone: drop its history so the map stays bounded. */
  forget(connectionId: string): void {
    this.sent.delete(connectionId);
  }
}
