import * as z from 'zod/mini';

/*
 * How a participant's media reaches the media node. `direct`: ICE-TCP straight to Janus, the only
 * candidates exchanged are TCP ones. `relay`: through the deployment's TURN server, which the
 * browser reaches over TCP or TLS (still no UDP on the participant's side); the TURN server talks
 * to Janus over UDP inside the operator's network, because browsers only ever request UDP relay
 * allocations. A page starts `direct` and falls back to `relay` when direct ICE-TCP fails (e.g. a
 * proxy that lets only port 443 through).
 */
export const MediaTransport = z.enum(['direct', 'relay']);
export type MediaTransport = z.infer<typeof MediaTransport>;

/** A TURN server for the browser's RTCPeerConnection (turn:/turns: URLs, TCP or TLS only). */
export const IceServer = z.strictObject({
  urls: z
    .array(z.string().check(z.maxLength(256), z.regex(/^turns?:[^\s?]+\?transport=tcp$/, 'a turn: or turns: URL with ?transport=tcp')))
    .check(z.minLength(1), z.maxLength(8)),
  /** TURN REST API username `<expiry unix seconds>:<label>`. */
  username: z.string().check(z.minLength(1), z.maxLength(128)),
  /** base64(HMAC-SHA1(shared secret, username)): valid until the username's expiry only. */
  credential: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type IceServer = z.infer<typeof IceServer>;
