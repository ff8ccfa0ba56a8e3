/*
 * A real HTTP server (node:http) implementing the control plane's evidence upload contract in
 * memory, for the outbox tests: signed requests (verifyRequest with the node's public key), idempotent
 * start by artifactId, parts checked against their SHA-256 header and the part-size rule,
 * complete re-hashing the concatenated object. Faults are injected per request. Like the real one
 * (issue 16) a start answers the part and complete URLs, and parts and completions are taken only at
 * the URLs of a grant it gave (`expireGrants` lapses them all); `urlsGiven = false` plays a control
 * plane from before issue 16 (no URLs, bare paths).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  artifactFileName,
  partCount,
  PART_SHA256_HEADER,
  UploadStart,
  verifyRequest,
  type ArtifactView,
  type UploadedPart,
} from '@vident/protocol';

export type Fault = 503 | 'drop' | { status: number; code: string };

export interface StoredUpload {
  start: UploadStart;
  parts: Map<number, Buffer>;
  state: 'uploading' | 'stored' | 'deleted';
  object?: Buffer;
}

export interface RequestRecord {
  kind: 'start' | 'part' | 'complete';
  artifactId: string;
  partNumber?: number;
  /** The path and query the request was sent to. */
  url: string;
  /** How the request ended: answered with a status, or cut by the client before its body ended. */
  outcome: number | 'client-aborted' | 'dropped';
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export class UploadContractServer {
  readonly uploads = new Map<string, StoredUpload>();
  readonly requests: RequestRecord[] = [];
  /** Faults for the next requests (matching `kind` if given), consumed in order. */
  readonly faults: Array<{ fault: Fault; kind?: RequestRecord['kind'] }> = [];
  /** Complete answers checksum_mismatch this many times (as if the stored object came back corrupted). */
  corruptCompletions = 0;
  /** Complete answers with this sha256 instead of the real one (a lying or broken control plane). */
  lieOnComplete: string | undefined;
  /** Called when a part request arrives, before its body is read (to abort a client mid-part). */
  onPartStart: ((artifactId: string, partNumber: number) => void) | undefined;
  /** Called before complete answers (to inspect the node's files at that instant). */
  onComplete: ((artifactId: string) => void) | undefined;
  /** Whether a start answers URLs and parts must come to them (false: a control plane before issue 16). */
  urlsGiven = true;
  /** Grants this server handed out, and which of them still work. */
  private grantCount = 0;
  private readonly liveGrants = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;
  private server!: http.Server;
  url = '';

  constructor(
    private readonly nodeId: string,
    private readonly publicKey: CryptoKey,
  ) {}

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** The parts received complete and stored, per artifact, in arrival order. */
  partsReceived(artifactId: string): number[] {
    return this.requests.filter((r) => r.kind === 'part' && r.artifactId === artifactId && r.outcome === 200).map((r) => r.partNumber!);
  }

  /** Every URL handed out so far stops working (as when they pass their expiry). */
  expireGrants(): void {
    this.liveGrants.clear();
  }

  /** How many starts answered URLs. */
  get grantsGiven(): number {
    return this.grantCount;
  }

  /** Pre-seeds an upload as if an earlier run had sent some parts. */
  seed(start: UploadStart, parts: Record<number, Buffer>): void {
    this.uploads.set(start.artifactId, { start, parts: new Map(Object.entries(parts).map(([n, b]) => [Number(n), b])), state: 'uploading' });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/v1\/nodes\/([^/]+)\/uploads(?:\/([^/]+)\/(parts\/(\d+)|complete))?$/.exec(url.pathname);
    const kind: RequestRecord['kind'] | undefined = !m ? undefined : m[4] ? 'part' : m[3] === 'complete' ? 'complete' : 'start';
    const record: RequestRecord = { kind: kind ?? 'start', artifactId: m?.[2] ?? '', url: req.url ?? '', outcome: 0 };
    if (m?.[4]) record.partNumber = Number(m[4]);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const answer = (status: number, body: unknown) => {
      record.outcome = status;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const error = (status: number, code: string, message = code) => answer(status, { error: { code, message } });
    try {
      if (kind === 'part') this.onPartStart?.(record.artifactId, record.partNumber!);
      const chunks: Buffer[] = [];
      const complete = await new Promise<boolean>((resolve) => {
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => resolve(true));
        req.on('close', () => resolve(req.readableEnded));
      });
      if (!complete) {
        record.outcome = 'client-aborted';
        return;
      }
      const body = Buffer.concat(chunks);
      if (!m || !kind || m[1] !== this.nodeId) return error(404, 'not_found');
      const fault = this.takeFault(kind);
      if (fault === 'drop') {
        record.outcome = 'dropped';
        req.socket.destroy();
        return;
      }
      if (fault === 503) return error(503, 'internal', 'unavailable');
      if (fault) return error(fault.status, fault.code);
      const verified = await verifyRequest({
        method: req.method ?? '',
        pathWithQuery: req.url ?? '',
        body: new Uint8Array(body),
        header: (n) => [req.headers[n]].flat()[0],
        secretFor: (keyId) => (keyId === this.nodeId ? this.publicKey : undefined),
      });
      if (!verified.ok) return error(401, verified.code);
      if (kind === 'start') return this.start(body, answer, error);
      const upload = this.uploads.get(record.artifactId);
      if (this.urlsGiven) {
        const grant = url.searchParams.get('grant') ?? '';
        if (!upload || url.searchParams.get('session') !== upload.start.sessionId || !/^g\d+$/.test(grant) || Number(grant.slice(1)) > this.grantCount) {
          return error(403, 'upload_url_invalid');
        }
        if (!this.liveGrants.has(grant)) return error(403, 'upload_url_expired');
      }
      if (!upload) return error(404, 'not_found');
      if (upload.state === 'deleted') return error(410, 'evidence_deleted');
      if (kind === 'part') return this.part(upload, record.partNumber!, body, [req.headers[PART_SHA256_HEADER]].flat()[0], answer, error);
      return this.complete(upload, answer, error);
    } finally {
      this.requests.push(record);
      this.inFlight--;
    }
  }

  private takeFault(kind: RequestRecord['kind']): Fault | undefined {
    const i = this.faults.findIndex((f) => f.kind === undefined || f.kind === kind);
    return i < 0 ? undefined : this.faults.splice(i, 1)[0]!.fault;
  }

  private status(u: StoredUpload) {
    const parts: UploadedPart[] = [...u.parts.entries()].sort(([a], [b]) => a - b).map(([partNumber, b]) => ({ partNumber, size: b.length, sha256: sha256(b) }));
    return { artifactId: u.start.artifactId, state: u.state, partSize: u.start.partSize, parts };
  }

  private start(body: Buffer, answer: (s: number, b: unknown) => void, error: (s: number, c: string) => void): void {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return error(400, 'invalid_json');
    }
    const parsed = UploadStart.safeParse(json);
    if (!parsed.success) return error(400, 'validation_failed');
    const existing = this.uploads.get(parsed.data.artifactId);
    if (existing?.state === 'deleted') return error(410, 'evidence_deleted');
    if (existing && (existing.start.sha256 !== parsed.data.sha256 || existing.start.size !== parsed.data.size)) return error(409, 'conflict');
    const upload = existing ?? { start: parsed.data, parts: new Map(), state: 'uploading' as const };
    this.uploads.set(parsed.data.artifactId, upload);
    answer(200, { ...this.status(upload), ...(this.urlsGiven && upload.state === 'uploading' ? { urls: this.urls(upload.start) } : {}) });
  }

  private urls(start: UploadStart) {
    const grant = `g${++this.grantCount}`;
    this.liveGrants.add(grant);
    const base = `/v1/nodes/${this.nodeId}/uploads/${start.artifactId}`;
    const query = `session=${start.sessionId}&grant=${grant}`;
    return { part: `${base}/parts/{partNumber}?${query}`, complete: `${base}/complete?${query}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
  }

  private part(u: StoredUpload, n: number, body: Buffer, declared: string | undefined, answer: (s: number, b: unknown) => void, error: (s: number, c: string) => void): void {
    const count = partCount(u.start.size, u.start.partSize);
    if (n < 1 || n > count) return error(400, 'validation_failed');
    const expected = n < count ? u.start.partSize : u.start.size - (count - 1) * u.start.partSize;
    if (body.length !== expected) return error(400, 'validation_failed');
    if (declared !== sha256(body)) return error(422, 'checksum_mismatch');
    u.parts.set(n, body);
    answer(200, { partNumber: n, size: body.length, sha256: declared });
  }

  private complete(u: StoredUpload, answer: (s: number, b: unknown) => void, error: (s: number, c: string, m?: string) => void): void {
    const count = partCount(u.start.size, u.start.partSize);
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !u.parts.has(n));
    if (missing.length) return error(409, 'conflict', `missing parts ${missing.join(',')}`);
    const object = Buffer.concat(Array.from({ length: count }, (_, i) => u.parts.get(i + 1)!));
    this.onComplete?.(u.start.artifactId);
    if (this.corruptCompletions > 0 || sha256(object) !== u.start.sha256) {
      this.corruptCompletions = Math.max(0, this.corruptCompletions - 1);
      u.parts.clear();
      return error(422, 'checksum_mismatch');
    }
    u.state = 'stored';
    u.object = object;
    const s = u.start;
    const artifact: ArtifactView = {
      artifactId: s.artifactId,
      sessionId: s.sessionId,
      kind: 'recording',
      participant: s.participant,
      capture: null,
      segment: s.segment,
      fileName: artifactFileName({ kind: 'recording', participant: s.participant, capture: null, segment: s.segment, artifactId: s.artifactId }),
      contentType: s.contentType,
      size: object.length,
      sha256: this.lieOnComplete ?? sha256(object),
      bankKeyId: s.bankKeyId,
      startedAt: s.startedAt,
      offsetMs: 0,
      durationMs: s.durationMs,
      nodeId: this.nodeId,
      state: 'stored',
      storedAt: new Date().toISOString(),
      deletedAt: null,
    };
    answer(200, { artifact });
  }
}
