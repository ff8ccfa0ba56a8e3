import type { GuidanceKind } from '@vident/protocol';
import { receiveGuidance, type ShownGuidance } from './in-call-tools.ts';

/**
 * The instruction over the customer's self-view, with its lifetime: `clear` or a newer instruction
 * replaces it, and it clears itself when it expires (GUIDANCE_TTL_MS) unless replaced meanwhile.
 * The rules are in-call-tools.ts; this owns the timer.
 */
export class ExpiringGuidance {
  shown: ShownGuidance | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `onExpired`: the instruction shown went away by itself. */
  constructor(private readonly onExpired: () => void) {}

  /** The agent's `guidance` message arrived. */
  receive(kind: GuidanceKind): void {
    clearTimeout(this.timer);
    const shown = receiveGuidance(kind, Date.now());
    this.shown = shown;
    if (shown === null) return;
    this.timer = setTimeout(() => {
      if (this.shown !== shown) return;
      this.shown = null;
      this.onExpired();
    }, shown.until - Date.now());
  }

  /** The call ended: nothing is shown any more. */
  stop(): void {
    clearTimeout(this.timer);
    this.shown = null;
  }
}
