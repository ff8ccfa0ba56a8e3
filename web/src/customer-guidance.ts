import { assertNever } from '@vident/protocol';
import type { CaptureKind, ClientMessage, GuidanceKind, Role, StillFailureCode } from '@vident/protocol';
import type { CallView } from './call-view.ts';
import { ExpiringGuidance } from './expiring-guidance.ts';
import { FACE_LAYOUT, nextLayout, type LayoutEvent, type LayoutState } from './call-layout.ts';
import { videoPriorityForGuidance, type VideoPriority } from './video-priority.ts';
import { frameFamily, type FrameOf } from './server-frames.ts';

/** The agent's frames to the customer's page. */
export const isGuidanceFrame = frameFamily(['guidance', 'still-request']);
export type GuidanceFrame = FrameOf<typeof isGuidanceFrame>;

/**
 * Takes, seals and uploads the still the agent asked for from the local camera stream
 * (ui/customer-still.ts); a failure carries the code the agent is told.
 */
export type DeliverStill = (
  request: { requestId: string; kind: CaptureKind },
  stream: MediaStream | null,
) => Promise<{ ok: true } | { ok: false; code: StillFailureCode; detail: string }>;

/** What the customer's page needs from the call to follow the agent. */
export interface CustomerGuidancePort {
  /** Only the customer's page follows the agent. */
  readonly role: Role;
  /** The call's view: guidance and layout are written here, localStream and ended read. */
  readonly view: CallView;
  /** Absent: this page takes no stills (the agent is told `no_camera`). */
  readonly deliverStill: DeliverStill | undefined;
  /** Sends on the signaling socket (`still-failed`). */
  send(message: ClientMessage): boolean;
  /** What the camera's sender keeps under pressure (CallController.setVideoPriority). */
  setVideoPriority(priority: VideoPriority): void;
  /** Something changed outside a server message (a timer, a delivered still): show the call again. */
  emit(): void;
}

/**
 * What the agent directs on the customer's page (issue 17): the instruction over the self-view
 * (`guidance`, expiring-guidance.ts), the layout for an ID side (call-layout.ts) with the one timer
 * that brings it back to the face, the video sender's priority that follows both, and the still
 * the agent asks for (`still-request`). The agent's page ignores these frames.
 */
export class CustomerGuidance {
  /** The customer's overlay (never shown on the agent's page). */
  private readonly guidance = new ExpiringGuidance(() => {
    this.port.view.guidance = null;
    this.port.emit();
  });
  private layoutState: LayoutState = FACE_LAYOUT;
  private layoutTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly port: CustomerGuidancePort) {}

  /** Applies one of the agent's frames (from the message chain); the agent's own page ignores them. */
  handle(msg: GuidanceFrame): void {
    if (this.port.role !== 'customer') return;
    switch (msg.type) {
      case 'guidance':
        this.guide(msg.kind);
        return;
      case 'still-request':
        this.answerStill(msg);
        return;
      default:
        assertNever(msg);
    }
  }

  /** The agent's `guidance`: the overlay, the sender's priority and the layout follow it. */
  private guide(kind: GuidanceKind): void {
    this.guidance.receive(kind);
    this.port.view.guidance = this.guidance.shown;
    const priority = videoPriorityForGuidance(kind);
    if (priority !== null) this.port.setVideoPriority(priority);
    this.changeLayout({ type: 'guidance', kind });
  }

  /**
   * The agent asked for a still of this page's camera: the document layout for an ID side, then the
   * still, outside the message chain (sealing and uploading take a moment; nothing should wait for
   * it). A failure goes back to the agent with its code.
   */
  private answerStill(request: { requestId: string; kind: CaptureKind }): void {
    const { view } = this.port;
    this.changeLayout({ type: 'still-request', kind: request.kind });
    const deliver = this.port.deliverStill;
    const delivered = deliver
      ? deliver(request, view.localStream).catch((err: unknown) => ({ ok: false as const, code: 'encode_failed' as const, detail: err instanceof Error ? err.message : String(err) }))
      : Promise.resolve({ ok: false as const, code: 'no_camera' as const, detail: 'this page takes no stills' });
    void delivered.then((outcome) => {
      if (view.ended) return;
      if (!outcome.ok) {
        console.warn(`vident: the ${request.kind} still was not delivered (${outcome.code}): ${outcome.detail}`);
        this.port.send({ type: 'still-failed', requestId: request.requestId, code: outcome.code });
      }
      this.changeLayout({ type: 'still-done', kind: request.kind });
      this.port.emit();
    });
  }

  /** The call ended: no overlay, the face layout, no timer left. */
  stop(): void {
    this.guidance.stop();
    this.port.view.guidance = null;
    clearTimeout(this.layoutTimer);
    this.layoutState = FACE_LAYOUT;
    this.port.view.layout = 'face';
  }

  /** Applies a layout event; the video sender's priority follows the layout, and one timer its expiry. */
  private changeLayout(event: LayoutEvent): void {
    const { view } = this.port;
    const before = this.layoutState;
    this.layoutState = nextLayout(before, event, Date.now());
    view.layout = this.layoutState.layout;
    if (this.layoutState.layout !== before.layout) this.port.setVideoPriority(this.layoutState.layout);
    clearTimeout(this.layoutTimer);
    const until = this.layoutState.until;
    if (until === null || view.ended) return;
    this.layoutTimer = setTimeout(() => {
      this.changeLayout({ type: 'tick' });
      this.port.emit();
    }, Math.max(0, until - Date.now()));
  }
}
