import { artifactFileName, type ArtifactKind, type ArtifactView, type CaptureKind, type CaptureSource, type Role, type UploadedPart } from '@vident/protocol';

/*
 * A session's artifacts in its Durable Object's SQLite: one row per artifact (recording segment or
 * capture) and one per part the control plane holds of an upload in progress. The bytes are in R2
 * under objectKey(); these rows are the truth about what is there and whether it was verified.
 * All methods are synchronous SQLite statements.
 */

export type ArtifactState = ArtifactView['state'];

/** One artifact row, as the session knows it. */
export interface ArtifactRecord {
  artifactId: string;
  kind: ArtifactKind;
  participant: Role;
  capture: CaptureKind | null;
  segment: number | null;
  contentType: string;
  /** Size and SHA-256 of the sealed file (declared by the uploader, verified before `stored`). */
  size: number;
  sha256: string;
  bankKeyId: string;
  /** Upload part size (recordings); null for captures, which arrive in one request. */
  partSize: number | null;
  startedAt: string;
  durationMs: number | null;
  nodeId: string | null;
  state: ArtifactState;
  /** The R2 multipart upload the parts belong to; null before one is opened or after a rejection. */
  uploadId: string | null;
  objectKey: string;
  storedAt: string | null;
  deletedAt: string | null;
  /** Captures only (describeCapture): who took it and its declared pixel size. */
  source?: CaptureSource;
  width?: number | null;
  height?: number | null;
}

/** What a capture is beyond its artifact row (issue 17): a table of its own, so older sessions need no migration. */
export interface CaptureFacts {
  source: CaptureSource;
  width: number | null;
  height: number | null;
}

export interface StoredPart extends UploadedPart {
  etag: string;
}

type Row = {
  artifact_id: string;
  kind: string;
  participant: string;
  capture: string | null;
  segment: number | null;
  content_type: string;
  size: number;
  sha256: string;
  bank_key_id: string;
  part_size: number | null;
  started_at: string;
  duration_ms: number | null;
  node_id: string | null;
  state: string;
  upload_id: string | null;
  object_key: string;
  stored_at: string | null;
  deleted_at: string | null;
  source: string | null;
  width: number | null;
  height: number | null;
};

const SELECT_ARTIFACTS = `SELECT a.*, f.source AS source, f.width AS width, f.height AS height
  FROM artifacts a LEFT JOIN capture_facts f ON f.artifact_id = a.artifact_id`;

/** Where an artifact's sealed bytes live in the EVIDENCE bucket. */
export function objectKey(sessionId: string, artifactId: string): string {
  return `sessions/${sessionId}/${artifactId}`;
}

export class ArtifactStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS artifacts (
      artifact_id TEXT PRIMARY KEY, kind TEXT NOT NULL, participant TEXT NOT NULL, capture TEXT,
      segment INTEGER, content_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,
      bank_key_id TEXT NOT NULL, part_size INTEGER, started_at TEXT NOT NULL, duration_ms INTEGER,
      node_id TEXT, state TEXT NOT NULL, upload_id TEXT, object_key TEXT NOT NULL,
      stored_at TEXT, deleted_at TEXT)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS artifact_parts (
      artifact_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL,
      sha256 TEXT NOT NULL, etag TEXT NOT NULL, PRIMARY KEY (artifact_id, part_number))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS capture_facts (
      artifact_id TEXT PRIMARY KEY, source TEXT NOT NULL, width INTEGER, height INTEGER)`);
  }

  get(artifactId: string): ArtifactRecord | null {
    const row = this.sql.exec<Row>(`${SELECT_ARTIFACTS} WHERE a.artifact_id = ?`, artifactId).toArray()[0];
    return row ? fromRow(row) : null;
  }

  /** Every artifact, in the order they were taken (then by id). */
  all(): ArtifactRecord[] {
    return this.sql.exec<Row>(`${SELECT_ARTIFACTS} ORDER BY a.started_at, a.artifact_id`).toArray().map(fromRow);
  }

  /** Records who took a capture and its size (after insert). */
  describeCapture(artifactId: string, facts: CaptureFacts): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO capture_facts (artifact_id, source, width, height) VALUES (?, ?, ?, ?)',
      artifactId,
      facts.source,
      facts.width,
      facts.height,
    );
  }

  insert(a: ArtifactRecord): void {
    this.sql.exec(
      `INSERT INTO artifacts (artifact_id, kind, participant, capture, segment, content_type, size, sha256,
         bank_key_id, part_size, started_at, duration_ms, node_id, state, upload_id, object_key, stored_at, deleted_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      a.artifactId,
      a.kind,
      a.participant,
      a.capture,
      a.segment,
      a.contentType,
      a.size,
      a.sha256,
      a.bankKeyId,
      a.partSize,
      a.startedAt,
      a.durationMs,
      a.nodeId,
      a.state,
      a.uploadId,
      a.objectKey,
      a.storedAt,
      a.deletedAt,
    );
  }

  /** Forgets an artifact that never got stored (superseded by a newer upload of its segment). */
  remove(artifactId: string): void {
    this.sql.exec('DELETE FROM capture_facts WHERE artifact_id = ?', artifactId);
    this.sql.exec('DELETE FROM artifact_parts WHERE artifact_id = ?', artifactId);
    this.sql.exec('DELETE FROM artifacts WHERE artifact_id = ?', artifactId);
  }

  parts(artifactId: string): StoredPart[] {
    return this.sql
      .exec<{ part_number: number; size: number; sha256: string; etag: string }>(
        'SELECT part_number, size, sha256, etag FROM artifact_parts WHERE artifact_id = ? ORDER BY part_number',
        artifactId,
      )
      .toArray()
      .map((p) => ({ partNumber: p.part_number, size: p.size, sha256: p.sha256, etag: p.etag }));
  }

  /** Records a received part; a part sent again replaces the earlier one. */
  putPart(artifactId: string, part: StoredPart): void {
    this.sql.exec(
      `INSERT INTO artifact_parts (artifact_id, part_number, size, sha256, etag) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (artifact_id, part_number) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, etag = excluded.etag`,
      artifactId,
      part.partNumber,
      part.size,
      part.sha256,
      part.etag,
    );
  }

  /** Opens (or re-opens after a rejection) the multipart upload the parts go to. */
  setUpload(artifactId: string, uploadId: string | null): void {
    this.sql.exec('UPDATE artifacts SET upload_id = ? WHERE artifact_id = ?', uploadId, artifactId);
  }

  /** The stored object did not verify: its parts are forgotten and the upload starts over. */
  restart(artifactId: string): void {
    this.sql.exec('DELETE FROM artifact_parts WHERE artifact_id = ?', artifactId);
    this.sql.exec('UPDATE artifacts SET upload_id = NULL WHERE artifact_id = ?', artifactId);
  }

  markStored(artifactId: string, at: string): void {
    this.sql.exec("UPDATE artifacts SET state = 'stored', stored_at = ?, upload_id = NULL WHERE artifact_id = ?", at, artifactId);
    this.sql.exec('DELETE FROM artifact_parts WHERE artifact_id = ?', artifactId);
  }

  /** Forgets every artifact row (retention's end: the objects are gone, their descriptions go too). Answers how many. */
  purge(): number {
    const n = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM artifacts').one().n;
    this.sql.exec('DELETE FROM artifact_parts');
    this.sql.exec('DELETE FROM capture_facts');
    this.sql.exec('DELETE FROM artifacts');
    return n;
  }

  markDeleted(artifactId: string, at: string): void {
    this.sql.exec("UPDATE artifacts SET state = 'deleted', deleted_at = ?, upload_id = NULL WHERE artifact_id = ?", at, artifactId);
    this.sql.exec('DELETE FROM artifact_parts WHERE artifact_id = ?', artifactId);
  }
}

function fromRow(r: Row): ArtifactRecord {
  return {
    artifactId: r.artifact_id,
    kind: r.kind as ArtifactKind,
    participant: r.participant as Role,
    capture: r.capture as CaptureKind | null,
    segment: r.segment,
    contentType: r.content_type,
    size: r.size,
    sha256: r.sha256,
    bankKeyId: r.bank_key_id,
    partSize: r.part_size,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    nodeId: r.node_id,
    state: r.state as ArtifactState,
    uploadId: r.upload_id,
    objectKey: r.object_key,
    storedAt: r.stored_at,
    deletedAt: r.deleted_at,
    ...(r.source !== null ? { source: r.source as CaptureSource, width: r.width, height: r.height } : {}),
  };
}

/**
 * The public views of a session's artifacts. A recording's offsetMs is its start minus the
 * earliest start of the session's recordings, so the files play in sync.
 */
export function toArtifactViews(sessionId: string, records: ArtifactRecord[]): ArtifactView[] {
  const starts = records.filter((a) => a.kind === 'recording' && a.state !== 'deleted').map((a) => Date.parse(a.startedAt));
  const origin = starts.length ? Math.min(...starts) : null;
  return records.map((a) => ({
    artifactId: a.artifactId,
    sessionId,
    kind: a.kind,
    participant: a.participant,
    capture: a.capture,
    segment: a.segment,
    fileName: artifactFileName(a),
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    bankKeyId: a.bankKeyId,
    startedAt: a.startedAt,
    offsetMs: a.kind === 'recording' && origin !== null && a.state !== 'deleted' ? Math.max(0, Date.parse(a.startedAt) - origin) : null,
    durationMs: a.durationMs,
    nodeId: a.nodeId,
    ...(a.kind === 'capture' ? captureFacts(a) : {}),
    state: a.state,
    storedAt: a.storedAt,
    deletedAt: a.deletedAt,
  }));
}

/** A capture's view fields: who took it (older rows: the agent's page) and its size when declared. */
function captureFacts(a: ArtifactRecord): Pick<ArtifactView, 'source' | 'width' | 'height'> {
  return {
    source: a.source ?? 'received_video',
    ...(a.width != null && a.height != null ? { width: a.width, height: a.height } : {}),
  };
}
