import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LegClosedError, PublisherLeg, SubscriberLeg } from './peer-legs.ts';

/*
 * A stand-in for the browser's RTCPeerConnection with the one behaviour these tests are about, as
 * Chromium shows it (checked with Debian's Chromium: setRemoteDescription, createOffer and
 * createAnswer started before close() were still pending 2 s later): an operation in flight when
 * the connection closes never settles; one started after close() is refused.
 */
class StallingPeerConnection extends EventTarget {
  closed = false;
  localDescription: { type: string; sdp: string } | null = null;
  readonly connectionState = 'new';
  /** Operations answer only when the test says so. */
  static gate: Promise<void> = Promise.resolve();

  private op<T>(value: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new DOMException('closed', 'InvalidStateError'));
    return StallingPeerConnection.gate.then(() => (this.closed ? new Promise<T>(() => undefined) : value()));
  }
  addTransceiver(): void {}
  createOffer() {
    return this.op(() => ({ type: 'offer', sdp: 'v=0 offer' }));
  }
  createAnswer() {
    return this.op(() => ({ type: 'answer', sdp: 'v=0 answer' }));
  }
  setLocalDescription(d: { type: string; sdp: string }) {
    return this.op(() => {
      this.localDescription = d;
    });
  }
  setRemoteDescription() {
    return this.op(() => undefined);
  }
  getStats() {
    return this.op(() => new Map([['t1', { id: 't1', type: 'transport', timestamp: 1 }]]));
  }
  /** One video sender; Chromium's setParameters, too, can still be pending when the connection closes (issue 16's CI run). */
  getSenders() {
    return [
      {
        track: { kind: 'video', getSettings: () => ({ width: 1280, height: 720 }) },
        getParameters: () => ({ encodings: [{}] }),
        setParameters: () => this.op(() => undefined),
      },
    ];
  }
  close(): void {
    this.closed = true;
  }
}

const hooks = { trickle: () => undefined, onState: () => undefined };
const stream = { getTracks: () => [] } as unknown as MediaStream;
let open: () => void;

const browser = globalThis as { RTCPeerConnection?: unknown; MediaStream?: unknown };

beforeEach(() => {
  browser.RTCPeerConnection = StallingPeerConnection;
  browser.MediaStream = class {
    addTrack(): void {}
  };
  StallingPeerConnection.gate = new Promise((resolve) => (open = resolve));
});
afterEach(() => {
  delete browser.RTCPeerConnection;
  delete browser.MediaStream;
});

describe('a leg closed while an operation is in flight', () => {
  it('settles the publisher answer with LegClosedError instead of leaving it pending', async () => {
    const leg = new PublisherLeg({}, hooks);
    const accepting = leg.accept('v=0 answer');
    leg.close();
    open();
    await expect(accepting).rejects.toBeInstanceOf(LegClosedError);
  });

  it('settles the publisher offer and the subscriber answer the same way', async () => {
    const publisher = new PublisherLeg({}, hooks);
    const subscriber = new SubscriberLeg({}, hooks, () => undefined);
    const offering = publisher.createOffer(stream);
    const answering = subscriber.answer('v=0 offer');
    publisher.close();
    subscriber.close();
    open();
    await expect(offering).rejects.toBeInstanceOf(LegClosedError);
    await expect(answering).rejects.toBeInstanceOf(LegClosedError);
  });

  it('settles a send-parameter change the same way, so the call’s later steps do not wait behind it', async () => {
    const leg = new PublisherLeg({}, hooks);
    const prioritizing = leg.setVideoPriority('document');
    leg.close();
    open();
    await expect(prioritizing).rejects.toBeInstanceOf(LegClosedError);
  });

  it('refuses an operation on an already closed leg with LegClosedError, not the browser error', async () => {
    const leg = new SubscriberLeg({}, hooks, () => undefined);
    leg.close();
    open();
    await expect(leg.answer('v=0 offer')).rejects.toBeInstanceOf(LegClosedError);
  });

  it('answers no stats for a closed leg, and real ones while open', async () => {
    const leg = new PublisherLeg({}, hooks);
    open();
    expect(await leg.stats()).toEqual([{ id: 't1', type: 'transport', timestamp: 1 }]);
    StallingPeerConnection.gate = new Promise(() => undefined);
    const pending = leg.stats();
    leg.close();
    expect(await pending).toEqual([]);
  });

  it('lets a leg that stays open finish its operations', async () => {
    const leg = new SubscriberLeg({}, hooks, () => undefined);
    open();
    expect(await leg.answer('v=0 offer')).toBe('v=0 answer');
  });
});
