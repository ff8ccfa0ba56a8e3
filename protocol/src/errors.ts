import * as z from 'zod/mini';
import { en } from 'zod/locales';

/** Stable, machine-readable error codes. Clients branch on these, never on messages. */
export const ErrorCode = z.enum([
  'bad_request',
  'invalid_json',
  'validation_failed',
  'unauthorized',
  'signature_invalid',
  'timestamp_out_of_window',
  'unknown_key',
  'key_revoked',
  /** A media node id the platform team has not enrolled (POST /v1/admin/nodes). */
  'node_not_enrolled',
  /** A media node registering with a command URL other than the one it was enrolled with. */
  'node_url_mismatch',
  /** A media node's answer to a command that is not signed by it for that command. */
  'answer_unauthenticated',
  'request_replayed',
  'token_invalid',
  'token_expired',
  /**
   * A token that verifies but no longer admits its holder: an agent link of a session given to
   * another agent (or released), the bank's agent link once a desk agent has the session, or any
   * token of an agent the bank revoked.
   */
  'token_revoked',
  'forbidden',
  'not_found',
  'conflict',
  'session_ended',
  'invalid_transition',
  'no_media_node',
  'media_node_error',
  'payload_too_large',
  'checksum_mismatch',
  'consent_required',
  /** Too many messages in a short time (e.g. in-call chat); wait and try again. */
  'rate_limited',
  /** A per-session cap is reached (chat lines, captures, recording segments, audit rows): no more of these in this session. */
  'limit_reached',
  /** An approval while a bank check named in REQUIRED_BANK_CHECKS has not passed (POST /v1/sessions/:id/checks). */
  'bank_check_required',
  /** A face-match result computed with other thresholds than the session's configured ones (FACE_MATCH_THRESHOLD, FACE_MATCH_NO_MATCH_THRESHOLD). */
  'thresholds_mismatch',
  /** A still from the customer's device that the agent did not ask for (no outstanding `still-request` of that id and kind). */
  'still_not_requested',
  /** An approval while the session's one-time code is not verified (issue 15). */
  'one_time_code_required',
  /** A one-time code entered when none is open (none issued, already verified, failed or expired). */
  'one_time_code_closed',
  /** An approval while the agent's quality gate is red (issue 15): the video is below the configured quality. */
  'quality_gate_red',
  /**
   * A media node's upload part or complete URL that the control plane did not make for this node and
   * artifact (forged, altered, or made under another secret): start the upload again for new ones.
   */
  'upload_url_invalid',
  /** A media node's upload part or complete URL past its expiry: start the upload again for new ones. */
  'upload_url_expired',
  'evidence_not_ready',
  'evidence_deleted',
  'not_configured',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The one error body every HTTP API of vident answers with. */
export const ErrorBody = z.object({
  error: z.object({ code: ErrorCode, message: z.string() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * zod's English issue texts for every schema of this process: what `describeIssues` puts in an API's
 * `validation_failed` message and in logs. zod/mini sets no locale of its own (its texts are a generic
 * "Invalid input"), so each server entry (the Worker, the sidecar, the CLI) calls this once at start,
 * rather than leaning on zod's classic build setting English when its first schema is built. The pages
 * do not: they show their own localized texts, and their bundles stay without zod's locale.
 */
export function useEnglishIssueMessages(): void {
  z.config(en());
}

/** Formats zod issues into one short human-readable line (no input values echoed). */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
