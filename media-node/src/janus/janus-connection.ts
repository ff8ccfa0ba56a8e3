/*
 * The sidecar's connection to Janus over its whole life: janode does not reconnect, so this does,
 * with backoff, until the sidecar stops. Each new connection claims the Janus session the legs
 * live in and hands the gateway to the continuity logic before any command may use it (legs
 * first: no command may reach a room before its legs are taken over or reset).
 */
import { retryWithBackoff } from '../backoff.ts';
import { janusRefusedConnection } from './janus-error.ts';
import { JanusGateway } from './janus-gateway.ts';
import type { MediaGateway } from './media-gateway.ts';

/** What the connection tells the legs' continuity (sessions/janus-continuity.ts). */
export interface ConnectionContinuity {
  /** The Janus session to claim on (re)connection. */
  readonly reclaimSessionId: number | null;
  janusConnectionLost(): void;
  janusNotRunning(): void;
  resume(gateway: MediaGateway): Promise<void>;
}

/** Where Janus is, and who hears about the connection coming and going. */
export interface JanusConnectionOptions {
  url: string;
  apiSecret: string;
  adminKey: string;
  continuity: ConnectionContinuity;
  /** The connection was lost or is back: the control plane is to hear it now, not at the next beat. */
  onChange: () => void;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** The live gateway, kept connected (reconnected after every loss) until `stop()`. */
export class JanusConnection {
  private current: JanusGateway | null = null;
  private stopped = false;

  constructor(private readonly opts: JanusConnectionOptions) {}

  /** The working gateway, or null while Janus is unreachable. */
  get gateway(): JanusGateway | null {
    return this.current;
  }

  get up(): boolean {
    return this.current?.up ?? false;
  }

  /** Connects (retrying until it works or the sidecar stops); reconnects by itself after a loss. */
  connect(): Promise<void> {
    const { continuity, log } = this.opts;
    return retryWithBackoff(
      async () => {
        const connected = await JanusGateway.connect({
          url: this.opts.url,
          apiSecret: this.opts.apiSecret,
          adminKey: this.opts.adminKey,
          reclaimSessionId: continuity.reclaimSessionId,
        });
        connected.onClose((reason) => {
          if (this.current === connected) this.current = null;
          // Janus keeps the session for its reclaim window, unless Janus itself died: known on reconnection.
          continuity.janusConnectionLost();
          log.warn({ reason }, 'janus connection lost, reconnecting');
          // Tell the control plane now, not at the next beat: it moves this node's calls elsewhere.
          this.opts.onChange();
          if (!this.stopped) void this.connect();
        });
        log.info({ url: this.opts.url, reclaimed: connected.reclaimed }, 'connected to janus');
        // Legs first: no command may reach a room before its legs are taken over (or reset).
        await continuity.resume(connected);
        if (connected.up) this.current = connected;
        this.opts.onChange();
      },
      {
        stopped: () => this.stopped,
        onFailure: (err, retryInMs) => {
          // Janus is not running: the calls' legs died with it, no reclaim to wait for.
          if (janusRefusedConnection(err)) continuity.janusNotRunning();
          log.warn({ err: (err as Error).message, retryInMs: Math.round(retryInMs) }, 'janus connect failed');
        },
      },
    );
  }

  /** No reconnecting from now on (the sidecar is shutting down). */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Closes the connection. With `keepSession`, the Janus session is left for the next run of the
   * sidecar to claim (its calls go on meanwhile); otherwise it is destroyed with its handles.
   */
  async close(opts: { keepSession: boolean }): Promise<void> {
    this.stopped = true;
    await this.current?.close(opts);
  }
}
