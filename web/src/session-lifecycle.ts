import { assertNever } from '@vident/protocol';
import type { ErrorCode, QualityThresholds, RecordedCameraSignal, Role } from '@vident/protocol';
import { applyWelcome, type CallView } from './call-view.ts';
import type { MediaLegs } from './media-legs.ts';
import type { RecordingConsent } from './recording-consent.ts';
import { isFatalServerError } from './reconnect-policy.ts';
import { markPhase } from './join-phases.ts';
import { frameFamily, type FrameOf } from './server-frames.ts';

/**
 * The server frames of the session's course on this socket, but its end (`session-ended`, which
 * the call itself applies: it owns what has to stop).
 */
export const isLifecycleFrame = frameFamily(['welcome', 'peer-joined', 'peer-left', 'peer-media', 'session-state', 'queue', 'error']);
export type LifecycleFrame = FrameOf<typeof isLifecycleFrame>;

/** What the session's course needs from the call. */
export interface SessionLifecyclePort {
  readonly role: Role;
  /** The call's view: presence, the peer's media, the queue, the start, the consent prompt. */
  readonly view: CallView;
  /** `welcome` answered this socket: it is the joined one (session-connection.ts). */
  joined(): void;
  /** `welcome`'s quality part, for the agent's page (call-tools.ts). */
  welcomeQuality(quality: { thresholds?: QualityThresholds; riskFlags: RecordedCameraSignal[] }): void;
  /** Camera, then publish (media-negotiation.ts). */
  publish(): void;
  /** Said in the banner. */
  report(code: ErrorCode, message: string): void;
  /** The server refused the call for good: nothing to reconnect or recover; drop the legs and the socket. */
  giveUp(): void;
}

/**
 * The session's course as this page sees it: `welcome` on every (re)connect (the view from the
 * session, the ICE servers, the consent step, then both legs rebuilt and published again: the
 * media node drops a participant's handles when its socket goes away), the other party joining,
 * leaving and switching its media, the call's start, the queue, and the server's errors.
 */
export class SessionLifecycle {
  constructor(
    private readonly legs: MediaLegs,
    private readonly consent: RecordingConsent,
    private readonly port: SessionLifecyclePort,
  ) {}

  /** Applies one lifecycle frame (from the message chain); the caller shows the call after it. */
  handle(msg: LifecycleFrame): void {
    const { view, role } = this.port;
    switch (msg.type) {
      case 'welcome': {
        markPhase('welcome');
        this.port.joined();
        applyWelcome(view, msg);
        if (msg.quality) this.port.welcomeQuality(msg.quality);
        this.legs.transport.useIceServers(msg.iceServers ?? []);
        // The media node dropped this participant's handles with the old socket: rebuild both legs.
        this.legs.close();
        const step = this.consent.afterWelcome(msg.session.consent);
        view.consentPrompt = step === 'ask';
        if (step !== 'ask') this.port.publish();
        return;
      }
      case 'peer-joined':
        if (msg.role !== role) view.peerPresent = true;
        return;
      case 'peer-left':
        if (msg.role !== role) {
          view.peerPresent = false;
          view.remoteStream = null;
          this.legs.closeSubscriber();
        }
        return;
      case 'peer-media':
        if (msg.role !== role) view.peerMedia = { audio: msg.audio, video: msg.video };
        return;
      case 'session-state':
        if (msg.state === 'in_call') view.startedAt = msg.startedAt;
        return;
      case 'queue':
        view.queue = { position: msg.position, estimateSeconds: msg.estimateSeconds, agentsOnline: msg.agentsOnline };
        return;
      case 'error':
        // A refused decision can be corrected and sent again.
        view.decisionPending = false;
        this.port.report(msg.code, msg.message);
        // The server has no consent on record (it never got ours): ask again instead of publishing.
        if (msg.code === 'consent_required' && this.consent.askAgain()) {
          view.consentPrompt = true;
          // Only our sending leg: the other party's video keeps coming (the server will not re-offer it).
          this.legs.closePublisher();
        }
        if (isFatalServerError(msg.code)) this.port.giveUp();
        return;
      default:
        assertNever(msg);
    }
  }
}
