import { SELF } from 'cloudflare:test';
import { ORIGIN } from './helpers.ts';

/*
 * What a participant's page posts under /v1/sessions/:id/ outside the socket (the pre-call check, the
 * network probe and its result), for the tests of those routes and of the funnel they feed.
 */

/** A data-channel-only offer, as the customer's page sends it for its network check (`probe`). */
export const PROBE_OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=candidate:2 1 tcp 1518280447 10.213.7.2 9 typ host tcptype active generation 0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 AA:BB',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  '',
].join('\r\n');

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
