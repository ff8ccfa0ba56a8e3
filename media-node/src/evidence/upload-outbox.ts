/*
 * The upload loop over the durable outbox (outbox-entry.ts). One upload at a time, oldest entry
 * first. The control plane is the source of truth for which parts it holds: every attempt starts
 * with POST uploads (idempotent by artifactId), re-sends only the parts it lacks or holds with
 * another SHA-256, completes, and deletes the local copy only once the answer's SHA-256 (which the
 * control plane re-read from storage) equals ours. So a process killed at any point simply
 * resumes on the next start, and nothing is deleted that is not verifiably stored.
 *
 *   network error / 5xx        -> keep, back off 1 s doubling to 60 s (the control plane may be down)
 *   422 checksum_mismatch      -> the control plane dropped the object: start again from part 1
 *   409 on complete            -> it lacks parts: resume (POST uploads tells which)
 *   410 / state deleted        -> the bank deleted the evidence: drop the local copy
 *   403 upload_url_expired / _invalid -> the part URLs of the start's answer lapsed (or the control
 *                                 plane's secret changed): start again at once for new ones
 *   other 4xx, local trouble   -> keep, log with the code, retry this entry slowly
 */
import { createHash } from 'node:crypto';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { partCount, type UploadComplete, type UploadedPart, type UploadStart, type UploadStatus } from '@vident/protocol';
import { ControlPlaneError, type UploadTarget } from '../control-plane/control-plane-client.ts';
import { readOutboxEntries, removeOutboxEntry, removeOutboxLeftovers, type LoadedEntry } from './outbox-entry.ts';

/** The control plane's upload routes (implemented by ControlPlaneClient). Failures throw ControlPlaneError. */
export interface EvidenceUploadApi {
  startUpload(start: UploadStart, signal?: AbortSignal): Promise<UploadStatus>;
  putPart(target: UploadTarget, partNumber: number, bytes: Uint8Array, sha256: string, signal?: AbortSignal): Promise<UploadedPart>;
  completeUpload(target: UploadTarget, signal?: AbortSignal): Promise<UploadComplete>;
}

export interface UploadOutboxLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface UploadOutboxOptions {
  /** RECORDINGS_DIR/outbox. */
  dir: string;
  api: EvidenceUploadApi;
  log: UploadOutboxLog;
  /** Rescan period (OUTBOX_SCAN_INTERVAL_MS), also the longest idle wait. Default 5000. */
  scanIntervalMs?: number;
  /** First backoff after a network error or 5xx, doubled up to `backoffMaxMs`. Default 1000 / 60000. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Wait before retrying an entry the control plane refused with another 4xx. Default 5 min. */
  rejectedRetryMs?: number;
}

type Outcome =
  | { kind: 'stored' | 'dropped' | 'restart' | 'aborted' }
  | { kind: 'renew'; code: string }
  | { kind: 'unavailable' | 'rejected'; message: string; status?: number; code?: string };

export class UploadOutbox {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private pendingCount = 0;
  private failures = 0;
  private readonly notBefore = new Map<string, number>();
  private readonly restarts = new Map<string, number>();
  /** Upload URLs refused in a row, per artifact, without a part accepted since. */
  private readonly renewals = new Map<string, number>();
  private readonly reportedInvalid = new Set<string>();

  constructor(private readonly opts: UploadOutboxOptions) {}

  /** Entries not yet stored by the control plane (as of the last scan). */
  get pending(): number {
    return this.pendingCount;
  }

  /** Starts the loop (idempotent). */
  start(): void {
    this.running ??= this.run().catch((err: unknown) => {
      if (!this.controller.signal.aborted) this.opts.log.warn({ err: (err as Error).message }, 'upload loop stopped');
    });
  }

  /** Aborts the current request (mid-part if need be) and waits for the loop to end. */
  async stop(): Promise<void> {
    this.controller.abort(new Error('upload outbox stopped'));
    this.wake?.();
    await this.running;
  }

  /** A new entry was written: look now instead of at the next rescan. */
  notify(): void {
    this.wake?.();
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private async run(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true }).catch(() => undefined);
    let lastCleanup = 0;
    while (!this.signal.aborted) {
      try {
        lastCleanup = await this.step(lastCleanup);
      } catch (err) {
        // A local file-system problem (permissions, full disk): keep the loop alive, look again later.
        this.opts.log.warn({ err: (err as Error).message }, 'outbox scan failed');
        await this.sleep(this.opts.scanIntervalMs ?? 5_000, false);
      }
    }
  }

  /** One scan and at most one upload attempt; returns when the left-overs were last cleaned. */
  private async step(lastCleanup: number): Promise<number> {
    if (Date.now() - lastCleanup > 60_000) {
      lastCleanup = Date.now();
      const removed = await removeOutboxLeftovers(this.opts.dir);
      if (removed.length) this.opts.log.info({ removed }, 'removed outbox left-overs');
    }
    const { entries, invalid } = await readOutboxEntries(this.opts.dir);
    for (const bad of invalid) {
      if (this.reportedInvalid.has(bad.jsonPath)) continue;
      this.reportedInvalid.add(bad.jsonPath);
      this.opts.log.warn({ file: bad.jsonPath, reason: bad.reason }, 'ignoring an invalid outbox entry');
    }
    this.pendingCount = entries.length;
    const now = Date.now();
    const due = entries.find((e) => (this.notBefore.get(e.entry.upload.artifactId) ?? 0) <= now);
    if (!due) {
      const waits = entries.map((e) => (this.notBefore.get(e.entry.upload.artifactId) ?? now) - now);
      await this.sleep(Math.min(this.opts.scanIntervalMs ?? 5_000, ...waits), true);
      return lastCleanup;
    }
    await this.settle(due, await this.upload(due));
    return lastCleanup;
  }

  private async settle(loaded: LoadedEntry, outcome: Outcome): Promise<void> {
    const { artifactId } = loaded.entry.upload;
    const base = { artifactId, sessionId: loaded.entry.upload.sessionId };
    switch (outcome.kind) {
      case 'aborted':
        return;
      case 'stored':
      case 'dropped':
        this.failures = 0;
        this.notBefore.delete(artifactId);
        this.restarts.delete(artifactId);
        this.renewals.delete(artifactId);
        this.pendingCount = Math.max(0, this.pendingCount - 1);
        this.opts.log.info({ ...base, bytes: loaded.entry.upload.size }, outcome.kind === 'stored' ? 'artifact uploaded and verified' : 'artifact deleted by the bank: local copy dropped');
        return;
      case 'restart': {
        this.failures = 0;
        const times = (this.restarts.get(artifactId) ?? 0) + 1;
        this.restarts.set(artifactId, times);
        this.opts.log.warn({ ...base, times }, 'stored object failed its checksum: uploading again from part 1');
        // The first restart is immediate; a control plane that keeps refusing is not hammered.
        if (times > 1) this.notBefore.set(artifactId, Date.now() + this.backoff(times - 2));
        return;
      }
      case 'renew': {
        const times = (this.renewals.get(artifactId) ?? 0) + 1;
        this.renewals.set(artifactId, times);
        this.opts.log.info({ ...base, code: outcome.code, times }, 'upload URLs refused: starting the upload again for new ones');
        // Renewed at once (URLs lapse during long uploads); a control plane that keeps refusing fresh ones is not hammered.
        if (times > 1) this.notBefore.set(artifactId, Date.now() + this.backoff(times - 2));
        return;
      }
      case 'unavailable': {
        const delay = this.backoff(this.failures);
        this.failures++;
        this.opts.log.warn({ ...base, status: outcome.status, code: outcome.code, err: outcome.message, retryInMs: delay }, 'upload interrupted, will resume');
        await this.sleep(delay, false);
        return;
      }
      case 'rejected': {
        const delay = this.opts.rejectedRetryMs ?? 300_000;
        this.notBefore.set(artifactId, Date.now() + delay);
        this.opts.log.warn({ ...base, status: outcome.status, code: outcome.code, err: outcome.message, retryInMs: delay }, 'upload refused, files kept');
        return;
      }
    }
  }

  private backoff(failures: number): number {
    const base = this.opts.backoffBaseMs ?? 1_000;
    return Math.min(this.opts.backoffMaxMs ?? 60_000, base * 2 ** Math.min(failures, 30));
  }

  /** Waits `ms`; an idle wait also ends on notify(). Always ends on stop(). */
  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === wakeUp) this.wake = undefined;
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const wakeUp = wakeable ? done : undefined;
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake = wakeUp;
      this.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** One attempt at one entry. Never throws. */
  private async upload(loaded: LoadedEntry): Promise<Outcome> {
    const { entry } = loaded;
    const u = entry.upload;
    let phase: 'start' | 'part' | 'complete' = 'start';
    try {
      const info = await stat(entry.file).catch(() => undefined);
      if (!info || info.size !== u.size) {
        return { kind: 'rejected', code: 'local_file', message: `${entry.file} is missing or not ${u.size} bytes` };
      }
      const status = await this.opts.api.startUpload(u, this.signal);
      if (status.state === 'stored' || status.state === 'deleted') {
        await removeOutboxEntry(loaded);
        return { kind: status.state === 'stored' ? 'stored' : 'dropped' };
      }
      phase = 'part';
      const target: UploadTarget = { artifactId: u.artifactId, urls: status.urls };
      await this.sendMissingParts(entry.file, u, status, target);
      phase = 'complete';
      const done = await this.opts.api.completeUpload(target, this.signal);
      const stored = done.artifact;
      if (stored.artifactId !== u.artifactId || stored.sha256 !== u.sha256 || stored.size !== u.size) {
        return { kind: 'rejected', code: 'checksum_mismatch', message: `the control plane reports ${stored.size} bytes sha256 ${stored.sha256}; ours are ${u.size} bytes sha256 ${u.sha256}` };
      }
      await removeOutboxEntry(loaded);
      return { kind: 'stored' };
    } catch (err) {
      if (this.signal.aborted) return { kind: 'aborted' };
      if (!(err instanceof ControlPlaneError)) return { kind: 'rejected', code: 'local_error', message: (err as Error).message };
      const detail = { status: err.status, code: err.code, message: err.message };
      if (err.status === 0 || err.status >= 500) return { kind: 'unavailable', ...detail };
      if (err.status === 410 || err.code === 'evidence_deleted') {
        await removeOutboxEntry(loaded);
        return { kind: 'dropped' };
      }
      if (err.status === 422 && err.code === 'checksum_mismatch') return { kind: 'restart' };
      if (err.code === 'upload_url_expired' || err.code === 'upload_url_invalid') return { kind: 'renew', code: err.code };
      if (err.status === 409 && phase === 'complete') return { kind: 'unavailable', ...detail };
      return { kind: 'rejected', ...detail };
    }
  }

  /** Sends every part the control plane does not hold with our SHA-256, in order. */
  private async sendMissingParts(file: string, u: UploadStart, status: UploadStatus, target: UploadTarget): Promise<void> {
    const partSize = status.partSize;
    const held = new Map(status.parts.map((p) => [p.partNumber, p]));
    const handle = await open(file, 'r');
    try {
      for (let n = 1; n <= partCount(u.size, partSize); n++) {
        const offset = (n - 1) * partSize;
        const bytes = await readRange(handle, offset, Math.min(partSize, u.size - offset));
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const have = held.get(n);
        if (have && have.sha256 === sha256 && have.size === bytes.length) continue;
        const put = await this.opts.api.putPart(target, n, bytes, sha256, this.signal);
        if (put.partNumber !== n || put.sha256 !== sha256 || put.size !== bytes.length) {
          throw new ControlPlaneError(0, `the control plane acknowledged part ${n} with another size or checksum`);
        }
        // Real progress: a flaky control plane is retried quickly, a down one ever more slowly.
        this.failures = 0;
        this.renewals.delete(u.artifactId);
      }
    } finally {
      await handle.close();
    }
  }
}

async function readRange(handle: FileHandle, offset: number, length: number): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(bytes, got, length - got, offset + got);
    if (bytesRead === 0) throw new Error(`the sealed file ended before byte ${offset + length}`);
    got += bytesRead;
  }
  return bytes;
}
