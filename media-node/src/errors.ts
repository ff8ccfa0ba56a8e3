import type { ErrorCode } from '@vident/protocol';

/** The one error type of the media node: a stable machine-readable code plus an HTTP status. */
export class MediaNodeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'MediaNodeError';
  }
}

export const notFound = (message: string) => new MediaNodeError('not_found', message, 404);
export const conflict = (message: string) => new MediaNodeError('conflict', message, 409);
/** Janus refused or is unreachable; `reason` is Janus's own reason text (never a secret). */
export const janusFailure = (reason: string) => new MediaNodeError('media_node_error', reason, 502);
/**
 * This node cannot carry media at all right now (its Janus is down): 503, which tells the control
 * plane to move the session to another node rather than report a failed request.
 */
export const janusUnavailable = () => new MediaNodeError('media_node_error', 'janus is not connected', 503);
