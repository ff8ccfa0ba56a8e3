/*
 * When a media leg breaks (its TCP connection cut, the node restarted) while signaling stays up,
 * nothing on the server notices: the page itself must recover. It does so by rejoining, which the
 * session's Durable Object already treats as a resume (both legs published and subscribed anew).
 * Pure rules here; the controller owns the timer.
 */

/** How long a leg may stay `disconnected` (ICE may still recover on its own) before the page rejoins. */
export const LEG_DISCONNECTED_GRACE_MS = 4000;
/** A `failed` leg will not come back by itself: rejoin almost at once. */
export const LEG_FAILED_GRACE_MS = 500;
/** Rejoins in a row without both legs ever connecting again, after which the page stops trying. */
export const MAX_MEDIA_RESTARTS = 5;

type LegState = RTCPeerConnectionState | null;

/** How long to wait before rejoining for these leg states; null when both legs are fine (or absent). */
export function mediaRestartDelayMs(publisher: LegState, subscriber: LegState): number | null {
  const states = [publisher, subscriber];
  if (states.includes('failed')) return LEG_FAILED_GRACE_MS;
  if (states.includes('disconnected')) return LEG_DISCONNECTED_GRACE_MS;
  return null;
}

/** Counts rejoins for broken media; a call whose legs both connect again starts over. */
export class MediaRestartBudget {
  private used = 0;

  /** Both legs are connected: the last rejoin worked. */
  healthy(): void {
    this.used = 0;
  }

  /** Takes one rejoin, or refuses once MAX_MEDIA_RESTARTS were spent without success. */
  take(): boolean {
    if (this.used >= MAX_MEDIA_RESTARTS) return false;
    this.used += 1;
    return true;
  }

  get exhausted(): boolean {
    return this.used >= MAX_MEDIA_RESTARTS;
  }
}
