import { ArtifactView, AuditTrail, ErrorBody, generateBankKeyPair, importBankPublicKey, MAX_CAPTURE_BYTES, sealBytes, sha256Hex } from '@vident/protocol';
import { SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_BANK_KEY_ID } from './evidence-keys.ts';
import { objectBytes, objectsOf, open, pattern, seal } from './evidence-helpers.ts';
import { createSession, installFakeNode, ORIGIN, Participant, registerNode, signedFetch, tokenOf } from './helpers.ts';

/*
 * The agent's captures: sealed in the browser for the bank's key, uploaded with the agent's
 * participant token, stored in R2 only while the call runs. The control plane never sees the image.
 */

installFakeNode();

beforeEach(async () => {
  await registerNode('node-captures');
});

afterEach(() => Participant.closeAll());

function postCapture(sessionId: string, token: string | null, body: BodyInit, capture = 'id_front'): Promise<Response> {
  return SELF.fetch(`${ORIGIN}/v1/sessions/${sessionId}/captures?capture=${capture}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });
}

async function refused(res: Response): Promise<[number, string]> {
  return [res.status, ErrorBody.parse(await res.json()).error.code];
}

/** A JPEG-sized stand-in: the control plane only ever sees it sealed. */
const still = pattern(180_000, 42);

describe('captures', () => {
  it('stores the agent’s sealed still; the bank key opens the stored object to the same bytes', async () => {
    const s = await createSession();
    const sealed = await seal(still, 'image/jpeg');
    const res = await postCapture(s.sessionId, tokenOf(s.agentUrl), sealed, 'id_front');
    expect(res.status).toBe(201);
    const artifact = ArtifactView.parse(await res.json());
    expect(artifact).toMatchObject({
      sessionId: s.sessionId,
      kind: 'capture',
      participant: 'customer',
      capture: 'id_front',
      segment: null,
      contentType: 'image/jpeg',
      size: sealed.length,
      sha256: await sha256Hex(sealed),
      bankKeyId: TEST_BANK_KEY_ID,
      state: 'stored',
      offsetMs: null,
    });
    expect(artifact.artifactId).toMatch(new RegExp(`^cap-${s.sessionId.slice(0, 8)}-id-front-[0-9a-f]{8}$`));
    expect(artifact.fileName).toBe(`capture-id_front-${artifact.artifactId}.venc`);
    const stored = await objectBytes(`sessions/${s.sessionId}/${artifact.artifactId}`);
    const opened = await open(stored!);
    expect(opened.contentType).toBe('image/jpeg');
    expect(await sha256Hex(opened.plain)).toBe(await sha256Hex(still));

    const face = await postCapture(s.sessionId, tokenOf(s.agentUrl), await seal(pattern(1000, 43), 'image/png'), 'face');
    expect(face.status).toBe(201);
    const list = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/artifacts`)).json()) as { artifacts: ArtifactView[] };
    expect(list.artifacts.map((a) => a.capture).sort()).toEqual(['face', 'id_front']);
    const trail = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json());
    expect(trail.entries.filter((e) => e.action === 'capture.stored')).toEqual([
      expect.objectContaining({ actor: 'agent', detail: { artifactId: artifact.artifactId, capture: 'id_front', sha256: artifact.sha256, size: artifact.size } }),
      expect.objectContaining({ actor: 'agent', detail: expect.objectContaining({ capture: 'face' }) }),
    ]);
  });

  it('refuses the customer, other sessions, bad envelopes, other keys, oversized bodies and ended sessions', async () => {
    const s = await createSession();
    const other = await createSession();
    const sealed = await seal(still, 'image/jpeg');
    expect(await refused(await postCapture(s.sessionId, tokenOf(s.customerUrl), sealed))).toEqual([403, 'forbidden']);
    expect(await refused(await postCapture(s.sessionId, null, sealed))).toEqual([401, 'token_invalid']);
    expect(await refused(await postCapture(s.sessionId, tokenOf(other.agentUrl), sealed))).toEqual([401, 'token_invalid']);
    const agent = tokenOf(s.agentUrl);
    expect(await refused(await postCapture(s.sessionId, agent, sealed, 'selfie'))).toEqual([400, 'validation_failed']);
    // Plaintext (not an envelope), a truncated envelope, a video, another bank's key.
    expect(await refused(await postCapture(s.sessionId, agent, still))).toEqual([400, 'validation_failed']);
    expect(await refused(await postCapture(s.sessionId, agent, sealed.slice(0, 40)))).toEqual([400, 'validation_failed']);
    expect(await refused(await postCapture(s.sessionId, agent, await seal(still, 'video/webm')))).toEqual([400, 'validation_failed']);
    const foreignKey = await importBankPublicKey((await generateBankKeyPair(2048)).publicKeyPem);
    const foreign = await sealBytes(foreignKey, 'image/jpeg', still);
    const wrongKey = await postCapture(s.sessionId, agent, foreign);
    expect(await refused(wrongKey)).toEqual([400, 'validation_failed']);
    // Over MAX_CAPTURE_BYTES, with or without a Content-Length that says so.
    const huge = new Uint8Array(MAX_CAPTURE_BYTES + 1);
    huge.set(sealed.subarray(0, 1000));
    expect(await refused(await postCapture(s.sessionId, agent, huge))).toEqual([413, 'payload_too_large']);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 13; i++) controller.enqueue(new Uint8Array(1024 * 1024));
        controller.close();
      },
    });
    expect(await refused(await postCapture(s.sessionId, agent, streamed))).toEqual([413, 'payload_too_large']);
    expect(await objectsOf(s.sessionId)).toEqual([]);

    // Once the session has ended, no capture is taken, and none is left in the bucket.
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}`)).status).toBe(200);
    expect(await refused(await postCapture(s.sessionId, agent, sealed))).toEqual([409, 'session_ended']);
    expect(await objectsOf(s.sessionId)).toEqual([]);
  });
});
