import { canonicalRequest, PART_SHA256_HEADER, parseEnvelopeHeader, sha256Hex, signCanonical, SIGNATURE_HEADERS, uploadPartUrl, UploadStatus } from '@vident/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditActions, objectsOf, pattern, seal, uploadStart } from './evidence-helpers.ts';
import { call, signedCall, wellFormed } from './fuzz-helpers.ts';
import { clearIndexes, createSession, nodeSigning, ORIGIN, registerNode, tokenOf } from './helpers.ts';

/*
 * Property-based hostile input at the evidence routes (uploads, parts, captures, downloads, the
 * bank's evidence routes), through the real Worker: never a 5xx, every refusal a known ErrorBody,
 * and nothing refused reaches the bucket or the session's audit trail.
 */

const NODE = 'node-hostile-ev';
const RUNS = 120;

vi.setConfig({ testTimeout: 60_000 });

let sessionId = '';
let agentToken = '';
let customerToken = '';

beforeAll(async () => {
  await clearIndexes();
  await registerNode(NODE, undefined, 100);
  const s = await createSession({ externalRef: 'hostile-evidence' });
  sessionId = s.sessionId;
  agentToken = tokenOf(s.agentUrl);
  customerToken = tokenOf(s.customerUrl);
});

afterAll(async () => {
  await clearIndexes();
});

/** A part PUT signed like a node signs it (over `signed`, declaring `declared`), or unsigned. */
async function partCall(path: string, body: Uint8Array<ArrayBuffer>, declared: string, sign: boolean, signed: Uint8Array = body): Promise<Response> {
  const headers: Record<string, string> = { [PART_SHA256_HEADER]: declared };
  if (sign) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomUUID().replace(/-/g, '');
    headers[SIGNATURE_HEADERS.keyId] = NODE;
    headers[SIGNATURE_HEADERS.timestamp] = timestamp;
    headers[SIGNATURE_HEADERS.nonce] = nonce;
    headers[SIGNATURE_HEADERS.signature] = await signCanonical((await nodeSigning(NODE)).secret, await canonicalRequest('PUT', path, timestamp, signed, nonce));
  }
  return call(`${ORIGIN}${path}`, { method: 'PUT', headers, body });
}

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const segment = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,70}$/), fc.string({ maxLength: 20 }).map(encodeURIComponent), fc.constantFrom('..', '%2e%2e', '__proto__'));

describe('hostile input at the evidence routes', () => {
  it('random upload starts: only a valid one opens an upload', async () => {
    const sealed = await seal(pattern(64, 1));
    const valid = await uploadStart(sessionId, 'customer', 1, sealed);
    const body = fc.oneof(
      fc.json({ maxDepth: 2 }),
      fc
        .record(
          {
            artifactId: fc.oneof(fc.constant(valid.artifactId), segment),
            sessionId: fc.oneof(fc.constant(sessionId), fc.uuid(), fc.string({ maxLength: 10 })),
            participant: fc.oneof(fc.constantFrom('customer', 'agent'), fc.string({ maxLength: 8 })),
            segment: fc.oneof(fc.integer({ min: -2, max: 1002 }), fc.string({ maxLength: 3 })),
            contentType: fc.string({ maxLength: 120 }),
            size: fc.oneof(fc.integer(), fc.double()),
            sha256: fc.oneof(hex64, fc.string({ maxLength: 70 })),
            bankKeyId: fc.oneof(hex64, fc.constant(valid.bankKeyId)),
            partSize: fc.oneof(fc.constant(valid.partSize), fc.integer()),
            startedAt: fc.oneof(fc.constant(valid.startedAt), fc.string({ maxLength: 30 })),
            durationMs: fc.anything(),
            __proto__: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((o) => JSON.stringify(o)),
    );
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const status = await wellFormed(await signedCall('POST', `/v1/nodes/${NODE}/uploads`, b, await nodeSigning(NODE)));
        expect([200, 400, 404, 409]).toContain(status);
        if (status === 200) opened++;
      }),
      { numRuns: RUNS },
    );
    // Whatever opened (only schema-valid starts can), nothing reached the bucket.
    expect(opened).toBeLessThan(RUNS);
    expect(await objectsOf(sessionId)).toEqual([]);
  });

  it('random parts (paths, hashes, bodies, signatures) never store a byte of a real upload', async () => {
    const sealed = await seal(pattern(3000, 2));
    const start = await uploadStart(sessionId, 'agent', 1, sealed);
    const started = await signedCall('POST', `/v1/nodes/${NODE}/uploads`, start, await nodeSigning(NODE));
    expect(started.status).toBe(200);
    // The part URLs the start answered (their grant names the session), and paths around them.
    const urls = UploadStatus.parse(await started.json()).urls!;
    const grant = `?${urls.part.split('?')[1]}`;
    const base = `/v1/nodes/${NODE}/uploads/${start.artifactId}/parts/`;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(uploadPartUrl(urls, 1)),
          fc.constant(uploadPartUrl(urls, 2)),
          segment.map((p) => `${base}${p}${grant}`),
          segment.map((a) => `/v1/nodes/${NODE}/uploads/${a}/parts/1${grant}`),
          fc.constant(`${base}1`),
          fc.string({ maxLength: 40 }).map((q) => `${base}1?${encodeURIComponent(q)}`),
        ),
        fc.uint8Array({ maxLength: 4000 }),
        fc.oneof(hex64, fc.string({ maxLength: 70 }).filter((h) => /^[\x20-\x7e]*$/.test(h))),
        fc.boolean(),
        async (path, body, declared, sign) => {
          // Never exactly the genuine part with its own hash: that one would rightly be stored.
          fc.pre(body.length !== sealed.length || declared !== start.sha256);
          const status = await wellFormed(await partCall(path, new Uint8Array(body), declared, sign));
          expect([400, 401, 403, 404, 409, 422]).toContain(status);
        },
      ),
      { numRuns: RUNS },
    );
    // A well-signed part of the right size whose bytes do not match what was declared.
    const res = await partCall(uploadPartUrl(urls, 1), pattern(sealed.length, 3), await sha256Hex(sealed), true, sealed);
    expect(await wellFormed(res)).toBe(422);
    const status = UploadStatus.parse(await (await signedCall('POST', `/v1/nodes/${NODE}/uploads`, start, await nodeSigning(NODE))).json());
    expect(status.parts).toEqual([]);
    expect((await auditActions(sessionId)).filter((a) => a.startsWith('artifact.'))).toEqual([]);
  });

  it('random capture bodies, tokens and kinds store nothing', async () => {
    const sealed = await seal(pattern(500, 4), 'image/jpeg');
    // Damage after an intact header (or inside its opaque fields) is the bank key's to detect (AES-GCM):
    // the control plane cannot read captures. What it can tell apart: the framing of the envelope.
    const headerLength = parseEnvelopeHeader(sealed).headerBytes.length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(agentToken), fc.constant(customerToken), fc.string({ maxLength: 80 }).filter((t) => /^[\x21-\x7e]*$/.test(t))),
        fc.oneof(fc.constantFrom('id_front', 'id_back', 'face'), fc.string({ maxLength: 10 }).map(encodeURIComponent)),
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          // The real envelope cut inside its header, or with its magic or header length damaged.
          fc.nat(headerLength - 1).map((i) => sealed.slice(0, i)),
          fc.tuple(fc.nat(7), fc.integer({ min: 1, max: 255 })).map(([at, bits]) => {
            const b = sealed.slice();
            b[at] = b[at]! ^ bits;
            return b;
          }),
        ),
        async (token, kind, body) => {
          const status = await wellFormed(
            await call(`${ORIGIN}/v1/sessions/${sessionId}/captures?capture=${kind}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body }),
          );
          // 409 still_not_requested: the customer's token without an outstanding still request (issue 17).
          expect([400, 401, 409]).toContain(status);
        },
      ),
      { numRuns: RUNS },
    );
    expect(await objectsOf(sessionId)).toEqual([]);
    expect((await auditActions(sessionId)).filter((a) => a === 'capture.stored')).toEqual([]);
  });

  it('random download links and evidence calls are refused cleanly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(sessionId), fc.uuid(), segment),
        segment,
        fc.webQueryParameters(),
        async (sid, artifact, query) => {
          const status = await wellFormed(await call(`${ORIGIN}/v1/evidence/${sid}/${artifact}?${query}`));
          expect([400, 401, 403, 404]).toContain(status);
        },
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      // No dot segments here: a normalized path would no longer match what was signed (401).
      fc.asyncProperty(fc.oneof(fc.constant(sessionId), fc.uuid(), fc.stringMatching(/^[a-z0-9-]{1,70}$/)), fc.constantFrom('artifacts', 'evidence'), fc.constantFrom('GET', 'DELETE'), async (sid, what, method) => {
        const status = await wellFormed(await signedCall(method, `/v1/sessions/${sid}/${what}`));
        expect([200, 400, 404, 409]).toContain(status);
      }),
      { numRuns: RUNS / 2 },
    );
  });
});
