/*
 * Signed HTTP from the media node to the control plane: register, heartbeat, events, and the
 * evidence uploads. Signature: the protocol's canonical request (signing.ts) with key id =
 * NODE_ID, signed with the node's own Ed25519 key (NODE_SIGNING_KEY_FILE, its public half enrolled
 * by the platform team), over the exact body bytes (JSON text or a raw part).
 *
 * Requests go through node:http(s) rather than fetch so a part body can be written in paced
 * slices under a known Content-Length (UPLOAD_MAX_BYTES_PER_SECOND), and aborted mid-body.
 */
import http from 'node:http';
import https from 'node:https';
import {
  ErrorBody,
  NodeApiPaths,
  NodeHeartbeatAccepted,
  NodeRegistrationAccepted,
  PART_SHA256_HEADER,
  signRequest,
  UploadComplete,
  UploadedPart,
  uploadPartUrl,
  UploadStatus,
  type NodeFleetStatus,
  type NodeEvent,
  type NodeHeartbeat,
  type NodeRegistration,
  type UploadStart,
  type UploadUrls,
} from '@vident/protocol';
import { z } from 'zod';
import type { ByteRateLimiter } from '../evidence/byte-rate-limiter.ts';

/**
 * A control-plane answer that was not 2xx; `status` 0 means the request never got an answer
 * (or the answer was not what the contract says). `code` is the answer's `error.code`, if any.
 */
export class ControlPlaneError extends Error {
  override name = 'ControlPlaneError';
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ControlPlaneClientOptions {
  baseUrl: string;
  nodeId: string;
  /** The node's Ed25519 private key. */
  signingKey: CryptoKey;
  /** Whole-request bound for small JSON calls; for part uploads, the longest silence allowed. */
  timeoutMs?: number;
  /** Paces part bodies (UPLOAD_MAX_BYTES_PER_SECOND); absent = unlimited. */
  uploadLimiter?: ByteRateLimiter;
}

/** What the registration answer tells the node. */
export type RegistrationAnswer = NodeRegistrationAccepted;

/** What a heartbeat's answer tells the node. */
export interface HeartbeatOutcome {
  status: NodeFleetStatus;
  /** Rooms the node holds for sessions not assigned to it: to destroy. */
  release: string[];
}
const COMPLETE_TIMEOUT_MS = 120_000;

/**
 * An upload's parts and completion: where the start's answer said to send them (`urls`, which name
 * the session, issue 16), or NodeApiPaths' bare paths when the control plane gave none (older than
 * issue 16).
 */
export interface UploadTarget {
  artifactId: string;
  urls: UploadUrls | undefined;
}

export class ControlPlaneClient {
  private readonly base: URL;

  constructor(private readonly opts: ControlPlaneClientOptions) {
    this.base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  }

  /** Registers this node; returns the heartbeat interval and bank key the control plane gives. */
  async register(registration: z.input<typeof NodeRegistration>): Promise<RegistrationAnswer> {
    return parseAnswer(NodeRegistrationAccepted, await this.json('POST', NodeApiPaths.register, registration), 'registration answer');
  }

  /** Reports load; answers the node's fleet status (draining, drained) as the control plane sees it. */
  async heartbeat(heartbeat: z.input<typeof NodeHeartbeat>): Promise<HeartbeatOutcome> {
    const { status, release } = parseAnswer(NodeHeartbeatAccepted, await this.json('POST', NodeApiPaths.heartbeat(this.opts.nodeId), heartbeat), 'heartbeat answer');
    return { status, release };
  }

  async postEvent(event: NodeEvent): Promise<void> {
    await this.json('POST', NodeApiPaths.events(this.opts.nodeId), event);
  }

  /** Starts or resumes an upload: the answer lists the parts the control plane already holds. */
  async startUpload(start: UploadStart, signal?: AbortSignal): Promise<UploadStatus> {
    return parseAnswer(UploadStatus, await this.json('POST', NodeApiPaths.uploads(this.opts.nodeId), start, signal), 'upload status');
  }

  /**
   * Uploads one part (raw bytes) with its SHA-256 to the part URL the start answered; re-sending a
   * part number overwrites it.
   */
  async putPart(target: UploadTarget, partNumber: number, bytes: Uint8Array, sha256: string, signal?: AbortSignal): Promise<UploadedPart> {
    const text = await this.send({
      method: 'PUT',
      relativePath: target.urls ? uploadPartUrl(target.urls, partNumber) : NodeApiPaths.uploadPart(this.opts.nodeId, target.artifactId, partNumber),
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', [PART_SHA256_HEADER]: sha256 },
      signal,
      paced: true,
    });
    return parseAnswer(UploadedPart, parseJson(text), 'uploaded part');
  }

  /**
   * Completes an upload; the control plane re-reads the stored object's SHA-256 before answering,
   * which takes a while for a long recording: this call waits up to 2 minutes.
   */
  async completeUpload(target: UploadTarget, signal?: AbortSignal): Promise<UploadComplete> {
    const path = target.urls?.complete ?? NodeApiPaths.uploadComplete(this.opts.nodeId, target.artifactId);
    const body = await this.json('POST', path, {}, signal, COMPLETE_TIMEOUT_MS);
    return parseAnswer(UploadComplete, body, 'upload completion');
  }

  private async json(method: string, relativePath: string, payload: unknown, signal?: AbortSignal, timeoutMs?: number): Promise<unknown> {
    const text = await this.send({
      timeoutMs,
      method,
      relativePath,
      body: new TextEncoder().encode(JSON.stringify(payload)),
      headers: { 'content-type': 'application/json' },
      signal,
      paced: false,
    });
    return parseJson(text);
  }

  private async send(req: {
    method: string;
    relativePath: string;
    body: Uint8Array;
    headers: Record<string, string>;
    signal: AbortSignal | undefined;
    paced: boolean;
    timeoutMs?: number;
  }): Promise<string> {
    // Relative to the base, so a control plane behind a path prefix is reached under it.
    const url = new URL(req.relativePath.replace(/^\//, ''), this.base);
    const pathWithQuery = url.pathname + url.search;
    const signature = await signRequest({ keyId: this.opts.nodeId, secret: this.opts.signingKey, method: req.method, pathWithQuery, body: req.body });
    const headers = { ...req.headers, 'content-length': String(req.body.length), ...signature };
    const limiter = req.paced ? this.opts.uploadLimiter : undefined;
    const timeoutMs = Math.max(req.timeoutMs ?? 0, this.opts.timeoutMs ?? (req.paced ? 30_000 : 5_000));
    const { status, text } = await exchange(url, req.method, headers, req.body, { limiter, timeoutMs, whole: !req.paced, signal: req.signal });
    if (status < 200 || status >= 300) {
      const parsed = ErrorBody.safeParse(safeJson(text));
      const code = parsed.success ? parsed.data.error.code : undefined;
      throw new ControlPlaneError(status, `control plane answered ${status}${code ? ` ${code}` : ''}: ${text.slice(0, 200)}`, code);
    }
    return text;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  return text ? (safeJson(text) ?? {}) : {};
}

function parseAnswer<T>(schema: z.core.$ZodType<T>, body: unknown, what: string): T {
  const parsed = z.safeParse(schema, body);
  // A 2xx that breaks the contract is as good as no answer: the caller retries.
  if (!parsed.success) throw new ControlPlaneError(0, `control plane sent an invalid ${what}`);
  return parsed.data;
}

/**
 * One HTTP exchange. `whole`: the timeout bounds the whole exchange; otherwise it bounds
 * silence on the socket (a paced part upload may legitimately take minutes).
 * Network failures become ControlPlaneError(0); an abort rejects with the signal's reason.
 */
function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array,
  opts: { limiter: ByteRateLimiter | undefined; timeoutMs: number; whole: boolean; signal: AbortSignal | undefined },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const transport = url.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(wholeTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      reject(opts.signal?.aborted ? opts.signal.reason : new ControlPlaneError(0, `control plane unreachable: ${(err as Error).message}`));
    };
    const onAbort = () => fail(opts.signal?.reason);
    const request = transport.request(url, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(wholeTimer);
        opts.signal?.removeEventListener('abort', onAbort);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const wholeTimer = opts.whole ? setTimeout(() => fail(new Error(`timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs) : undefined;
    if (!opts.whole) request.setTimeout(opts.timeoutMs, () => fail(new Error(`no progress for ${opts.timeoutMs} ms`)));
    request.on('error', fail);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    void writeBody(request, body, opts.limiter, opts.signal).catch(fail);
  });
}

function drained(request: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      request.off('drain', done).off('close', done);
      resolve();
    };
    request.once('drain', done).once('close', done);
  });
}

async function writeBody(request: http.ClientRequest, body: Uint8Array, limiter: ByteRateLimiter | undefined, signal?: AbortSignal): Promise<void> {
  if (!limiter) {
    request.end(body);
    return;
  }
  const slice = limiter.sliceBytes;
  for (let offset = 0; offset < body.length; offset += slice) {
    const piece = body.subarray(offset, Math.min(offset + slice, body.length));
    await limiter.take(piece.length, signal);
    if (request.destroyed) return;
    if (!request.write(piece)) await drained(request);
  }
  request.end();
}
