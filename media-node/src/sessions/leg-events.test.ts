import { describe, expect, it } from 'vitest';
import type { NodeEvent } from '@vident/protocol';
import type { HandleEvent, VideoRoomHandle } from '../janus/media-gateway.ts';
import { forwardLegEvents, type LegPlace } from './leg-events.ts';

const SESSION = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

/** Forwards `events` from a handle serving `place`; what reached the control plane and the sink. */
function forward(place: LegPlace, events: HandleEvent[]) {
  const reported: NodeEvent[] = [];
  const calls: string[] = [];
  let emit: (event: HandleEvent) => void = () => undefined;
  const handle: Pick<VideoRoomHandle, 'onEvent'> = { onEvent: (listener) => void (emit = listener) };
  forwardLegEvents(handle, place, {
    reportEvent: (event) => reported.push(event),
    endSegment: () => calls.push('endSegment'),
    dropped: () => calls.push('dropped'),
  });
  for (const event of events) emit(event);
  return { reported, calls };
}

describe('forwardLegEvents', () => {
  it('reports what Janus says about a publisher, and its hangup or unpublish ends the segment', () => {
    const place: LegPlace = { sessionId: SESSION, participant: 'customer', leg: 'publisher' };
    const { reported, calls } = forward(place, [
      { type: 'webrtcup' },
      { type: 'media', media: 'video', receiving: false },
      { type: 'slowlink', uplink: true, media: 'audio', lost: 7 },
      { type: 'hangup', reason: 'x'.repeat(300) },
      { type: 'unpublished', reason: 'kicked' },
      { type: 'detached' },
    ]);
    const base = { type: 'media', sessionId: SESSION, participant: 'customer', leg: 'publisher' };
    expect(reported).toEqual([
      { ...base, event: 'webrtcup' },
      { ...base, event: 'media', detail: 'video receiving=false' },
      { ...base, event: 'slowlink', detail: 'uplink audio lost=7' },
      { ...base, event: 'hangup', detail: 'x'.repeat(256) },
    ]);
    expect(calls).toEqual(['endSegment', 'endSegment', 'dropped']);
  });

  it('ends no segment for a subscriber', () => {
    const { reported, calls } = forward({ sessionId: SESSION, participant: 'agent', leg: 'subscriber' }, [
      { type: 'slowlink', uplink: false, media: 'video', lost: 1 },
      { type: 'hangup', reason: 'ICE failed' },
      { type: 'unpublished', reason: 'leaving' },
    ]);
    expect(reported.map((e) => (e.type === 'media' ? e.detail : undefined))).toEqual(['downlink video lost=1', 'ICE failed']);
    expect(calls).toEqual([]);
  });
});
