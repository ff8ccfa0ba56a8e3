import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RECORDING_CONSENT_VERSION, type ServerMessage } from '@vident/protocol';
import { GUIDANCE_TTL_MS } from './in-call-tools.ts';
import { AFTER_STILL_MS } from './call-layout.ts';
import { FakePeerConnection, bothLegs, camera, installFakeBrowser, joinCall, removeFakeBrowser, settle, startCall, welcome, type FakeCall } from './fake-call.ts';

/*
 * The call controller through its two seams, without a browser: the signaling socket and the peer
 * connections are fakes (fake-call.ts); each test plays the server and the browser and checks what
 * the controller sent and what it showed.
 */
let call: FakeCall | null = null;

beforeEach(() => {
  installFakeBrowser();
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(async () => {
  vi.useRealTimers();
  // Ends the call (on its current socket) so no timer of it outlives the test.
  const current = call?.sockets[call.sockets.length - 1];
  if (current && !current.isOpen) current.open();
  current?.deliver({ type: 'session-ended', state: 'cancelled', reason: 'cancelled_by_agent', endedAt: '2026-12-31T00:00:00.000Z', durationMs: 0 });
  await settle();
  call = null;
  vi.restoreAllMocks();
  removeFakeBrowser();
});

describe('signaling: what the controller sends for the server messages', () => {
  it('answers welcome by publishing the camera, with a numbered ref, on the direct transport', async () => {
    call = await joinCall('agent');
    expect(call.acquireMedia).toHaveBeenCalledTimes(1);
    expect(call.socket.sentOf('publish')).toEqual([{ type: 'publish', sdp: 'offer-1', audio: true, video: true, transport: 'direct', ref: '1' }]);
    expect(call.lastView()).toMatchObject({ media: 'ready', localStream: camera, locale: 'ko', consentPrompt: false });
  });

  it("builds the agent's publisher leg and offer before welcome, and publishes them at welcome", async () => {
    call = startCall('agent');
    await settle();
    // Camera up, leg and offer ready, nothing sent: the call may not publish before welcome.
    expect(FakePeerConnection.created).toHaveLength(1);
    expect(FakePeerConnection.created[0]!.localDescription).toEqual({ type: 'offer', sdp: 'offer-1' });
    expect(call.socket.sentOf('publish')).toEqual([]);
    call.socket.deliver(welcome({ role: 'agent' }));
    await settle();
    expect(FakePeerConnection.created).toHaveLength(1);
    expect(FakePeerConnection.created[0]!.closed).toBe(false);
    expect(call.socket.sentOf('publish')).toEqual([{ type: 'publish', sdp: 'offer-1', audio: true, video: true, transport: 'direct', ref: '1' }]);
  });

  it("keeps a direct leg's UDP candidates on the page; TCP ones and the end marker follow the answer", async () => {
    call = await joinCall('agent');
    const publisher = FakePeerConnection.created[0]!;
    const emit = (line: string | null) =>
      publisher.dispatchEvent(
        Object.assign(new Event('icecandidate'), {
          candidate: line === null ? null : { candidate: line, toJSON: () => ({ candidate: line, sdpMid: '0', sdpMLineIndex: 0 }) },
        }),
      );
    emit('candidate:1 1 udp 2122260223 10.0.0.2 54321 typ host');
    emit('candidate:2 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active');
    emit(null);
    call.socket.deliver({ type: 'published', sdp: 'answer-from-node', ref: '1' });
    await settle();
    expect(call.socket.sentOf('trickle').map((m) => m.candidate?.candidate ?? null)).toEqual(['candidate:2 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active', null]);
  });

  it("prepares no customer's leg before welcome (its camera waits for it)", async () => {
    call = startCall('customer');
    await settle();
    expect(call.acquireMedia).not.toHaveBeenCalled();
    expect(FakePeerConnection.created).toHaveLength(0);
  });

  it('takes peer-joined into the view and sends nothing for it', async () => {
    call = await joinCall('agent');
    const before = call.socket.sent.length;
    call.socket.deliver({ type: 'peer-joined', role: 'customer' });
    await settle();
    expect(call.socket.sent).toHaveLength(before);
    expect(call.lastView().peerPresent).toBe(true);
  });

  it('applies the answer to its latest publish only, and answers a subscribe-offer', async () => {
    call = await joinCall('agent');
    const publisher = FakePeerConnection.created[0]!;
    call.socket.deliver({ type: 'published', sdp: 'stale-answer', ref: '0' });
    await settle();
    expect(publisher.remoteDescription).toBeNull();
    call.socket.deliver({ type: 'published', sdp: 'answer-from-node', ref: '1' });
    call.socket.deliver({ type: 'subscribe-offer', sdp: 'offer-from-node' });
    await settle();
    expect(publisher.remoteDescription).toEqual({ type: 'answer', sdp: 'answer-from-node' });
    const subscriber = FakePeerConnection.created[1]!;
    expect(subscriber.remoteDescription).toEqual({ type: 'offer', sdp: 'offer-from-node' });
    expect(call.socket.sentOf('subscribe-answer')).toEqual([{ type: 'subscribe-answer', sdp: 'answer-2' }]);
  });
});

describe("the publisher's answer beside the subscriber's (issue 16)", () => {
  const gated = () => {
    let open!: () => void;
    FakePeerConnection.nextGate = new Promise<void>((resolve) => (open = resolve));
    return () => open();
  };

  it("applies the publish's answer while the subscriber's answer is still being made", async () => {
    call = await joinCall('agent');
    const publisher = FakePeerConnection.created[0]!;
    const open = gated();
    call.socket.deliver({ type: 'subscribe-offer', sdp: 'offer-from-node' });
    call.socket.deliver({ type: 'published', sdp: 'answer-from-node', ref: '1' });
    await settle();
    expect(publisher.remoteDescription).toEqual({ type: 'answer', sdp: 'answer-from-node' });
    expect(call.socket.sentOf('subscribe-answer')).toEqual([]);
    open();
    await settle();
    expect(call.socket.sentOf('subscribe-answer')).toEqual([{ type: 'subscribe-answer', sdp: 'answer-2' }]);
  });

  it("lets the subscriber's candidates go only after its answer, even if a `subscribed` comes first", async () => {
    call = await joinCall('agent');
    const open = gated();
    call.socket.deliver({ type: 'subscribe-offer', sdp: 'offer-from-node' });
    await settle();
    // A late `subscribed` (for an earlier answer) while this answer is being made.
    call.socket.deliver({ type: 'subscribed' });
    const subscriber = FakePeerConnection.created[1]!;
    const line = 'candidate:2 1 tcp 1518280447 10.0.0.2 9 typ host tcptype active';
    subscriber.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { candidate: line, toJSON: () => ({ candidate: line, sdpMid: '0', sdpMLineIndex: 0 }) } }));
    await settle();
    expect(call.socket.sentOf('trickle')).toEqual([]);
    open();
    await settle();
    const sent = call.socket.sent.map((m) => m.type).filter((t) => t === 'subscribe-answer' || t === 'trickle');
    expect(sent).toEqual(['subscribe-answer', 'trickle']);
  });

  it('drops the answer being made when the other party leaves meanwhile', async () => {
    call = await joinCall('agent');
    const open = gated();
    call.socket.deliver({ type: 'subscribe-offer', sdp: 'offer-from-node' });
    call.socket.deliver({ type: 'peer-left', role: 'customer' });
    await settle();
    open();
    await settle();
    expect(FakePeerConnection.created[1]!.closed).toBe(true);
    expect(call.socket.sentOf('subscribe-answer')).toEqual([]);
    expect(call.errors).toEqual([]);
  });
});

describe('consent gates publishing', () => {
  it('asks a recorded customer first: no camera, no publish until accepted', async () => {
    call = await joinCall('customer', { consent: 'pending' });
    expect(call.lastView().consentPrompt).toBe(true);
    expect(call.acquireMedia).not.toHaveBeenCalled();
    expect(call.socket.sentOf('publish')).toEqual([]);

    call.controller.acceptConsent();
    await settle();
    expect(call.socket.sent.map((m) => m.type)).toEqual(['consent', 'publish']);
    expect(call.socket.sentOf('consent')).toEqual([{ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: true }]);
    expect(call.lastView().consentPrompt).toBe(false);
  });

  it('sends a refusal and never publishes when the customer declines', async () => {
    call = await joinCall('customer', { consent: 'pending' });
    call.controller.declineConsent();
    await settle();
    expect(call.socket.sent).toEqual([{ type: 'consent', version: RECORDING_CONSENT_VERSION, accepted: false }]);
    call.controller.acceptConsent();
    await settle();
    expect(call.socket.sentOf('publish')).toEqual([]);
  });

  it('resends an acceptance the server never stored after a reconnect, then publishes', async () => {
    call = await joinCall('customer', { consent: 'pending' });
    call.controller.acceptConsent();
    await settle();
    call.socket.deliver(welcome({ role: 'customer', consent: 'pending' }));
    await settle();
    expect(call.socket.sent.map((m) => m.type)).toEqual(['consent', 'publish', 'consent', 'publish']);
    expect(call.lastView().consentPrompt).toBe(false);
  });

  it('asks again on consent_required and drops only the sending leg', async () => {
    call = await joinCall('customer', { consent: 'pending' });
    call.controller.acceptConsent();
    await settle();
    const { publisher, subscriber } = await bothLegs(call);
    call.socket.deliver({ type: 'error', code: 'consent_required', message: 'no consent on record' });
    await settle();
    expect(call.lastView().consentPrompt).toBe(true);
    expect(publisher.closed).toBe(true);
    expect(subscriber.closed).toBe(false);
    expect(call.errors).toEqual([{ code: 'consent_required', message: 'no consent on record' }]);
  });

  it('does not gate the agent', async () => {
    call = await joinCall('agent', { consent: 'pending' });
    expect(call.lastView().consentPrompt).toBe(false);
    expect(call.socket.sentOf('publish')).toHaveLength(1);
  });
});

describe('media legs', () => {
  it('drops both legs on media-moved and publishes again on the same socket', async () => {
    call = await joinCall('agent');
    const { publisher, subscriber } = await bothLegs(call);
    call.socket.deliver({ type: 'media-moved' });
    await settle();
    expect(publisher.closed).toBe(true);
    expect(subscriber.closed).toBe(true);
    expect(call.sockets).toHaveLength(1);
    expect(call.socket.sentOf('publish').map((m) => m.ref)).toEqual(['1', '2']);
    expect(FakePeerConnection.created[2]!.closed).toBe(false);
  });

  it('does not stall on a leg closed under a pending step: later server messages are still handled', async () => {
    call = await joinCall('agent', { turn: true });
    const publisher = FakePeerConnection.created[0]!;
    // The answer is being applied when the leg fails and the page switches to TURN (closing it).
    publisher.gate = new Promise(() => undefined);
    call.socket.deliver({ type: 'published', sdp: 'answer-from-node', ref: '1' });
    await settle();
    publisher.become('failed');
    await settle();
    expect(publisher.closed).toBe(true);
    expect(call.socket.sentOf('publish').map((m) => [m.ref, m.transport])).toEqual([
      ['1', 'direct'],
      ['2', 'relay'],
    ]);
    call.socket.deliver({ type: 'chat', from: 'customer', text: 'still there?', at: '2026-12-31T00:00:01.000Z' });
    await settle();
    expect(call.lastView().chat).toEqual([{ from: 'customer', text: 'still there?', at: '2026-12-31T00:00:01.000Z' }]);
    expect(call.errors).toEqual([]);
  });

  it('reports media-lost and rejoins on a new socket when a connected leg stays broken', async () => {
    call = await joinCall('agent');
    const { publisher, subscriber } = await bothLegs(call);
    // From here the rejoin timer is the test's to run.
    vi.useFakeTimers();
    publisher.become('connected');
    subscriber.become('connected');
    subscriber.become('failed');
    expect(call.lastView().status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(600);
    expect(call.socket.sentOf('media-lost')).toHaveLength(1);
    expect(publisher.closed && subscriber.closed).toBe(true);
    expect(call.sockets).toHaveLength(2);
    expect(call.socket.closed).toBe(true);
  });
});

describe('in-call tools', () => {
  it('shows the agent\'s guidance on the customer\'s page until it expires', async () => {
    call = await joinCall('customer');
    vi.useFakeTimers();
    call.socket.deliver({ type: 'guidance', kind: 'tilt_card' });
    await vi.advanceTimersByTimeAsync(0);
    expect(call.lastView().guidance?.kind).toBe('tilt_card');
    await vi.advanceTimersByTimeAsync(GUIDANCE_TTL_MS);
    expect(call.lastView().guidance).toBeNull();
  });

  it('sends the ID as the camera gives it while the agent guides it, and the face at what the path carries', async () => {
    const video = { kind: 'video', enabled: true, readyState: 'live', stop: () => undefined, getSettings: () => ({ height: 720 }) };
    const withVideo = { getTracks: () => [video], getAudioTracks: () => [], getVideoTracks: () => [video] } as unknown as MediaStream;
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    call = startCall('customer');
    call.acquireMedia.mockImplementation(async () => withVideo);
    call.socket.deliver(welcome({ role: 'customer' }));
    await settle();
    vi.useFakeTimers();
    const publisher = FakePeerConnection.created[0]!;
    // A 3g path: 1.1 Mbit/s of bandwidth estimate on the publisher's pair.
    publisher.statsEntries = [
      { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
      { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded', availableOutgoingBitrate: 1_100_000 },
    ];
    call.socket.deliver({ type: 'published', sdp: 'answer-from-node', ref: '1' });
    await vi.advanceTimersByTimeAsync(2500);
    const sender = publisher.senders[0]!;
    const sent = () => {
      const encoding = (sender.parameters.encodings as Array<{ scaleResolutionDownBy: number; maxFramerate: number }>)[0]!;
      return `${sender.parameters.degradationPreference} /${encoding.scaleResolutionDownBy} ${encoding.maxFramerate}fps`;
    };
    expect(sent()).toBe('maintain-resolution /2 30fps');
    for (const [kind, expected] of [
      ['show_back', 'maintain-resolution /1 30fps'],
      ['more_light', 'maintain-resolution /1 30fps'],
      ['face_camera', 'maintain-resolution /2 30fps'],
      ['hold_id_closer', 'maintain-resolution /1 30fps'],
      ['clear', 'maintain-resolution /2 30fps'],
    ] as const) {
      call.socket.deliver({ type: 'guidance', kind });
      await vi.advanceTimersByTimeAsync(0);
      expect(sent(), kind).toBe(expected);
    }
  });

  it("answers the agent's still request on the customer's page: document layout, the still, back to the face", async () => {
    const deliverStill = vi.fn(async () => ({ ok: true as const }));
    call = startCall('customer', { deliverStill });
    call.socket.deliver(welcome({ role: 'customer' }));
    await settle();
    vi.useFakeTimers();
    call.socket.deliver({ type: 'still-request', requestId: '0123456789abcdef', kind: 'id_front' });
    await vi.advanceTimersByTimeAsync(0);
    expect(deliverStill).toHaveBeenCalledWith({ type: 'still-request', requestId: '0123456789abcdef', kind: 'id_front' }, camera);
    expect(call.views.some((v) => v.layout === 'document')).toBe(true);
    expect(call.socket.sentOf('still-failed')).toEqual([]);
    await vi.advanceTimersByTimeAsync(AFTER_STILL_MS);
    expect(call.lastView().layout).toBe('face');
  });

  it("tells the agent through the session when the customer's still fails, with its code", async () => {
    const deliverStill = vi.fn(async () => ({ ok: false as const, code: 'no_camera' as const, detail: 'none' }));
    call = startCall('customer', { deliverStill });
    call.socket.deliver(welcome({ role: 'customer' }));
    await settle();
    call.socket.deliver({ type: 'still-request', requestId: 'fedcba9876543210', kind: 'face' });
    await settle();
    expect(call.socket.sentOf('still-failed')).toEqual([{ type: 'still-failed', requestId: 'fedcba9876543210', code: 'no_camera' }]);
    expect(call.lastView().layout).toBe('face');
  });

  it("asks the customer's device for a still when the agent captures, and shows its answer", async () => {
    call = await joinCall('agent');
    expect(call.controller.requestStill('id_back')).toBe(true);
    expect(call.socket.sentOf('still-request')).toEqual([{ type: 'still-request', kind: 'id_back' }]);
    expect(call.lastView().customerStills.id_back?.status).toBe('requested');
    call.socket.deliver({ type: 'still-stored', requestId: '0123456789abcdef', kind: 'id_back', artifactId: 'still-abcdefgh-id-back-01234567', width: 1920, height: 1080 });
    await settle();
    expect(call.lastView().customerStills.id_back).toEqual({ status: 'stored', artifactId: 'still-abcdefgh-id-back-01234567', width: 1920, height: 1080 });
    // Only the agent asks.
    const customer = await joinCall('customer');
    expect(customer.controller.requestStill('face')).toBe(false);
    customer.socket.deliver({ type: 'session-ended', state: 'cancelled', reason: 'cancelled_by_agent', endedAt: '2026-12-31T00:00:00.000Z', durationMs: 0 });
    await settle();
  });

  it('sends the trimmed chat line and shows what the server relays', async () => {
    call = await joinCall('customer');
    expect(call.controller.sendChat('  hello  ')).toBe(true);
    expect(call.controller.sendChat('   ')).toBe(false);
    expect(call.socket.sentOf('chat')).toEqual([{ type: 'chat', text: 'hello' }]);
    call.socket.deliver({ type: 'chat', from: 'customer', text: 'hello', at: '2026-12-31T00:00:00.000Z' });
    call.socket.deliver({ type: 'chat', from: 'agent', text: 'hi', at: '2026-12-31T00:00:02.000Z' });
    await settle();
    expect(call.lastView().chat.map((c) => `${c.from}: ${c.text}`)).toEqual(['customer: hello', 'agent: hi']);
  });
});

describe('the agent’s review (issue 14)', () => {
  const check = { kind: 'mois-id', result: 'pass' as const, reference: 'MOIS-1', checkedAt: '2026-12-03T01:00:00.000Z' };

  it('sends the confirmed document and takes the session’s confirmation and the bank’s checks into the view', async () => {
    call = await joinCall('agent');
    expect(call.lastView().customerName).toBe('Kim');
    const document = { type: 'passport' as const, fields: { name: 'KIM' }, sources: { name: 'ocr' as const }, plausibility: [] };
    expect(call.controller.confirmDocument(document)).toBe(true);
    expect(call.socket.sentOf('document-confirm')).toEqual([{ type: 'document-confirm', document }]);
    call.socket.deliver({ type: 'document-confirmed', documentType: 'passport', confirmedAt: '2026-12-03T01:00:00.000Z' });
    call.socket.deliver({ type: 'bank-check', check });
    await settle();
    expect(call.lastView().review).toMatchObject({ documentConfirmed: true, documentConfirmedAt: '2026-12-03T01:00:00.000Z', bankChecks: [check] });
  });

  it('takes a reloaded page’s review from welcome, and a customer cannot confirm a document', async () => {
    call = await joinCall('agent');
    call.socket.deliver({ ...welcome({ role: 'agent' }), documentConfirmed: true, bankChecks: [check] } as ServerMessage);
    await settle();
    expect(call.lastView().review).toMatchObject({ documentConfirmed: true, bankChecks: [check] });
    const customer = await joinCall('customer');
    expect(customer.controller.confirmDocument({ type: 'unknown', fields: { name: 'x' }, sources: {}, plausibility: [] })).toBe(false);
    expect(customer.socket.sentOf('document-confirm')).toEqual([]);
    customer.socket.deliver({ type: 'session-ended', state: 'cancelled', reason: 'cancelled_by_agent', endedAt: '2026-12-31T00:00:00.000Z', durationMs: 0 });
    await settle();
  });

  it('sends a face-match result and shows it as the session recorded it, also from a reloaded welcome', async () => {
    call = await joinCall('agent');
    expect(call.lastView().review.faceThresholds).toEqual({ match: 0.5, noMatch: 0.4 });
    const result = {
      kind: 'capture' as const,
      score: 0.71,
      band: 'match' as const,
      thresholds: { match: 0.5, noMatch: 0.4 },
      model: { name: 'human-faceres', version: '3.3.6' },
      samples: 1,
      measuredAt: '2026-12-03T01:00:00.000Z',
    };
    expect(call.controller.sendFaceMatch(result)).toBe(true);
    expect(call.socket.sentOf('face-match')).toEqual([{ type: 'face-match', result }]);
    expect(call.lastView().review.faceMatches.capture).toBeNull();
    const recorded = { ...result, recordedAt: '2026-12-03T01:00:01.000Z' };
    call.socket.deliver({ type: 'face-match-recorded', result: recorded });
    await settle();
    expect(call.lastView().review.faceMatches).toEqual({ capture: recorded, call: null });
    call.socket.deliver({ ...welcome({ role: 'agent' }), faceMatch: { thresholds: { match: 0.6, noMatch: 0.45 }, results: [recorded] } } as ServerMessage);
    await settle();
    expect(call.lastView().review).toMatchObject({ faceThresholds: { match: 0.6, noMatch: 0.45 }, faceMatches: { capture: recorded, call: null } });
  });
});
