import { NONCE_PATTERN, SIGNATURE_HEADERS, SIGNATURE_WINDOW_SECONDS } from '@vident/protocol';
import { MAX_BODY_BYTES } from '../base/http-error.ts';

/*
 * The request signature of the bank and admin API as OpenAPI security schemes. OpenAPI has no
 * scheme type for an HMAC over the request, so each of the three required headers is an apiKey
 * scheme (a signed operation requires all three) and the algorithm is spelled out in the
 * description, precisely enough to implement it without reading our code (protocol/src/signing.ts).
 */

/** SHA-256 of the empty body, the hash a GET or DELETE signs (checked by the OpenAPI test). */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const header = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/** The signing scheme in full (markdown), shown on the signature scheme and in info.description. */
export const SIGNING_DESCRIPTION = [
  `**HMAC-SHA256 request signature** (every \`/v1\` route marked with the \`videntSignature\`, \`videntKeyId\` and \`videntTimestamp\` schemes). Send on each request:`,
  '',
  `- \`${header(SIGNATURE_HEADERS.keyId)}\`: your key id (a bank key of BANK_API_KEYS; the admin routes take only ADMIN_API_KEYS keys). An unknown id is 401 \`unknown_key\`, a revoked one 401 \`key_revoked\`.`,
  `- \`${header(SIGNATURE_HEADERS.timestamp)}\`: the current time in Unix seconds, decimal digits only (at most 12). More than ${SIGNATURE_WINDOW_SECONDS} s from the server's clock either way is 401 \`timestamp_out_of_window\`.`,
  `- \`${header(SIGNATURE_HEADERS.nonce)}\` (optional, recommended): a fresh random value per request, ${NONCE_PATTERN.source.replace(/^\^|\$$/g, '')} (16..64 of letters, digits, \`_\` and \`-\`). Anything else is 401 \`signature_invalid\`.`,
  `- \`${header(SIGNATURE_HEADERS.signature)}\`: \`hex(HMAC-SHA256(key, canonical))\`, 64 hex digits (lowercase by convention; the case is not significant), where key is the UTF-8 bytes of the key's secret, as configured (not decoded).`,
  '',
  'The canonical request is four or five lines joined by a single `\\n` (LF), with no trailing newline:',
  '',
  '```',
  'METHOD',
  'PATH_WITH_QUERY',
  'TIMESTAMP',
  'NONCE            (this line only when X-Vident-Nonce is sent)',
  'BODY_SHA256',
  '```',
  '',
  '- `METHOD`: the HTTP method in upper case (`GET`, `POST`, `PATCH`, `DELETE`).',
  '- `PATH_WITH_QUERY`: the path and, when there is one, `?` and the query string, exactly as sent, without scheme or host (`/v1/sessions?state=waiting&limit=10`). The server signs the URL as it parses it: percent-encode paths and queries before signing.',
  '- `TIMESTAMP`, `NONCE`: the values of those headers.',
  `- \`BODY_SHA256\`: lowercase hex SHA-256 of the exact body bytes sent (no body: of zero bytes, \`${EMPTY_BODY_SHA256}\`). Bodies over ${MAX_BODY_BYTES} bytes are 413 \`payload_too_large\`.`,
  '',
  'A wrong signature is 401 `signature_invalid`; missing headers 401 `unauthorized`. Each signature is accepted once: the same signed request again within the window is 401 `request_replayed`, so sign each retry anew (a retry of POST /v1/sessions keeps its `Idempotency-Key`). The nonce lets two otherwise identical requests in the same second sign differently.',
  '',
  'Example: `POST /v1/sessions` at 1796290000 with nonce `Q2xpZW50Tm9uY2UwMDAx` signs',
  '`"POST\\n/v1/sessions\\n1796290000\\nQ2xpZW50Tm9uY2UwMDAx\\n" + hex(sha256(body))`.',
  '`signRequest` in @vident/protocol (TypeScript) implements it; docs/INTEGRATION.md has Java, Python and shell versions, and protocol/test-vectors/signing.json published inputs with their canonical strings and signatures to check an implementation against.',
].join('\n');

export const signatureSecuritySchemes = {
  videntKeyId: { type: 'apiKey', in: 'header', name: SIGNATURE_HEADERS.keyId, description: 'The key id the request is signed with. See videntSignature for the scheme.' },
  videntTimestamp: { type: 'apiKey', in: 'header', name: SIGNATURE_HEADERS.timestamp, description: `Unix seconds; within ${SIGNATURE_WINDOW_SECONDS} s of the server's clock. See videntSignature for the scheme.` },
  videntSignature: { type: 'apiKey', in: 'header', name: SIGNATURE_HEADERS.signature, description: SIGNING_DESCRIPTION },
};

