import { NodeApiPaths, SessionId, UPLOAD_PART_NUMBER_PLACEHOLDER, verifyHmacSha256Hex, hmacSha256Hex, type UploadUrls } from '@vident/protocol';
import { derivedKey } from '../base/derived-key.ts';

/*
 * The URLs a media node sends one upload's parts and completion to (issue 16). The start's answer
 * hands them out; they carry what a part needs, so the Worker asks no directory which session an
 * upload belongs to and streams a part with one call to that session (to record it):
 *
 *   /v1/nodes/<nodeId>/uploads/<artifactId>/parts/{partNumber}?<grant>
 *   /v1/nodes/<nodeId>/uploads/<artifactId>/complete?<grant>
 *   grant = session=<sessionId>&upload=<R2 upload id>&size=<bytes>&part-size=<bytes>&expires=<unix s>&sig=<hex>
 *   sig   = HMAC-SHA256(uploadKey, "<nodeId>\n<sessionId>\n<artifactId>\n<size>\n<partSize>\n<expires>\n<uploadId>")
 *   uploadKey = hex HMAC-SHA256(TOKEN_SECRET, DERIVATION_LABEL)
 *
 * The MAC binds the node and the artifact: a node cannot point a part at another node's upload or
 * another session, and a URL altered in any field is refused (`upload_url_invalid`). It is not a
 * bearer credential: every request is still signed with the node's own key, and the session still
 * decides whether the part counts (its node, its upload, not stored, evidence not deleted). The
 * upload id goes last because it is the one field of R2's making (every other field has a fixed
 * form without newlines), so the signed text reads back one way only.
 */

/** How long a set of upload URLs works; the node starts the upload again for new ones. */
export const UPLOAD_URL_TTL_SECONDS = 3600;
const DERIVATION_LABEL = 'vident/node-upload-url/v1';

/** What an upload's URLs grant: this node writes parts of this R2 upload of this artifact of this session. */
export interface UploadGrant {
  nodeId: string;
  sessionId: string;
  artifactId: string;
  /** The R2 multipart upload the parts go to. */
  uploadId: string;
  /** The sealed file's size and the part size: together they give each part's exact size. */
  size: number;
  partSize: number;
}

const signedText = (g: UploadGrant, expires: number) =>
  `${g.nodeId}\n${g.sessionId}\n${g.artifactId}\n${g.size}\n${g.partSize}\n${expires}\n${g.uploadId}`;

/** The part and complete URLs of an upload, valid until now + UPLOAD_URL_TTL_SECONDS. */
export async function signUploadUrls(grant: UploadGrant, tokenSecret: string, now: number): Promise<UploadUrls> {
  const expires = Math.floor(now / 1000) + UPLOAD_URL_TTL_SECONDS;
  const sig = await hmacSha256Hex(await derivedKey(tokenSecret, DERIVATION_LABEL), signedText(grant, expires));
  const query = new URLSearchParams({
    session: grant.sessionId,
    upload: grant.uploadId,
    size: String(grant.size),
    'part-size': String(grant.partSize),
    expires: String(expires),
    sig,
  }).toString();
  return {
    part: `${NodeApiPaths.uploads(grant.nodeId)}/${encodeURIComponent(grant.artifactId)}/parts/${UPLOAD_PART_NUMBER_PLACEHOLDER}?${query}`,
    complete: `${NodeApiPaths.uploadComplete(grant.nodeId, grant.artifactId)}?${query}`,
    expiresAt: new Date(expires * 1000).toISOString(),
  };
}

export type UploadUrlCheck = { ok: true; grant: UploadGrant } | { ok: false; code: 'upload_url_invalid' | 'upload_url_expired'; message: string };

const Digits = /^\d{1,15}$/;

/**
 * Checks the grant in a part or complete URL's query against the node and artifact its path names
 * (the caller has verified that the node signed the request). The MAC is checked before the expiry,
 * so only a genuine URL learns that it expired. Never throws on hostile input.
 */
export async function verifyUploadUrl(input: { nodeId: string; artifactId: string; query: URLSearchParams; tokenSecret: string; now: number }): Promise<UploadUrlCheck> {
  const q = (name: string) => input.query.get(name) ?? '';
  const [sessionId, uploadId, size, partSize, expires, sig] = ['session', 'upload', 'size', 'part-size', 'expires', 'sig'].map(q) as [string, string, string, string, string, string];
  const invalid = (message: string): UploadUrlCheck => ({ ok: false, code: 'upload_url_invalid', message });
  if (!SessionId.safeParse(sessionId).success || !uploadId || uploadId.length > 1024 || ![size, partSize, expires].every((d) => Digits.test(d)) || !/^[0-9a-f]{64}$/.test(sig)) {
    return invalid('this upload URL lacks the grant the upload start gave: start the upload again for its URLs');
  }
  const grant: UploadGrant = { nodeId: input.nodeId, sessionId, artifactId: input.artifactId, uploadId, size: Number(size), partSize: Number(partSize) };
  const good = await verifyHmacSha256Hex(await derivedKey(input.tokenSecret, DERIVATION_LABEL), signedText(grant, Number(expires)), sig);
  if (!good) return invalid('this upload URL was not made for this node and artifact: start the upload again for its URLs');
  if (Number(expires) * 1000 <= input.now) {
    return { ok: false, code: 'upload_url_expired', message: 'this upload URL has expired: start the upload again for new ones' };
  }
  return { ok: true, grant };
}
