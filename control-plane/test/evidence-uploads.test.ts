import { ArtifactView, AuditTrail, ErrorBody, MIN_PART_SIZE, sha256Hex, UploadedPart, uploadPartUrl, UploadStatus } from '@vident/protocol';
import { env } from 'cloudflare:workers';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  auditActions,
  completeUpload,
  objectBytes,
  objectsOf,
  open,
  pattern,
  putPart,
  seal,
  startUpload,
  uploadArtifact,
  uploadStart,
} from './evidence-helpers.ts';
import { clearIndexes, createSession, enrolNode, nodeFetch, registerNode, signedFetch } from './helpers.ts';
import { signUploadUrls, UPLOAD_URL_TTL_SECONDS } from '../src/evidence/upload-url.ts';

/*
 * The media node's resumable, checksummed uploads (POST uploads, PUT parts, POST complete) through
 * the real Worker, Durable Object and Miniflare's R2: what ends up stored is asserted byte for byte.
 */

const NODE = 'node-uploads';

// Multi-megabyte parts through workerd take a few seconds on a shared machine.
vi.setConfig({ testTimeout: 30_000 });

beforeAll(async () => {
  await clearIndexes();
});

beforeEach(async () => {
  // Room for every session this file places on it (a dozen).
  await registerNode(NODE, undefined, 20);
});

async function recordedSession(): Promise<string> {
  const s = await createSession({ externalRef: 'uploads' });
  const view = (await (await signedFetch('GET', `/v1/sessions/${s.sessionId}`)).json()) as { nodeId: string };
  expect(view.nodeId).toBe(NODE);
  return s.sessionId;
}

async function codeOf(res: Response): Promise<string> {
  return ErrorBody.parse(await res.json()).error.code;
}

async function statusOf(start: Parameters<typeof startUpload>[1]): Promise<UploadStatus> {
  const res = await startUpload(NODE, start);
  expect(res.status).toBe(200);
  return UploadStatus.parse(await res.json());
}

describe('node uploads', () => {
  it('stores a two-part artifact (5 MiB + tail) whose stored bytes are exactly the sealed file', async () => {
    const sessionId = await recordedSession();
    const plain = pattern(MIN_PART_SIZE + 300_000, 7);
    const sealed = await seal(plain);
    expect(sealed.length).toBeGreaterThan(MIN_PART_SIZE);
    const start = await uploadStart(sessionId, 'customer', 1, sealed);
    const status = await statusOf(start);
    expect(status).toEqual({ artifactId: start.artifactId, state: 'uploading', partSize: MIN_PART_SIZE, parts: [], urls: expect.anything() });
    // The part and complete URLs name this node, artifact and session.
    expect(status.urls!.part).toMatch(new RegExp(`^/v1/nodes/${NODE}/uploads/${start.artifactId}/parts/\\{partNumber\\}\\?session=${sessionId}&`));
    expect(status.urls!.complete).toMatch(new RegExp(`^/v1/nodes/${NODE}/uploads/${start.artifactId}/complete\\?session=${sessionId}&`));

    const first = sealed.slice(0, MIN_PART_SIZE);
    const put1 = await putPart(NODE, start.artifactId, 1, first);
    expect(UploadedPart.parse(await put1.json())).toEqual({ partNumber: 1, size: MIN_PART_SIZE, sha256: await sha256Hex(first) });
    const tail = sealed.slice(MIN_PART_SIZE);
    expect((await putPart(NODE, start.artifactId, 2, tail)).status).toBe(200);

    const done = await completeUpload(NODE, start.artifactId);
    expect(done.status).toBe(200);
    const artifact = ArtifactView.parse(((await done.json()) as { artifact: unknown }).artifact);
    expect(artifact).toMatchObject({
      artifactId: start.artifactId,
      sessionId,
      kind: 'recording',
      participant: 'customer',
      segment: 1,
      fileName: 'recording-customer-01.webm.venc',
      size: sealed.length,
      sha256: start.sha256,
      state: 'stored',
      nodeId: NODE,
    });
    const key = `sessions/${sessionId}/${start.artifactId}`;
    expect(await objectsOf(sessionId)).toEqual([key]);
    const stored = await objectBytes(key);
    expect(stored!.length).toBe(sealed.length);
    expect(await sha256Hex(stored!)).toBe(start.sha256);
    // Hashes, not toEqual: a deep comparison of megabytes element by element takes seconds.
    expect(await sha256Hex((await open(stored!)).plain)).toBe(await sha256Hex(plain));
    const audit = AuditTrail.parse(await (await signedFetch('GET', `/v1/sessions/${sessionId}/audit`)).json());
    expect(audit.entries.find((e) => e.action === 'artifact.stored')).toMatchObject({
      actor: `node:${NODE}`,
      detail: { artifactId: start.artifactId, kind: 'recording', participant: 'customer', segment: 1, sha256: start.sha256, size: sealed.length },
    });
  });

  it('resumes: starting again answers the parts already held, and a stored artifact says so', async () => {
    const sessionId = await recordedSession();
    const sealed = await seal(pattern(MIN_PART_SIZE + 10, 8));
    const start = await uploadStart(sessionId, 'agent', 1, sealed);
    await statusOf(start);
    const first = sealed.slice(0, MIN_PART_SIZE);
    expect((await putPart(NODE, start.artifactId, 1, first)).status).toBe(200);
    // The node restarted: the same start is a question, not a new upload.
    expect((await statusOf(start)).parts).toEqual([{ partNumber: 1, size: MIN_PART_SIZE, sha256: await sha256Hex(first) }]);
    // Completing with a part missing names it.
    const early = await completeUpload(NODE, start.artifactId);
    expect(early.status).toBe(409);
    expect(ErrorBody.parse(await early.json()).error.message).toContain('parts missing: 2');
    expect((await putPart(NODE, start.artifactId, 2, sealed.slice(MIN_PART_SIZE))).status).toBe(200);
    expect((await completeUpload(NODE, start.artifactId)).status).toBe(200);
    expect(await statusOf(start)).toEqual({ artifactId: start.artifactId, state: 'stored', partSize: MIN_PART_SIZE, parts: [] });
    // The same id with another size or hash is another artifact: refused.
    const other = await startUpload(NODE, { ...start, sha256: 'f'.repeat(64) });
    expect(other.status).toBe(409);
  });

  it('refuses a corrupted part with 422 and holds nothing of it', async () => {
    const sessionId = await recordedSession();
    const sealed = await seal(pattern(1000, 9));
    const start = await uploadStart(sessionId, 'customer', 1, sealed);
    await statusOf(start);
    const corrupted = sealed.slice();
    corrupted[500] = corrupted[500]! ^ 0xff;
    // Signed and declared as the genuine part (what the node computed), but the bytes changed on the way.
    const res = await putPart(NODE, start.artifactId, 1, corrupted, { signedAs: sealed });
    expect(res.status).toBe(422);
    expect(await codeOf(res)).toBe('checksum_mismatch');
    expect((await statusOf(start)).parts).toEqual([]);
    expect(await objectsOf(sessionId)).toEqual([]);
    // Wrong sizes never reach a hash: the one part of this artifact must be exactly its size.
    const short = await putPart(NODE, start.artifactId, 1, sealed.slice(1));
    expect(short.status).toBe(400);
    expect((await putPart(NODE, start.artifactId, 2, sealed)).status).toBe(400);
    // A forged signature is refused before anything is read.
    expect((await putPart(NODE, start.artifactId, 1, sealed, { secret: 'not-the-node-secret-0123456789' })).status).toBe(401);
    // The genuine part then goes through, and the artifact is stored.
    expect((await putPart(NODE, start.artifactId, 1, sealed)).status).toBe(200);
    expect((await completeUpload(NODE, start.artifactId)).status).toBe(200);
  });

  it('re-reads the object on complete: a declared SHA-256 it does not match deletes it and restarts the upload', async () => {
    const sessionId = await recordedSession();
    const sealed = await seal(pattern(2000, 10));
    // The node declares a hash of other bytes of the same size (e.g. its file changed after hashing).
    const start = await uploadStart(sessionId, 'customer', 1, sealed, { sha256: await sha256Hex(pattern(sealed.length, 11)) });
    await statusOf(start);
    expect((await putPart(NODE, start.artifactId, 1, sealed)).status).toBe(200);
    const res = await completeUpload(NODE, start.artifactId);
    expect(res.status).toBe(422);
    expect(await codeOf(res)).toBe('checksum_mismatch');
    expect(await objectsOf(sessionId)).toEqual([]);
    // Restart from part 1: nothing is held any more.
    expect(await statusOf(start)).toMatchObject({ state: 'uploading', parts: [] });
    const actions = await auditActions(sessionId);
    expect(actions).toContain('artifact.rejected');
    expect(actions).not.toContain('artifact.stored');
  });

  it('completes idempotently: a repeated complete answers the same stored artifact, audited once', async () => {
    const sessionId = await recordedSession();
    const sealed = await seal(pattern(3000, 12));
    const start = await uploadStart(sessionId, 'agent', 2, sealed);
    const first = await uploadArtifact(NODE, start, sealed);
    const again = await completeUpload(NODE, start.artifactId);
    expect(again.status).toBe(200);
    expect(ArtifactView.parse(((await again.json()) as { artifact: unknown }).artifact)).toEqual(first);
    expect((await auditActions(sessionId)).filter((a) => a === 'artifact.stored')).toHaveLength(1);
    expect(await objectsOf(sessionId)).toEqual([`sessions/${sessionId}/${start.artifactId}`]);
    // A stored segment cannot be uploaded again under another id.
    const dup = await startUpload(NODE, await uploadStart(sessionId, 'agent', 2, sealed));
    expect(dup.status).toBe(409);
  });

  it('a newer upload of the same segment supersedes an unfinished one', async () => {
    const sessionId = await recordedSession();
    const sealed = await seal(pattern(1500, 13));
    const stale = await uploadStart(sessionId, 'customer', 3, sealed);
    await statusOf(stale);
    const fresh = await uploadStart(sessionId, 'customer', 3, sealed);
    await uploadArtifact(NODE, fresh, sealed);
    expect((await putPart(NODE, stale.artifactId, 1, sealed)).status).toBe(404);
    const list = (await (await signedFetch('GET', `/v1/sessions/${sessionId}/artifacts`)).json()) as { artifacts: ArtifactView[] };
    expect(list.artifacts.map((a) => a.artifactId)).toEqual([fresh.artifactId]);
  });

  it('refuses a recording sealed for another key than the configured bank key (security review finding 11)', async () => {
    const sessionId = await recordedSession();
    const sealed = await seal(pattern(100, 15));
    const start = await uploadStart(sessionId, 'customer', 1, sealed, { bankKeyId: 'f'.repeat(64) });
    const res = await startUpload(NODE, start);
    expect([res.status, await codeOf(res)]).toEqual([400, 'validation_failed']);
    // Nothing was opened: no part URL was given (a bare path has no grant), and no object exists.
    const part = await putPart(NODE, start.artifactId, 1, sealed);
    expect([part.status, await codeOf(part)]).toEqual([403, 'upload_url_invalid']);
    expect(await objectsOf(sessionId)).toEqual([]);
    expect((await auditActions(sessionId)).filter((a) => a.startsWith('artifact.'))).toEqual([]);
  });

  it('refuses part and complete URLs the control plane did not make for this node and artifact, and expired ones (issue 16)', async () => {
    const sessionId = await recordedSession();
    const otherSession = await recordedSession();
    const sealed = await seal(pattern(2500, 16));
    const start = await uploadStart(sessionId, 'customer', 1, sealed);
    const started = await statusOf(start);
    // The same node's upload in another session: its grant must not open this one, nor this one's it.
    const theirs = await uploadStart(otherSession, 'customer', 1, sealed);
    const theirStatus = await statusOf(theirs);
    // A part path without the start's grant, or naming a session itself, is refused.
    const partPath = `/v1/nodes/${NODE}/uploads/${start.artifactId}/parts/1`;
    for (const path of [partPath, `${partPath}?session=${sessionId}`, `${partPath}?session=${otherSession}`]) {
      const res = await putPart(NODE, start.artifactId, 1, sealed, { path });
      expect([path, res.status]).toEqual([path, 403]);
      expect(await codeOf(res)).toBe('upload_url_invalid');
    }
    const urls = started.urls!;
    const theirUrls = theirStatus.urls!;
    const part = uploadPartUrl(urls, 1);
    const grant = part.split('?')[1]!;
    const query = new URLSearchParams(grant);
    const expired = await signUploadUrls(
      { nodeId: NODE, sessionId, artifactId: start.artifactId, uploadId: query.get('upload')!, size: sealed.length, partSize: MIN_PART_SIZE },
      env.TOKEN_SECRET!,
      Date.now() - 2 * UPLOAD_URL_TTL_SECONDS * 1000,
    );
    const refused: Array<[string, string]> = [
      [part.replace(`session=${sessionId}`, `session=${otherSession}`), 'upload_url_invalid'],
      [`${partPath}?${theirUrls.complete.split('?')[1]}`, 'upload_url_invalid'],
      [`${uploadPartUrl(theirUrls, 1).split('?')[0]}?${grant}`, 'upload_url_invalid'],
      [part.replace(/([?&])size=\d+/, '$1size=1'), 'upload_url_invalid'],
      [part.replace(/expires=(\d+)/, (_, e: string) => `expires=${Number(e) + 3600}`), 'upload_url_invalid'],
      [part.replace(/sig=([0-9a-f])/, (_, c: string) => `sig=${c === '0' ? '1' : '0'}`), 'upload_url_invalid'],
      [uploadPartUrl(expired, 1), 'upload_url_expired'],
    ];
    for (const [path, code] of refused) {
      const res = await putPart(NODE, start.artifactId, 1, sealed, { path });
      expect([path, res.status, await codeOf(res)]).toEqual([path, 403, code]);
    }
    // Another (enrolled, not placeable) node cannot use this node's URL, under its own path or this node's.
    await enrolNode('node-uploads-other');
    const foreign = await putPart('node-uploads-other', start.artifactId, 1, sealed, { path: part.replace(`/nodes/${NODE}/`, '/nodes/node-uploads-other/') });
    expect([foreign.status, await codeOf(foreign)]).toEqual([403, 'upload_url_invalid']);
    const spoof = await putPart('node-uploads-other', start.artifactId, 1, sealed, { path: part });
    expect([spoof.status, await codeOf(spoof)]).toEqual([403, 'forbidden']);
    // A forged complete is refused the same way; nothing of the refused parts is held in either session.
    const forgedComplete = await nodeFetch(NODE, urls.complete.replace(`session=${sessionId}`, `session=${otherSession}`), {});
    expect([forgedComplete.status, await codeOf(forgedComplete)]).toEqual([403, 'upload_url_invalid']);
    expect((await statusOf(start)).parts).toEqual([]);
    expect((await statusOf(theirs)).parts).toEqual([]);
    // The genuine URLs still work.
    expect((await putPart(NODE, start.artifactId, 1, sealed)).status).toBe(200);
    expect((await completeUpload(NODE, start.artifactId)).status).toBe(200);
    expect(await objectsOf(otherSession)).toEqual([]);
  });

  it('refuses unknown sessions, other nodes, unknown uploads and unrecorded sessions', async () => {
    const sessionId = await recordedSession();
    const unrecorded = await createSession({ record: false });
    const sealed = await seal(pattern(100, 14));
    const start = await uploadStart(sessionId, 'customer', 1, sealed);
    const unknown = await startUpload(NODE, { ...start, sessionId: crypto.randomUUID() });
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, 'not_found']);
    await registerNode('node-uploads-other');
    const foreign = await startUpload('node-uploads-other', start);
    expect([foreign.status, await codeOf(foreign)]).toEqual([403, 'forbidden']);
    const spoof = await nodeFetch('node-uploads-other', `/v1/nodes/${NODE}/uploads`, start);
    expect(spoof.status).toBe(403);
    // None of those starts gave URLs: a bare part or complete path has no grant.
    expect((await putPart(NODE, start.artifactId, 1, sealed)).status).toBe(403);
    expect((await completeUpload(NODE, start.artifactId)).status).toBe(403);
    const bad = await startUpload(NODE, { ...start, partSize: 1024 });
    expect([bad.status, await codeOf(bad)]).toEqual([400, 'validation_failed']);

    const refused = await startUpload(NODE, await uploadStart(unrecorded.sessionId, 'customer', 1, sealed));
    expect([refused.status, await codeOf(refused)]).toEqual([409, 'conflict']);
  });

});
