import { EvidenceManifest, type ArtifactView } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { newSessionRecord, type SessionRecord } from '../session/session-record.ts';
import { toArtifactViews, type ArtifactRecord } from './artifact-store.ts';
import { buildManifest, evidenceReadiness, exceedsPackBound, MAX_EVIDENCE_PACK_BYTES } from './evidence-pack.ts';

const SID = '6f1c2a3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f';
const T0 = Date.parse('2026-11-23T10:00:00.000Z');

function record(patch: (r: SessionRecord) => void = () => undefined): SessionRecord {
  const r = newSessionRecord({
    sessionId: SID,
    request: { externalRef: 'x', customerName: 'y', locale: 'ko', record: true, metadata: {} },
    nodeId: 'n',
    nodeUrl: 'http://127.0.0.1:9/',
    createdAt: T0,
    expiresAt: T0 + 1_800_000,
    linkExpiresAt: T0 + 900_000,
    reconnectGraceMs: 60_000,
  });
  r.state = 'decided';
  r.outcome = { state: 'decided', decision: 'approved', reasonCodes: [], note: 'n', decidedBy: 'agent' };
  r.endedAt = new Date(T0 + 600_000).toISOString();
  patch(r);
  return r;
}

function artifact(patch: Partial<ArtifactRecord>): ArtifactRecord {
  return {
    artifactId: 'rec-6f1c2a3e-customer-1-00000001',
    kind: 'recording',
    participant: 'customer',
    capture: null,
    segment: 1,
    contentType: 'video/webm',
    size: 10,
    sha256: 'a'.repeat(64),
    bankKeyId: 'b'.repeat(64),
    partSize: 5 * 1024 * 1024,
    startedAt: new Date(T0 + 10_000).toISOString(),
    durationMs: 1000,
    nodeId: 'n',
    state: 'stored',
    uploadId: null,
    objectKey: 'k',
    storedAt: new Date(T0).toISOString(),
    deletedAt: null,
    ...patch,
  };
}

const views = (...records: ArtifactRecord[]): ArtifactView[] => toArtifactViews(SID, records);

describe('evidence readiness', () => {
  const owed = (r: SessionRecord) => {
    r.expectedSegments = [
      { participant: 'customer', segment: 1, failedAt: null },
      { participant: 'agent', segment: 1, failedAt: null },
    ];
  };

  it('waits for the end, every owed segment and every upload in progress', () => {
    expect(evidenceReadiness(record((r) => (r.state = 'in_call')), [])).toEqual({ status: 'pending', pending: ['the session is still active'] });
    const r = record(owed);
    expect(evidenceReadiness(r, [])).toEqual({
      status: 'pending',
      pending: ["the customer's recording segment 1 is not uploaded yet", "the agent's recording segment 1 is not uploaded yet"],
    });
    const customer = artifact({});
    const agentUploading = artifact({ artifactId: 'rec-6f1c2a3e-agent-1-00000002', participant: 'agent', state: 'uploading' });
    expect(evidenceReadiness(r, views(customer, agentUploading))).toEqual({
      status: 'pending',
      pending: ["the agent's recording segment 1 is not uploaded yet", 'the upload of rec-6f1c2a3e-agent-1-00000002 is in progress'],
    });
    expect(evidenceReadiness(r, views(customer, { ...agentUploading, state: 'stored' }))).toEqual({ status: 'ready' });
  });

  it('settles a segment the node reported failed, unless its upload is still running', () => {
    const r = record((x) => {
      owed(x);
      x.expectedSegments[1]!.failedAt = new Date(T0).toISOString();
    });
    expect(evidenceReadiness(r, views(artifact({})))).toEqual({ status: 'ready' });
    const late = artifact({ artifactId: 'rec-6f1c2a3e-agent-1-00000003', participant: 'agent', state: 'uploading' });
    expect(evidenceReadiness(r, views(artifact({}), late)).status).toBe('pending');
  });

  it('a session with nothing recorded is ready at its end; deleted evidence is never ready', () => {
    expect(evidenceReadiness(record(), [])).toEqual({ status: 'ready' });
    expect(evidenceReadiness(record((r) => (r.evidence.deletedAt = new Date(T0).toISOString())), [])).toEqual({ status: 'deleted' });
  });
});

describe('artifact views and the manifest', () => {
  it('offsets recordings from the earliest recording start; captures have none', () => {
    const [a, b, c] = views(
      artifact({ startedAt: new Date(T0 + 2_500).toISOString() }),
      artifact({ artifactId: 'rec-6f1c2a3e-agent-1-00000002', participant: 'agent', startedAt: new Date(T0 + 1_000).toISOString() }),
      artifact({ artifactId: 'cap-6f1c2a3e-face-00000003', kind: 'capture', capture: 'face', segment: null, startedAt: new Date(T0).toISOString() }),
    );
    expect([a!.offsetMs, b!.offsetMs, c!.offsetMs]).toEqual([1_500, 0, null]);
    expect([a!.fileName, b!.fileName, c!.fileName]).toEqual(['recording-customer-01.webm.venc', 'recording-agent-01.webm.venc', 'capture-face-cap-6f1c2a3e-face-00000003.venc']);
  });

  it('lists stored artifacts only, without storage bookkeeping, with the audit head it covers', () => {
    const r = record((x) => (x.consent = { version: 'v1', at: new Date(T0).toISOString() }));
    const manifest = buildManifest({
      record: r,
      artifacts: views(artifact({}), artifact({ artifactId: 'rec-6f1c2a3e-agent-1-00000002', participant: 'agent', state: 'uploading' })),
      audit: { length: 7, head: 'c'.repeat(64) },
      signingKeyId: 'd'.repeat(64),
      now: T0 + 700_000,
    });
    expect(manifest).toMatchObject({
      v: 1,
      sessionId: SID,
      state: 'decided',
      consent: { version: 'v1' },
      audit: { length: 7, head: 'c'.repeat(64) },
      generatedAt: new Date(T0 + 700_000).toISOString(),
      signingKeyId: 'd'.repeat(64),
    });
    expect(manifest.artifacts.map((a) => a.artifactId)).toEqual(['rec-6f1c2a3e-customer-1-00000001']);
    expect(manifest.artifacts[0]).not.toHaveProperty('state');
    expect(manifest.artifacts[0]).not.toHaveProperty('deletedAt');
  });
});

describe('the manifest review', () => {
  const at = new Date(T0 + 100_000).toISOString();
  const face = {
    kind: 'capture' as const,
    score: 0.9,
    band: 'match' as const,
    thresholds: { match: 0.5, noMatch: 0.4 },
    model: { name: 'human-faceres', version: '3.3.6' },
    samples: 1,
    measuredAt: at,
    recordedAt: at,
  };
  const manifestOf = (r: SessionRecord) => buildManifest({ record: r, artifacts: [], audit: { length: 1, head: 'c'.repeat(64) }, signingKeyId: 'd'.repeat(64), now: T0 });

  it('carries the document masked and without its MRZ, the checks and the face matches; nothing when there was none', () => {
    const r = record((x) => {
      x.document = {
        type: 'passport',
        fields: { name: 'HONG GILDONG', residentNumber: '800101-1234560', mrz: ['P<KORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<<', 'M123456780KOR8001011M3001012<<<<<<<<<<<<<<04'] },
        sources: { residentNumber: 'agent' },
        plausibility: [],
        confirmedAt: at,
      };
      x.bankChecks = [{ kind: 'id-authenticity', result: 'pass', reference: 'MOIS-1', checkedAt: at }];
      x.faceMatches = [face];
    });
    const manifest = manifestOf(r);
    expect(manifest.review).toEqual({
      document: { type: 'passport', fields: { name: 'HONG GILDONG', residentNumber: '800101-1******' }, sources: { residentNumber: 'agent' }, plausibility: [], confirmedAt: at },
      checks: r.bankChecks,
      faceMatches: [face],
    });
    expect(JSON.stringify(manifest)).not.toMatch(/1234560|M12345678/);
    expect(EvidenceManifest.safeParse(manifest).success).toBe(true);
    expect(manifestOf(record()).review).toBeUndefined();
    expect(manifestOf(record((x) => (x.faceMatches = [face]))).review).toEqual({ document: null, checks: [], faceMatches: [face] });
  });
});

describe('exceedsPackBound', () => {
  it('measures the pack in UTF-8 bytes, not characters', () => {
    expect(exceedsPackBound('a'.repeat(30), 30)).toBe(false);
    expect(exceedsPackBound('a'.repeat(31), 30)).toBe(true);
    // Ten Hangul syllables are ten characters but thirty bytes.
    expect(exceedsPackBound('가'.repeat(10), 30)).toBe(false);
    expect(exceedsPackBound('가'.repeat(11), 30)).toBe(true);
    expect(exceedsPackBound('{}')).toBe(false);
    expect(MAX_EVIDENCE_PACK_BYTES).toBeLessThan(32 * 1024 * 1024);
  });
});
