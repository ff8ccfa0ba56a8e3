import * as z from 'zod/mini';
import { AuditEntry, canonicalJson, verifyAuditChain } from './audit.ts';
import { Role, SessionId, SessionOutcome, SessionState, Timestamp } from './common.ts';
import { EvidenceReview } from './evidence-assessment.ts';
import { fromBase64, toBase64 } from './evidence-crypto.ts';
import { toHex } from './signing.ts';

/*
 * The evidence of a verification: its artifacts (one recording segment per participant and
 * publish, the agent's stills) stored encrypted in object storage, and a manifest signed by the
 * control plane (Ed25519) that lists them with their SHA-256, the decision and the audit chain head.
 *
 * Data flow:
 *   media node:  .mjr -> janus-pp-rec/ffmpeg -> webm -> sealed (evidence-crypto) -> durable outbox
 *                -> POST /v1/nodes/:nodeId/uploads            (UploadStart, idempotent by artifactId)
 *                -> PUT  /v1/nodes/:nodeId/uploads/:artifactId/parts/:n?session=...&sig=...
 *                   (raw bytes, signed; the start's answer gives these URLs: UploadUrls)
 *                -> POST /v1/nodes/:nodeId/uploads/:artifactId/complete?session=...&sig=... (the control plane re-reads
 *                   the stored object and compares its SHA-256 before it answers; only then the node
 *                   deletes its local file)
 *   agent page:  still -> sealed in the browser -> POST /v1/sessions/:id/captures?capture=id_front
 *   customer page: on the agent's `still-request`, a still of its own camera -> sealed in the
 *                customer's browser -> POST /v1/sessions/:id/captures?capture=id_front&request=<id>
 *   bank:        GET /v1/sessions/:id/evidence (manifest + short-lived download URLs),
 *                DELETE /v1/sessions/:id/evidence, `vident evidence download|verify|decrypt`.
 */

const Sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'lowercase hex SHA-256'));
export const ArtifactId = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{7,63}$/, 'lowercase letters, digits and dashes, 8..64'));
export type ArtifactId = z.infer<typeof ArtifactId>;

/** `assessment`: the session's review sealed as JSON (see evidence-assessment.ts), one per pack. */
export const ArtifactKind = z.enum(['recording', 'capture', 'assessment']);
export type ArtifactKind = z.infer<typeof ArtifactKind>;

/** The agent's stills of the customer's video. */
export const CaptureKind = z.enum(['id_front', 'id_back', 'face']);
export type CaptureKind = z.infer<typeof CaptureKind>;

/**
 * Where a capture's pixels come from: `received_video`, a frame of the customer's video as the
 * agent's page received it (sealed in the agent's browser); `customer_camera`, a still the
 * customer's page took from its own camera track at the camera's resolution when the agent asked
 * (`still-request`), sealed in the customer's browser. Both are stills of the customer.
 */
export const CaptureSource = z.enum(['received_video', 'customer_camera']);
export type CaptureSource = z.infer<typeof CaptureSource>;

/** A still's pixel size as its taker declared it (the bank checks it on the opened image). */
export const StillDimension = z.int().check(z.gte(1), z.lte(16384));

/**
 * The names artifactFileName gives, and nothing else: a pack's file names come from the server, and
 * a name with a path in it (`../x`, `/etc/x`) must never reach a file system call.
 */
export const PackFileName = z
  .string()
  .check(
    z.regex(/^(recording-(customer|agent)-\d{2,4}\.webm|capture-(id_front|id_back|face)-[a-z0-9][a-z0-9-]{7,63}|assessment\.json)\.venc$/, 'not a file name of an evidence pack'),
  );
export type PackFileName = z.infer<typeof PackFileName>;

/** R2 needs every part but the last to be at least 5 MiB and all of the same size. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PART_SIZE = 64 * 1024 * 1024;
export const MAX_CAPTURE_BYTES = 12 * 1024 * 1024;

/** The consent text the customer accepts; its version goes to the audit trail. */
export const RECORDING_CONSENT_VERSION = 'recording-consent-2026-11';

/** Everything known of one artifact (bank API, manifest). Sizes and hashes are of the sealed file. */
export const ArtifactView = z.object({
  artifactId: ArtifactId,
  sessionId: SessionId,
  kind: ArtifactKind,
  /** recording: whose media; capture and assessment: always the customer (whom they are about). */
  participant: Role,
  capture: z.nullable(CaptureKind),
  /** recording: 1 for the first publish of this participant, 2 after a republish or failover... */
  segment: z.nullable(z.int().check(z.positive())),
  /** File name inside an evidence pack. */
  fileName: PackFileName,
  /** MIME type of the plaintext (video/webm, image/jpeg, application/json for the assessment). */
  contentType: z.string(),
  size: z.int().check(z.nonnegative()),
  sha256: Sha256,
  /** sha256 hex of the bank key's SPKI that opens it. */
  bankKeyId: Sha256,
  /** recording: wall-clock time of its first media packet; capture: when it was taken; assessment: when it was sealed. */
  startedAt: Timestamp,
  /** recording: milliseconds from the session's first recorded packet (play files in sync). */
  offsetMs: z.nullable(z.int().check(z.nonnegative())),
  durationMs: z.nullable(z.int().check(z.nonnegative())),
  nodeId: z.nullable(z.string()),
  /** capture only: where the still was taken (absent on captures stored before issue 17: `received_video`). */
  source: z.optional(CaptureSource),
  /** capture only: the still's width and height in pixels as the page that took it declared them. */
  width: z.optional(StillDimension),
  height: z.optional(StillDimension),
  state: z.enum(['uploading', 'stored', 'deleted']),
  storedAt: z.nullable(Timestamp),
  deletedAt: z.nullable(Timestamp),
});
export type ArtifactView = z.infer<typeof ArtifactView>;

/** The pack's file name of an artifact (stable, safe on every file system). */
export function artifactFileName(a: { kind: ArtifactKind; participant: Role; capture: CaptureKind | null; segment: number | null; artifactId: string }): string {
  if (a.kind === 'capture') return `capture-${a.capture}-${a.artifactId}.venc`;
  if (a.kind === 'assessment') return 'assessment.json.venc';
  return `recording-${a.participant}-${String(a.segment ?? 1).padStart(2, '0')}.webm.venc`;
}

/* ---------------------------------------------------------------- node -> control plane uploads */

export const UploadStart = z.strictObject({
  artifactId: ArtifactId,
  sessionId: SessionId,
  participant: Role,
  segment: z.int().check(z.positive(), z.lte(1000)),
  contentType: z.string().check(z.minLength(1), z.maxLength(100)),
  size: z.int().check(z.positive(), z.lte(64 * 1024 * 1024 * 1024)),
  sha256: Sha256,
  bankKeyId: Sha256,
  partSize: z.int().check(z.gte(MIN_PART_SIZE), z.lte(MAX_PART_SIZE)),
  startedAt: Timestamp,
  durationMs: z.int().check(z.nonnegative()),
});
export type UploadStart = z.infer<typeof UploadStart>;

export const UploadedPart = z.object({ partNumber: z.int().check(z.positive()), size: z.int().check(z.nonnegative()), sha256: Sha256 });
export type UploadedPart = z.infer<typeof UploadedPart>;

/** Where a part number goes in UploadUrls.part. */
export const UPLOAD_PART_NUMBER_PLACEHOLDER = '{partNumber}';

/**
 * Where an upload's parts and completion go (issue 16): paths under the control plane's base URL
 * that name the session, the R2 upload and an expiry, MACed by the control plane for this node and
 * artifact. A part then costs the control plane one call to the session and none to a directory.
 * The node still signs every request; an expired set is renewed by starting the upload again.
 */
export const UploadUrls = z.object({
  /** PUT, with UPLOAD_PART_NUMBER_PLACEHOLDER standing for the part number (uploadPartUrl). */
  part: z.string().check(z.startsWith('/'), z.includes(UPLOAD_PART_NUMBER_PLACEHOLDER)),
  /** POST, body `{}`. */
  complete: z.string().check(z.startsWith('/')),
  /** After this the control plane answers `upload_url_expired`: start the upload again for new ones. */
  expiresAt: Timestamp,
});
export type UploadUrls = z.infer<typeof UploadUrls>;

/** The path of part `partNumber` from an upload's part URL template. */
export function uploadPartUrl(urls: Pick<UploadUrls, 'part'>, partNumber: number): string {
  return urls.part.replace(UPLOAD_PART_NUMBER_PLACEHOLDER, String(partNumber));
}

/** Answer of POST /v1/nodes/:nodeId/uploads: where to resume. `stored`: already complete, delete the local file. */
export const UploadStatus = z.object({
  artifactId: ArtifactId,
  state: z.enum(['uploading', 'stored', 'deleted']),
  partSize: z.int().check(z.positive()),
  parts: z.array(UploadedPart),
  /**
   * While `uploading`: where to send the parts and the completion. Absent from a control plane
   * older than issue 16, whose part and complete paths are NodeApiPaths' without a query.
   */
  urls: z.optional(UploadUrls),
});
export type UploadStatus = z.infer<typeof UploadStatus>;

/** Header of a part upload: its SHA-256, checked by the control plane before it stores the part. */
export const PART_SHA256_HEADER = 'x-vident-part-sha256';

/** Answer of .../complete: the stored artifact, whose sha256 the control plane re-read from storage. */
export const UploadComplete = z.object({ artifact: ArtifactView });
export type UploadComplete = z.infer<typeof UploadComplete>;

export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

/* ------------------------------------------------------------------------------ evidence pack */

export const EVIDENCE_SIGNATURE_ALG = 'Ed25519';

export const EvidenceManifest = z.object({
  v: z.literal(1),
  sessionId: SessionId,
  externalRef: z.string(),
  state: SessionState,
  outcome: z.nullable(SessionOutcome),
  createdAt: Timestamp,
  startedAt: z.nullable(Timestamp),
  endedAt: z.nullable(Timestamp),
  consent: z.nullable(z.object({ version: z.string(), at: Timestamp })),
  artifacts: z.array(z.omit(ArtifactView, { state: true, deletedAt: true })),
  /** The audit trail up to `length` entries, ending at `head`; the pack ships those entries. */
  audit: z.object({ length: z.int().check(z.nonnegative()), head: Sha256 }),
  /**
   * The session's review (issue 14): the ID document the agent confirmed, masked (no full number, no
   * MRZ), the bank's checks and the face-match results. The document in full is in the sealed
   * `assessment` artifact (evidence-assessment.ts). Absent when there was none of these.
   */
  review: z.optional(EvidenceReview),
  generatedAt: Timestamp,
  /** sha256 hex of the control plane's Ed25519 public key (raw 32 bytes). */
  signingKeyId: Sha256,
});
export type EvidenceManifest = z.infer<typeof EvidenceManifest>;

/** manifest.json of a pack: the manifest and its detached signature over canonicalJson(manifest). */
export const SignedManifest = z.object({
  manifest: EvidenceManifest,
  alg: z.literal(EVIDENCE_SIGNATURE_ALG),
  /** base64 Ed25519 signature of canonicalJson(manifest). */
  signature: z.string(),
});
export type SignedManifest = z.infer<typeof SignedManifest>;

/** Answer of GET /v1/sessions/:id/evidence. URLs live `urlTtlSeconds`; fetch them unsigned. */
export const EvidencePack = z.object({
  signed: SignedManifest,
  audit: z.array(AuditEntry),
  downloads: z.array(z.object({ artifactId: ArtifactId, fileName: PackFileName, url: z.string(), expiresAt: Timestamp })),
});
export type EvidencePack = z.infer<typeof EvidencePack>;

/** Answer of GET /v1/evidence/signing-key: the public key that verifies every manifest. */
export const EvidenceSigningKey = z.object({ alg: z.literal(EVIDENCE_SIGNATURE_ALG), keyId: Sha256, publicKey: z.string() });
export type EvidenceSigningKey = z.infer<typeof EvidenceSigningKey>;

export const ArtifactList = z.object({ artifacts: z.array(ArtifactView) });
export type ArtifactList = z.infer<typeof ArtifactList>;

const ED25519 = { name: 'Ed25519' } as const;

export async function signingKeyId(rawPublicKey: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new Uint8Array(rawPublicKey)));
}

/** A fresh Ed25519 signing key: PKCS#8 base64 (the control plane's secret) and its raw public key base64. */
export async function generateEvidenceSigningKey(): Promise<{ privateKey: string; publicKey: string }> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  return {
    privateKey: toBase64(new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer)),
    publicKey: toBase64(new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer)),
  };
}

export async function signManifest(manifest: EvidenceManifest, privateKeyPkcs8: CryptoKey): Promise<SignedManifest> {
  const sig = await crypto.subtle.sign(ED25519, privateKeyPkcs8, new TextEncoder().encode(canonicalJson(manifest)));
  return { manifest, alg: EVIDENCE_SIGNATURE_ALG, signature: toBase64(new Uint8Array(sig)) };
}

export type PackCheck = { ok: true } | { ok: false; problem: 'signature' | 'key' | 'audit' | 'artifact' | 'format'; message: string };

/**
 * Verifies a downloaded pack offline: the manifest's signature with the control plane's public key
 * (raw base64), the audit entries against the manifest's head, and each artifact's SHA-256 through
 * `readArtifact` (null when the file is missing). Never throws.
 */
export async function verifyEvidencePack(
  input: { signed: unknown; audit: unknown; publicKey: string },
  artifactSha256: (fileName: string) => Promise<string | null>,
): Promise<PackCheck> {
  const signed = SignedManifest.safeParse(input.signed);
  if (!signed.success) return { ok: false, problem: 'format', message: 'manifest.json is not a signed vident manifest' };
  const audit = z.array(AuditEntry).safeParse(input.audit);
  if (!audit.success) return { ok: false, problem: 'format', message: 'audit.json is not a vident audit trail' };
  const { manifest, signature } = signed.data;
  let raw: Uint8Array<ArrayBuffer>;
  let key: CryptoKey;
  try {
    raw = fromBase64(input.publicKey);
    key = await crypto.subtle.importKey('raw', raw, ED25519, false, ['verify']);
  } catch {
    return { ok: false, problem: 'key', message: 'the signing public key is not an Ed25519 key' };
  }
  if ((await signingKeyId(raw)) !== manifest.signingKeyId) {
    return { ok: false, problem: 'key', message: 'the manifest was signed by another key' };
  }
  let good = false;
  try {
    good = await crypto.subtle.verify(ED25519, key, fromBase64(signature), new TextEncoder().encode(canonicalJson(manifest)));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, problem: 'signature', message: 'the manifest signature does not verify: the manifest was altered' };
  const entries = audit.data.slice(0, manifest.audit.length);
  if (entries.length !== manifest.audit.length) return { ok: false, problem: 'audit', message: 'audit.json has fewer entries than the manifest covers' };
  const chain = await verifyAuditChain(entries, manifest.audit.head);
  if (!chain.ok) return { ok: false, problem: 'audit', message: chain.message };
  for (const a of manifest.artifacts) {
    const actual = await artifactSha256(a.fileName);
    if (actual === null) return { ok: false, problem: 'artifact', message: `${a.fileName} is missing` };
    if (actual !== a.sha256) return { ok: false, problem: 'artifact', message: `${a.fileName} does not match its SHA-256` };
  }
  return { ok: true };
}

