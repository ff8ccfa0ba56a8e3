/*
 * The node's standing link to the control plane: registration (retried until it answers; its
 * answer carries the heartbeat period and the bank key recordings are sealed with), the heartbeat
 * loop (load, Janus state, the rooms held; the answer's fleet status and rooms to release), and
 * the delivery of node events with a few retries. A heartbeat can be sent at once (`beatNow`),
 * e.g. when the Janus connection drops, so the control plane moves the calls without waiting.
 */
import { importBankPublicKey, type BankPublicKey, type NodeEvent, type NodeHeartbeat, type NodeRegistration } from '@vident/protocol';
import type { z } from 'zod';
import { backoff, retryWithBackoff, sleep } from '../backoff.ts';
import { ControlPlaneError, type ControlPlaneClient } from './control-plane-client.ts';

/** The client, what to register and report, and where released rooms and logs go. */
export interface ControlPlaneLinkOptions {
  client: Pick<ControlPlaneClient, 'register' | 'heartbeat' | 'postEvent'>;
  registration: z.input<typeof NodeRegistration>;
  /** The control plane's URL, for the logs. */
  controlPlaneUrl: string;
  /** The longest heartbeat period (HEARTBEAT_INTERVAL_MS); the control plane may ask for shorter. */
  heartbeatIntervalMs: number;
  /** What the next heartbeat reports, read when it is sent. */
  heartbeat: () => Promise<z.input<typeof NodeHeartbeat>>;
  /** The control plane disowns these rooms (sessions ended or moved off while the node could not hear it). */
  release: (sessionIds: string[]) => void;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Whether the control plane acts on an event. Janus's `media` (receiving on/off) and `slowlink`
 * reports, and anything about a subscriber leg (its `webrtcup`, its `hangup`), only ever became a
 * console line in the browser; `recording-ready` is superseded by the evidence upload (a recording
 * exists for the control plane once its upload is verified): each of them would cost an HTTP
 * request, a registry lookup and a session call for nothing, the subscriber's `webrtcup` right when
 * a call's media starts (issue 16). What it acts on of a leg: a publisher's `webrtcup` and `hangup`.
 */
export function crossesToControlPlane(event: NodeEvent): boolean {
  if (event.type === 'recording-ready') return false;
  if (event.type !== 'media') return true;
  return event.leg === 'publisher' && event.event !== 'media' && event.event !== 'slowlink';
}

/** Registration, heartbeats and event delivery, until `stop()`. */
export class ControlPlaneLink {
  private stopped = false;
  private heartbeatMs: number;
  private fleetStatus = 'live';
  private wakeHeartbeat: (() => void) | null = null;
  private key: BankPublicKey | null = null;

  constructor(private readonly opts: ControlPlaneLinkOptions) {
    this.heartbeatMs = opts.heartbeatIntervalMs;
  }

  /** The bank's key from the registration answer; null before it or when the control plane has none usable. */
  get bankKey(): BankPublicKey | null {
    return this.key;
  }

  /**
   * Registers (retrying until the control plane answers), then calls `onRegistered` (work that
   * needs the control plane to know this node) and sends heartbeats until `stop()`.
   */
  async run(onRegistered: () => void): Promise<void> {
    await this.register();
    if (this.stopped) return;
    onRegistered();
    await this.heartbeatLoop();
  }

  /** Sends the next heartbeat now instead of at the end of the period. */
  beatNow(): void {
    this.wakeHeartbeat?.();
  }

  /**
   * Reports an event (fire and forget): a few tries with backoff; a 4xx is not retried. Only what
   * the control plane acts on crosses HTTP (crossesToControlPlane); a slow link stays in this log.
   */
  reportEvent(event: NodeEvent): void {
    if (!crossesToControlPlane(event)) {
      if (event.type === 'media' && event.event === 'slowlink') this.opts.log.info({ sessionId: event.sessionId, participant: event.participant, leg: event.leg, detail: event.detail }, 'slow link');
      return;
    }
    void (async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await this.opts.client.postEvent(event);
          return;
        } catch (err) {
          if (err instanceof ControlPlaneError && err.status >= 400 && err.status < 500) break;
          await sleep(backoff(attempt));
        }
      }
      this.opts.log.warn({ event: event.type, sessionId: event.sessionId }, 'could not deliver node event');
    })();
  }

  /** No more registration attempts or heartbeats (the sidecar is shutting down). */
  stop(): void {
    this.stopped = true;
  }

  private register(): Promise<void> {
    const { client, registration, log } = this.opts;
    return retryWithBackoff(
      async () => {
        const answer = await client.register(registration);
        this.heartbeatMs = Math.max(100, Math.min(answer.heartbeatIntervalMs, this.opts.heartbeatIntervalMs));
        this.key = await this.useBankKey(answer.evidencePublicKey);
        log.info({ controlPlane: this.opts.controlPlaneUrl, nodeId: registration.nodeId }, 'registered with the control plane');
      },
      {
        stopped: () => this.stopped,
        onFailure: (err, retryInMs) => log.warn({ err: (err as Error).message, retryInMs: Math.round(retryInMs) }, 'registration failed'),
      },
    );
  }

  private async heartbeatLoop(): Promise<void> {
    const { log } = this.opts;
    const nodeId = this.opts.registration.nodeId;
    while (!this.stopped) {
      await Promise.race([sleep(this.heartbeatMs), new Promise<void>((wake) => (this.wakeHeartbeat = wake))]);
      this.wakeHeartbeat = null;
      if (this.stopped) return;
      try {
        const { status, release } = await this.opts.client.heartbeat(await this.opts.heartbeat());
        // Rooms of sessions that ended or moved off while we could not hear it: none is left behind.
        this.opts.release(release);
        if (status !== this.fleetStatus) {
          this.fleetStatus = status;
          // The operator's cue: a drained node has no session left and may be stopped.
          if (status === 'drained') log.info({ nodeId }, 'drained: safe to stop');
          else log.info({ nodeId, status }, `fleet status: ${status}`);
        }
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'heartbeat failed');
        // The control plane lost our registration (e.g. restarted without state): register again.
        if (err instanceof ControlPlaneError && err.status === 404) await this.register();
      }
    }
  }

  private async useBankKey(pem: string | null): Promise<BankPublicKey | null> {
    const { log } = this.opts;
    if (pem === null) {
      log.warn({}, 'the control plane has no bank public key: recordings cannot be sealed and stay on this node');
      return null;
    }
    try {
      const key = await importBankPublicKey(pem);
      log.info({ bankKeyId: key.keyId }, 'sealing evidence with the bank key');
      return key;
    } catch (err) {
      log.error({ err: (err as Error).message }, 'the bank public key from the control plane is unusable');
      return null;
    }
  }
}
