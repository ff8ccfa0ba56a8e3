import type { ClientMessage } from '@vident/protocol';
import type { ConnectionStatus, SocketPhase } from './connection-status.ts';
import type { LegPair } from './media-legs.ts';
import { MediaRestartBudget, mediaRestartDelayMs } from './media-watchdog.ts';
import type { TransportChoice } from './transport-fallback.ts';

/** What recovery may do to the call. */
export interface MediaRecoveryPort {
  /** The legs now (compared by identity: a rejoin timer acts only on the pair it was set for). */
  legs(): LegPair;
  /** The call is over (ended or fatal): nothing to recover. */
  isOver(): boolean;
  /** Sends on the signaling socket (`media-lost`). */
  send(message: ClientMessage): boolean;
  /** The transport switched: drop both legs and publish again on the same socket. */
  republish(): void;
  /** Drop both legs and rejoin the session on a new socket (the server's resume path). */
  rejoin(): void;
  /** A rejoin timer fired (whether or not it rejoined): look at the call again. */
  onChange(): void;
}

/**
 * The page's media recovery, run on every change of the call: the switch to TURN when direct
 * ICE-TCP does not connect (transport-fallback.ts), the rejoin when a leg stays broken while
 * signaling is fine (media-watchdog.ts), the `media-lost` report that lets the server move a
 * session off a node whose media path broke, and whether the status should say "reconnecting".
 */
export class MediaRecovery {
  /** Interrupted (socket dropped or media rejoined) and not connected since: the status says reconnecting. */
  recovering = false;
  /** Both legs connected since the last media-lost report (a broken leg is then news to the server). */
  private mediaWasUp = false;
  /** Pending rejoin for a broken media leg. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly budget = new MediaRestartBudget();

  constructor(
    private readonly transport: TransportChoice,
    private readonly port: MediaRecoveryPort,
  ) {}

  /** The page stopped rejoining for broken media: a failed leg is then final. */
  get gaveUp(): boolean {
    return this.budget.exhausted && this.timer === undefined;
  }

  /**
   * Looks at the legs: switches the transport, or schedules (or cancels) a rejoin. A leg that
   * stays disconnected, or fails, while signaling is fine is recovered by rejoining the session
   * (the server's resume path rebuilds both legs); a leg that heals meanwhile cancels it.
   */
  watch(): void {
    const { publisher, subscriber } = this.port.legs();
    if (!this.port.isOver() && this.transport.switchNow(publisher?.state ?? null, subscriber?.state ?? null, Date.now())) {
      // Same socket: the server sees the new transport on the publish and offers our subscriber leg again.
      this.recovering = true;
      this.reportMediaLost();
      this.port.republish();
      return;
    }
    // A lone publisher that connected (the customer waiting for the agent) is as healthy as it can be.
    if (publisher?.state === 'connected' && (subscriber === null || subscriber.state === 'connected')) this.budget.healthy();
    if (publisher?.state === 'connected' && subscriber?.state === 'connected') this.mediaWasUp = true;
    const delay = this.port.isOver() ? null : mediaRestartDelayMs(publisher?.state ?? null, subscriber?.state ?? null);
    if (delay === null) {
      this.stop();
      return;
    }
    if (this.timer !== undefined || this.budget.exhausted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = this.port.legs();
      const same = now.publisher === publisher && now.subscriber === subscriber;
      const broken = mediaRestartDelayMs(publisher?.state ?? null, subscriber?.state ?? null) !== null;
      if (same && broken && !this.port.isOver() && this.budget.take()) {
        console.info(`vident: media leg broken (publisher ${publisher?.state ?? '-'}, subscriber ${subscriber?.state ?? '-'}); rejoining`);
        this.recovering = true;
        this.reportMediaLost();
        this.port.rejoin();
      }
      this.port.onChange();
    }, delay);
  }

  /** The socket's phase before the status is derived: a retrying socket is an interruption. */
  socketPhase(phase: SocketPhase): void {
    if (phase === 'retrying') this.recovering = true;
  }

  /** The status shown now: once connected, the interruption is over. */
  statusShown(status: ConnectionStatus): void {
    if (status === 'connected') this.recovering = false;
  }

  /** Cancels a pending rejoin (the call ended, or the legs are fine). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Legs that had connected broke: says so before rebuilding them. The server moves the session
   * to another node when both participants say it (the node's media path is the common factor).
   */
  private reportMediaLost(): void {
    if (!this.mediaWasUp) return;
    this.mediaWasUp = false;
    this.port.send({ type: 'media-lost' });
  }
}
