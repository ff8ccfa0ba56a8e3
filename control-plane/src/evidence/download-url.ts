import { hmacSha256Hex, verifyHmacSha256Hex, type ErrorCode } from '@vident/protocol';
import { derivedKey } from '../base/derived-key.ts';

/*
 * Short-lived, unsigned-to-fetch download links of evidence artifacts:
 *
 *   <base>/v1/evidence/<sessionId>/<artifactId>?expires=<unix seconds>&sig=<hex>
 *   sig = HMAC-SHA256(downloadKey, "<sessionId>\n<artifactId>\n<expires>")
 *   downloadKey = hex HMAC-SHA256(TOKEN_SECRET, DERIVATION_LABEL)
 *
 * The derived key keeps these MACs in their own domain: a participant token's MAC can never pass as
 * a download signature, nor the other way round. A link names one artifact and dies after
 * DOWNLOAD_URL_TTL_SECONDS; what it opens is still sealed with the bank's key.
 */

export const DOWNLOAD_URL_TTL_SECONDS = 300;
const DERIVATION_LABEL = 'vident/evidence-download/v1';

const downloadKey = (tokenSecret: string) => derivedKey(tokenSecret, DERIVATION_LABEL);

const signedText = (sessionId: string, artifactId: string, expires: number) => `${sessionId}\n${artifactId}\n${expires}`;

export interface DownloadLink {
  url: string;
  /** ISO time the link stops working. */
  expiresAt: string;
}

/** A link to one artifact, valid until now + DOWNLOAD_URL_TTL_SECONDS. */
export async function signDownloadUrl(input: { baseUrl: string; sessionId: string; artifactId: string; tokenSecret: string; now: number }): Promise<DownloadLink> {
  const expires = Math.floor(input.now / 1000) + DOWNLOAD_URL_TTL_SECONDS;
  const sig = await hmacSha256Hex(await downloadKey(input.tokenSecret), signedText(input.sessionId, input.artifactId, expires));
  const path = `/v1/evidence/${encodeURIComponent(input.sessionId)}/${encodeURIComponent(input.artifactId)}`;
  return { url: `${input.baseUrl}${path}?expires=${expires}&sig=${sig}`, expiresAt: new Date(expires * 1000).toISOString() };
}

export type DownloadCheck = { ok: true } | { ok: false; code: ErrorCode; status: 401 | 403; message: string };

/**
 * Checks a link's query. The signature is checked before the expiry, so only a genuine link learns
 * that it expired. Never throws on hostile input.
 */
export async function verifyDownload(input: {
  sessionId: string;
  artifactId: string;
  expires: string | undefined;
  sig: string | undefined;
  tokenSecret: string;
  now: number;
}): Promise<DownloadCheck> {
  if (!input.expires || !input.sig || !/^\d{1,12}$/.test(input.expires) || !/^[0-9a-f]{64}$/.test(input.sig)) {
    return { ok: false, code: 'unauthorized', status: 401, message: 'a download link needs expires and sig' };
  }
  const expires = Number(input.expires);
  const good = await verifyHmacSha256Hex(await downloadKey(input.tokenSecret), signedText(input.sessionId, input.artifactId, expires), input.sig);
  if (!good) return { ok: false, code: 'signature_invalid', status: 401, message: 'the download link is not valid' };
  if (expires * 1000 <= input.now) return { ok: false, code: 'forbidden', status: 403, message: 'the download link has expired: ask for the evidence again' };
  return { ok: true };
}
