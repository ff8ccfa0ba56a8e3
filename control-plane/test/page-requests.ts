import { SELF } from 'cloudflare:test';
import { ORIGIN } from './helpers.ts';

/*
 * What a participant's page posts under /v1/sessions/:id/ outside the socket (the pre-call check, the
 * network probe and its result), for the tests of those routes and of the funnel they feed.
 */

/** A data-channel-only offer, as the customer's page sends it for its network check (`probe`): protocol's test fixture. */
export { PROBE_OFFER } from '@vident/protocol/test-fixtures';

/**
 * A JSON POST to /v1/sessions/:id/<path> with a participant's token (null: none) as the bearer; a
 * string body is sent as it is (for malformed JSON).
 */
export function participantPost(sessionId: string, path: string, token: string | null, body: unknown): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/v1/sessions/${sessionId}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
