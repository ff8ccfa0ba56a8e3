/*
 * Event forwarding: what Janus reports about one leg's handle becomes a NodeEvent for the control
 * plane, and the handle's end (hangup, unpublished, dropped) ends its recording segment.
 */
import { assertNever, type NodeEvent, type PeerLeg, type Role } from '@vident/protocol';
import type { HandleEvent, VideoRoomHandle } from '../janus/media-gateway.ts';

/** Which leg a handle serves. */
export interface LegPlace {
  sessionId: string;
  participant: Role;
  leg: PeerLeg;
}

/** Where a leg's events go. */
export interface LegEventSink {
  reportEvent(event: NodeEvent): void;
  /** Janus closed the publisher's recorders: its segment is over. */
  endSegment(): void;
  /** Janus dropped the handle on its own: forget it (and end a publisher's segment). */
  dropped(): void;
}

/** Forwards the Janus events that matter for one handle to the control plane. */
export function forwardLegEvents(handle: Pick<VideoRoomHandle, 'onEvent'>, place: LegPlace, sink: LegEventSink): void {
  const { leg } = place;
  handle.onEvent((event: HandleEvent) => {
    const base = { type: 'media' as const, ...place };
    switch (event.type) {
      case 'webrtcup':
        return sink.reportEvent({ ...base, event: 'webrtcup' });
      case 'media':
        return sink.reportEvent({ ...base, event: 'media', detail: `${event.media} receiving=${event.receiving}` });
      case 'slowlink':
        return sink.reportEvent({
          ...base,
          event: 'slowlink',
          detail: `${event.uplink ? 'uplink' : 'downlink'} ${event.media} lost=${event.lost}`,
        });
      case 'hangup':
        // Janus ended the PeerConnection (browser gone, ICE failed): the recorders are closed.
        if (leg === 'publisher') sink.endSegment();
        return sink.reportEvent({ ...base, event: 'hangup', detail: event.reason.slice(0, 256) });
      case 'unpublished':
        if (leg === 'publisher') sink.endSegment();
        return;
      case 'detached':
        return sink.dropped();
      default:
        return assertNever(event);
    }
  });
}
