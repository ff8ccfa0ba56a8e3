/*
 * How Janus failures reach the rest of the media node: one error type carrying Janus's reason and
 * code, the VideoRoom codes the command layer acts on, and the refused-connection test the Janus
 * connection uses to tell a stopped Janus from a slow one.
 */

/** A request Janus refused (or a transport failure); `reason` is safe to show the control plane. */
export class JanusError extends Error {
  override name = 'JanusError';
  constructor(
    readonly reason: string,
    /** Janus / VideoRoom error code when Janus gave one (e.g. 426 no such room). */
    readonly janusCode: number | undefined,
  ) {
    super(reason);
  }
}

/** VideoRoom error codes (janus_videoroom.c) the media node acts on. */
export const VIDEOROOM_NO_SUCH_ROOM = 426;
export const VIDEOROOM_ROOM_EXISTS = 427;
export const VIDEOROOM_NO_SUCH_FEED = 428;
export const VIDEOROOM_ID_EXISTS = 436;

/**
 * A connection attempt refused outright: nothing listens on Janus's address, so the Janus process
 * is not running (a Janus that is merely slow or unreachable over the network times out instead).
 */
export function janusRefusedConnection(err: unknown): boolean {
  return err instanceof Error && /\bECONNREFUSED\b/.test(err.message);
}
