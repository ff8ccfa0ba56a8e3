import { STILL_REQUEST_TTL_MS, type CaptureKind, type ServerMessage, type StillFailureCode } from '@vident/protocol';

/*
 * The agent's view of the stills its captures ask of the customer's device (issue 17): each
 * capture button also sends `still-request`; the customer's page answers through the session with
 * `still-stored` (sealed for the bank: the agent sees its size, never its pixels) or `still-failed`
 * (a code). The agent's own capture of the received video stands either way. Pure.
 */

/** Why no still came: the customer's code, or no answer within the request's lifetime. */
export type StillMissingCode = StillFailureCode | 'timeout';

export type CustomerStill =
  | { status: 'requested'; at: number }
  | { status: 'stored'; artifactId: string; width: number; height: number }
  | { status: 'failed'; code: StillMissingCode };

export type CustomerStills = Readonly<Partial<Record<CaptureKind, CustomerStill>>>;

/** A request is given up on the agent's page a little after the session lets it lapse. */
export const STILL_WAIT_MS = STILL_REQUEST_TTL_MS + 5_000;

export function stillRequested(stills: CustomerStills, kind: CaptureKind, now: number): CustomerStills {
  return { ...stills, [kind]: { status: 'requested', at: now } };
}

/** Applies the session's answer about the customer's still. */
export function stillAnswered(stills: CustomerStills, msg: Extract<ServerMessage, { type: 'still-stored' | 'still-failed' }>): CustomerStills {
  if (msg.type === 'still-stored') {
    return { ...stills, [msg.kind]: { status: 'stored', artifactId: msg.artifactId, width: msg.width, height: msg.height } };
  }
  // A failure of an older request must not hide a still stored since.
  if (stills[msg.kind]?.status === 'stored') return stills;
  return { ...stills, [msg.kind]: { status: 'failed', code: msg.code } };
}

/** What to show for a kind at `now`: a request unanswered for STILL_WAIT_MS counts as failed. */
export function shownStill(still: CustomerStill | undefined, now: number): CustomerStill | null {
  if (still === undefined) return null;
  if (still.status === 'requested' && now - still.at >= STILL_WAIT_MS) return { status: 'failed', code: 'timeout' };
  return still;
}
