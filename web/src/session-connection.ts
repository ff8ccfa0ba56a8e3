import type { ClientMessage, ServerMessage } from '@vident/protocol';
import type { SocketPhase } from './connection-status.ts';
import { reconnectDelayMs, shouldReconnect } from './reconnect-policy.ts';
import { SignalingSocket, type OpenSignalingChannel, type SignalingChannel } from './signaling-socket.ts';
import { markPhase } from './join-phases.ts';

export interface SessionConnectionOptions {
  origin: string;
  sessionId: string;
  token: string;
  /** Token expiry (ms since epoch): an upgrade refused after this is not worth retrying. */
  tokenExpiresAtMs: number;
  /** Opens one socket; by default a SignalingSocket to `origin` (tests pass a fake). */
  openSocket?: OpenSignalingChannel;
}

export interface SessionConnectionHooks {
  onMessage(message: ServerMessage): void;
  /** `phase` or `joined` changed. */
  onPhase(): void;
  /** The socket closed for good (refusal, expired token, retries exhausted). */
  onGiveUp(closeCode: number): void;
  /** The call is over (ended or fatal): a close is then expected, not retried. */
  isOver(): boolean;
}

/**
 * The participant's signaling socket with its reconnects (policy in reconnect-policy.ts). Each
 * (re)connect is a new generation: callers that started async work on one generation check it is
 * still current before they act.
 */
export class SessionConnection {
  phase: SocketPhase = 'idle';
  /** `welcome` was received on the current socket. */
  joined = false;
  generation = 0;
  private socket: SignalingChannel | null = null;
  private attempts = 0;
  private opened = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: SessionConnectionOptions,
    private readonly hooks: SessionConnectionHooks,
  ) {}

  start(): void {
    this.connect();
  }

  /** Sends on the current socket; false when it is not open (state is re-sent after reconnect). */
  send(message: ClientMessage): boolean {
    return this.socket?.send(message) ?? false;
  }

  /** `welcome` arrived: the server knows us again, so the backoff starts over. */
  markJoined(): void {
    this.attempts = 0;
    this.joined = true;
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.socket?.close();
  }

  /**
   * Drops the current socket and joins again at once, as after a network drop (the status says
   * reconnecting). The server treats it as a resume and both media legs are set up anew.
   */
  restart(): void {
    const old = this.socket;
    // Detached first: its close event must not schedule a second reconnect.
    this.socket = null;
    clearTimeout(this.retryTimer);
    old?.close();
    this.attempts = Math.max(this.attempts, 1);
    this.connect();
  }

  private connect(): void {
    this.phase = this.attempts === 0 ? 'connecting' : 'retrying';
    this.joined = false;
    this.opened = false;
    this.generation += 1;
    const open = this.opts.openSocket ?? ((handlers) => new SignalingSocket(this.opts.origin, this.opts.sessionId, this.opts.token, handlers));
    const socket: SignalingChannel = open({
      onOpen: () => {
        if (this.socket !== socket) return;
        this.opened = true;
        this.phase = 'open';
        markPhase('socket-open');
        this.hooks.onPhase();
      },
      onMessage: (message) => {
        if (this.socket === socket) this.hooks.onMessage(message);
      },
      onClose: (code) => {
        if (this.socket === socket) this.onClosed(code);
      },
    });
    this.socket = socket;
    this.hooks.onPhase();
  }

  private onClosed(code: number): void {
    this.socket = null;
    this.joined = false;
    if (this.hooks.isOver()) {
      this.phase = 'closed';
      this.hooks.onPhase();
      return;
    }
    // A refused upgrade looks like any network drop (1006); with an expired token it is final.
    const refusedExpired = !this.opened && Date.now() >= this.opts.tokenExpiresAtMs;
    const delay = shouldReconnect(code) && !refusedExpired ? reconnectDelayMs(this.attempts + 1) : null;
    if (delay === null) {
      this.phase = 'closed';
      this.hooks.onGiveUp(code);
      return;
    }
    this.attempts += 1;
    this.phase = 'retrying';
    this.hooks.onPhase();
    console.info(`vident: signaling closed (${code}); reconnecting in ${Math.round(delay)} ms`);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}
