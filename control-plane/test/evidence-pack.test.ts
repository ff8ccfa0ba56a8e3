import { ArtifactList, ErrorBody, EvidencePack, EvidenceSigningKey, RECORDING_CONSENT_VERSION, sha256Hex, verifyEvidencePack } from '@vident/protocol';
import { SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signDownloadUrl } from '../src/evidence/download-url.ts';
import { TEST_EVIDENCE_PUBLIC_KEY } from './evidence-keys.ts';
import { auditActions, objectsOf, open, pattern, seal, uploadRecording } from './evidence-helpers.ts';
import { createSession, installFakeNode, nodeFetch, ORIGIN, Participant, registerNode, signedFetch, startCall, tokenOf, fullChecklist } from './helpers.ts';

/*
 * The bank's evidence pack: ready only when everything owed is stored, signed (Ed25519) over the
 * manifest, verifiable offline with the public signing key, each sealed file behind a short-lived
 * link that opens with the bank's private key.
 */

installFakeNode();
const NODE = 'node-pack';
const TOKEN_SECRET = 'test-token-secret-0123456789abcdef';

beforeEach(async () => {
  await registerNode(NODE);
});

afterEach(() => Participant.closeAll());

async function errorOf(res: Response): Promise<[number, string, string]> {
  const body = ErrorBody.parse(await res.json());
  return [res.status, body.error.code, body.error.message];
}

async function fetchPack(sessionId: string): Promise<EvidencePack> {
  const res = await signedFetch('GET', `/v1/sessions/${sessionId}/evidence`);
  expect(res.status, await res.clone().text()).toBe(200);
  return EvidencePack.parse(await res.json());
}

/** A recorded call with a capture, decided approved; both recordings are still owed. */
async function decidedCall() {
  const s = await createSession({ externalRef: 'case-pack' });
  const { customer, agent } = await startCall(s);
  const still = pattern(5000, 3);
  const capture = await SELF.fetch(`${ORIGIN}/v1/sessions/${s.sessionId}/captures?capture=face`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf(s.agentUrl)}` },
    body: await seal(still, 'image/jpeg'),
  });
  expect(capture.status).toBe(201);
  const [status, code, message] = await errorOf(await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`));
  expect([status, code]).toEqual([409, 'evidence_not_ready']);
  expect(message).toContain('still active');
  agent.send({ type: 'decide', decision: 'approved', reasonCodes: [], note: 'matches', checklist: fullChecklist() });
  await customer.next('session-ended');
  return { s, still };
}

describe('evidence pack', () => {
  it('is not ready until every recording is stored, then verifies offline and opens with the bank key', async () => {
    const { s, still } = await decidedCall();
    const [, code, message] = await errorOf(await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`));
    expect(code).toBe('evidence_not_ready');
    expect(message).toContain("customer's recording segment 1");
    expect(message).toContain("agent's recording segment 1");

    const plain = { customer: pattern(9000, 1), agent: pattern(7000, 2) };
    await uploadRecording(NODE, s.sessionId, 'customer', 1, plain.customer);
    expect((await errorOf(await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`)))[2]).toContain("agent's recording segment 1");
    await uploadRecording(NODE, s.sessionId, 'agent', 1, plain.agent);

    const pack = await fetchPack(s.sessionId);
    const { manifest } = pack.signed;
    expect(manifest).toMatchObject({
      v: 1,
      sessionId: s.sessionId,
      externalRef: 'case-pack',
      state: 'decided',
      outcome: { state: 'decided', decision: 'approved', note: 'matches' },
      consent: { version: RECORDING_CONSENT_VERSION },
      audit: { length: pack.audit.length, head: pack.audit.at(-1)!.hash },
    });
    expect(manifest.artifacts.map((a) => a.fileName).sort()).toEqual([
      expect.stringMatching(/^capture-face-cap-/),
      'recording-agent-01.webm.venc',
      'recording-customer-01.webm.venc',
    ]);
    // The audit trail the manifest covers says the pack became ready; the access is recorded after it.
    expect(pack.audit.map((e) => e.action)).toContain('evidence.ready');
    expect((await auditActions(s.sessionId)).at(-1)).toBe('evidence.accessed');

    const key = EvidenceSigningKey.parse(await (await SELF.fetch(`${ORIGIN}/v1/evidence/signing-key`)).json());
    expect(key).toMatchObject({ alg: 'Ed25519', keyId: manifest.signingKeyId, publicKey: TEST_EVIDENCE_PUBLIC_KEY });

    // Download every file through its link (unsigned), as the bank's CLI would.
    const files = new Map<string, Uint8Array>();
    for (const d of pack.downloads) {
      expect(Date.parse(d.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
      const res = await SELF.fetch(d.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain(d.fileName);
      files.set(d.fileName, new Uint8Array(await res.arrayBuffer()));
    }
    const check = await verifyEvidencePack({ signed: pack.signed, audit: pack.audit, publicKey: key.publicKey }, async (name) =>
      files.has(name) ? sha256Hex(files.get(name)!) : null,
    );
    expect(check).toEqual({ ok: true });
    expect((await open(files.get('recording-customer-01.webm.venc')!)).plain).toEqual(plain.customer);
    expect((await open(files.get('recording-agent-01.webm.venc')!)).plain).toEqual(plain.agent);
    const captureFile = [...files.keys()].find((n) => n.startsWith('capture-face'))!;
    expect(await open(files.get(captureFile)!)).toMatchObject({ contentType: 'image/jpeg', plain: still });

    // A tampered manifest, a missing or altered file, or a shortened audit trail fail verification.
    const tampered = structuredClone(pack.signed);
    tampered.manifest.outcome = { state: 'decided', decision: 'rejected', reasonCodes: ['ID_MISMATCH'], note: 'matches', decidedBy: 'agent' };
    const sha = async (name: string) => (files.has(name) ? sha256Hex(files.get(name)!) : null);
    expect(await verifyEvidencePack({ signed: tampered, audit: pack.audit, publicKey: key.publicKey }, sha)).toMatchObject({ ok: false, problem: 'signature' });
    const altered = async (name: string) => (name === captureFile ? sha256Hex(pattern(10, 9)) : sha(name));
    expect(await verifyEvidencePack({ signed: pack.signed, audit: pack.audit, publicKey: key.publicKey }, altered)).toMatchObject({ ok: false, problem: 'artifact' });
    expect(await verifyEvidencePack({ signed: pack.signed, audit: pack.audit.slice(1), publicKey: key.publicKey }, sha)).toMatchObject({ ok: false });
  });

  it('download links expire, cannot be forged or moved to another artifact', async () => {
    const { s } = await decidedCall();
    await uploadRecording(NODE, s.sessionId, 'customer', 1);
    await uploadRecording(NODE, s.sessionId, 'agent', 1);
    const pack = await fetchPack(s.sessionId);
    const [first, second] = pack.downloads as [EvidencePack['downloads'][0], EvidencePack['downloads'][0]];
    const url = new URL(first.url);
    expect(url.origin).toBe(ORIGIN);
    const sig = url.searchParams.get('sig')!;
    const forged = `${url.origin}${url.pathname}?expires=${url.searchParams.get('expires')}&sig=${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect((await errorOf(await SELF.fetch(forged))).slice(0, 2)).toEqual([401, 'signature_invalid']);
    const later = `${url.origin}${url.pathname}?expires=${Number(url.searchParams.get('expires')) + 3600}&sig=${sig}`;
    expect((await errorOf(await SELF.fetch(later))).slice(0, 2)).toEqual([401, 'signature_invalid']);
    const moved = `${url.origin}/v1/evidence/${s.sessionId}/${second.artifactId}${url.search}`;
    expect((await errorOf(await SELF.fetch(moved))).slice(0, 2)).toEqual([401, 'signature_invalid']);
    expect((await errorOf(await SELF.fetch(`${url.origin}${url.pathname}`))).slice(0, 2)).toEqual([401, 'unauthorized']);
    const expired = await signDownloadUrl({ baseUrl: ORIGIN, sessionId: s.sessionId, artifactId: first.artifactId, tokenSecret: TOKEN_SECRET, now: Date.now() - 301_000 });
    expect((await errorOf(await SELF.fetch(expired.url))).slice(0, 2)).toEqual([403, 'forbidden']);
    // A link minted with the participant-token secret itself (no derivation) is not valid either.
    const underived = await signDownloadUrl({ baseUrl: ORIGIN, sessionId: s.sessionId, artifactId: first.artifactId, tokenSecret: 'another-secret-0123456789abcdef', now: Date.now() });
    expect((await errorOf(await SELF.fetch(underived.url))).slice(0, 2)).toEqual([401, 'signature_invalid']);
    // Read to the end: an unread download's R2 body is cancelled whenever it is collected, which
    // workerd logs as "pump canceled" (seen in a full run while this file ran; not reproduced alone).
    const valid = await SELF.fetch(first.url);
    expect(valid.status).toBe(200);
    expect((await valid.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('counts a recording the node reported failed as settled', async () => {
    const { s } = await decidedCall();
    const failed = await nodeFetch(NODE, `/v1/nodes/${NODE}/events`, { type: 'recording-failed', sessionId: s.sessionId, participant: 'agent', message: 'janus-pp-rec failed' });
    expect(failed.status).toBe(200);
    await uploadRecording(NODE, s.sessionId, 'customer', 1);
    const pack = await fetchPack(s.sessionId);
    expect(pack.signed.manifest.artifacts.map((a) => a.kind).sort()).toEqual(['capture', 'recording']);
    expect(pack.audit.map((e) => e.action)).toContain('recording.failed');
  });

  it('the bank deletes the evidence of an ended session only: objects gone, audited, links dead', async () => {
    const { s } = await decidedCall();
    await uploadRecording(NODE, s.sessionId, 'customer', 1);
    await uploadRecording(NODE, s.sessionId, 'agent', 1);
    const pack = await fetchPack(s.sessionId);
    expect(await objectsOf(s.sessionId)).toHaveLength(3);

    const active = await createSession();
    expect((await errorOf(await signedFetch('DELETE', `/v1/sessions/${active.sessionId}/evidence`))).slice(0, 2)).toEqual([409, 'conflict']);

    const res = await signedFetch('DELETE', `/v1/sessions/${s.sessionId}/evidence`);
    expect(res.status).toBe(200);
    const { artifacts } = ArtifactList.parse(await res.json());
    expect(artifacts).toHaveLength(3);
    expect(artifacts.every((a) => a.state === 'deleted' && a.deletedAt !== null)).toBe(true);
    expect(await objectsOf(s.sessionId)).toEqual([]);
    expect((await errorOf(await signedFetch('GET', `/v1/sessions/${s.sessionId}/evidence`))).slice(0, 2)).toEqual([410, 'evidence_deleted']);
    expect((await errorOf(await SELF.fetch(pack.downloads[0]!.url))).slice(0, 2)).toEqual([410, 'evidence_deleted']);
    // Repeating it changes nothing; the deletion is in the audit trail exactly once.
    expect((await signedFetch('DELETE', `/v1/sessions/${s.sessionId}/evidence`)).status).toBe(200);
    const trail = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}/audit`)).json()) as { entries: Array<{ action: string; detail: unknown }> };
    expect(trail.entries.filter((e) => e.action === 'evidence.deleted')).toEqual([expect.objectContaining({ detail: { reason: 'bank', artifacts: 3 } })]);
    // A node still holding an upload for this session is told to drop it.
    const late = await nodeFetch(NODE, `/v1/nodes/${NODE}/uploads`, {
      artifactId: `rec-${s.sessionId.slice(0, 8)}-agent-9-00000000`,
      sessionId: s.sessionId,
      participant: 'agent',
      segment: 9,
      contentType: 'video/webm',
      size: 10,
      sha256: 'a'.repeat(64),
      bankKeyId: artifacts[0]!.bankKeyId,
      partSize: 5 * 1024 * 1024,
      startedAt: new Date().toISOString(),
      durationMs: 1,
    });
    expect((await errorOf(late)).slice(0, 2)).toEqual([410, 'evidence_deleted']);
  });
});
