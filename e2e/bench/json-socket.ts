/*
 * A WebSocket client (Node `ws`) that stamps each JSON message with its arrival time the moment it
 * arrives, before any parsing, so one-way latencies measure the transport and the server, not us.
 * Used for both the vident Durable Object path and the bare relay baseline.
 */
import { WebSocket } from 'ws';

export interface Arrival {
  data: unknown;
  /** performance.now() when the frame arrived. */
  at: number;
}

export class JsonSocket {
  private readonly queue: Arrival[] = [];
  private waiters: Array<() => void> = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const at = performance.now();
      let data: unknown;
      try {
        data = JSON.parse(raw.toString('utf8'));
      } catch {
        data = { type: 'unparseable' };
      }
      this.queue.push({ data, at });
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.wake();
    });
    // An error is always followed by close, which is what callers look at.
    ws.on('error', () => undefined);
  }

  /** Opens a socket; rejects with the HTTP status when the server refuses the upgrade. */
  static connect(url: string, protocols: string[], timeoutMs = 10_000): Promise<JsonSocket> {
    return new Promise((resolve, reject) => {
      // No compression: workerd does not negotiate it, so the baseline must not either.
      const ws = new WebSocket(url, protocols, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
      const socket = new JsonSocket(ws);
      ws.on('open', () => resolve(socket));
      ws.on('unexpected-response', (_req, res) => {
        reject(new Error(`upgrade refused: HTTP ${res.statusCode ?? '?'}`));
        ws.terminate();
      });
      ws.on('error', (err) => reject(err));
      ws.on('close', (code) => reject(new Error(`closed before open (${code})`)));
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN && this.closed === null;
  }

  send(value: unknown): void {
    this.ws.send(JSON.stringify(value));
  }

  /** Takes the first not-yet-taken message that matches, waiting up to timeoutMs for it. */
  async next(match: (data: unknown) => boolean, what: string, timeoutMs: number): Promise<Arrival> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const index = this.queue.findIndex((a) => match(a.data));
      if (index >= 0) return this.queue.splice(index, 1)[0]!;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${what}`);
      if (performance.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await this.tick(deadline);
    }
  }

  /** Messages received and not taken (e.g. `error` frames nobody waited for). */
  untaken(): unknown[] {
    return this.queue.map((a) => a.data);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'bench over');
  }

  private tick(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, Math.min(1000, deadline - performance.now())));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
