import type { CaptureKind } from '@vident/protocol';
import type { CaptureBlocker } from './capture-flow.ts';
import type { StillMissingCode } from './customer-stills.ts';
import type { CaptureFailureCode } from './capture-upload.ts';
import type { MessageKey } from './i18n.ts';

/* Which i18n text the capture panel shows for a kind, a blocker or a failure. */

/** Key of the label of a capture kind. */
export function captureKindKey(kind: CaptureKind): MessageKey {
  return `capture.kind.${kind}`;
}

/** Key of the reason the capture buttons are disabled. */
export function captureBlockerKey(blocker: CaptureBlocker): MessageKey {
  return `capture.blocked.${blocker}`;
}

/** Key of what the agent is told when a capture fails; server codes are grouped by what helps. */
export function captureFailureKey(code: CaptureFailureCode): MessageKey {
  switch (code) {
    case 'no_frame':
      return 'capture.error.noFrame';
    case 'encode_failed':
      return 'capture.error.encode';
    case 'not_configured':
      return 'capture.error.key';
    case 'payload_too_large':
      return 'capture.error.tooLarge';
    case 'network':
      return 'capture.error.network';
    case 'unauthorized':
    case 'token_invalid':
    case 'token_expired':
    case 'token_revoked':
    case 'forbidden':
      return 'capture.error.forbidden';
    case 'session_ended':
    case 'not_found':
    case 'invalid_transition':
      return 'capture.error.session';
    case 'checksum_mismatch':
    case 'validation_failed':
    case 'bad_request':
    case 'invalid_json':
    case 'conflict':
      return 'capture.error.rejected';
    default:
      return 'capture.error.server';
  }
}

/** Key of why the customer's device delivered no still (the agent's capture panel). */
export function stillReasonKey(code: StillMissingCode): MessageKey {
  return `capture.still.reason.${code}`;
}
