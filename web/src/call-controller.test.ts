import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RECORDING_CONSENT_VERSION, type ClientMessage, type ServerMessage } from '@vident/protocol';
import { CallController } from './call-controller.ts';
import type { CallView } from './call-view.ts';
import { GUIDANCE_TTL_MS } from './in-call-tools.ts';
import type { SignalingChannel, SignalingHandlers } from './signaling-socket.ts';

/*
 * The call controller through its two seams, without a browser: a fake signaling socket (the
 * `openSocket` option) and a stand-in for RTCPeerConnection (a global, as peer-legs.test.ts does).
 * The stand-in keeps Chromium's behaviour that matters here: an operation in flight when its
 * connection closes never settles.
 */

/** One signaling socket the controller opened; the test plays the server. */
class FakeSocket implements SignalingChannel {
  readonly sent: ClientMessage[] = [];
  isOpen = false;
  closed = false;

  constructor(private readonly handlers: SignalingHandlers) {}

  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.sent.push(message);
    return true;
  }
  close(): void {
    this.closed = true;
    this.isOpen = false;
  }
  open(): void {
    this.isOpen = true;
    this.handlers.onOpen();
  }
  deliver(message: ServerMessage): void {
    this.handlers.onMessage(message);
  }
  /** The messages of one type sent so far. */
  sentOf<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
  }
}

class FakePeerConnection extends EventTarget {
  static created: FakePeerConnection[] = [];
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  closed = false;
  /** Operations wait for this; a gate that never opens is a step in flight. */
  gate: Promise<void> = Promise.resolve();
  private readonly id = FakePeerConnection.created.length + 1;

  constructor(readonly config: RTCConfiguration) {
    super();
    FakePeerConnection.created.push(this);
  }

  private op<T>(value: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new DOMException('closed', 'InvalidStateError'));
    return this.gate.then(() => (this.closed ? new Promise<T>(() => undefined) : value()));
  }
  addTransceiver(): void {}
  createOffer() {
    return this.op(() => ({ type: 'offer', sdp: `offer-${this.id}` }));
  }
  createAnswer() {
    return this.op(() => ({ type: 'answer', sdp: `answer-${this.id}` }));
  }
  setLocalDescription(d: { type: string; sdp: string }) {
    return this.op(() => {
      this.localDescription = d;
    });
  }
  setRemoteDescription(d: { type: string; sdp: string }) {
    return this.op(() => {
      this.remoteDescription = d;
    });
  }
  getStats() {
    return this.op(() => new Map());
  }
  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }
  /** The browser reports a new connection state. */
  become(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
}

const browser = globalThis as { RTCPeerConnection?: unknown; MediaStream?: unknown };
const camera = { getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [] } as unknown as MediaStream;

/** Lets the controller's promise chain (camera, SDP steps, queued messages) run to rest. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function welcome(opts: { role: 'customer' | 'agent'; consent?: 'not_required' | 'pending' | 'given'; turn?: boolean }): ServerMessage {
  const other = opts.role === 'agent' ? 'customer' : 'agent';
  return {
    type: 'welcome',
    role: opts.role,
    session: {
      sessionId: 's1',
      state: 'waiting',
      customerName: 'Kim',
      locale: 'ko',
      record: opts.consent !== undefined && opts.consent !== 'not_required',
      startedAt: null,
      expiresAt: '2026-12-31T00:00:00.000Z',
      consent: opts.consent ?? 'not_required',
    },
    peer: { role: other, connected: false, audio: true, video: true },
    ...(opts.turn ? { iceServers: [{ urls: ['turns:turn.example:443?transport=tcp'], username: 'u', credential: 'c' }] } : {}),
  };
}

/** A controller wired to fakes, with what it told the page. */
function startCall(role: 'customer' | 'agent') {
  const sockets: FakeSocket[] = [];
  const views: CallView[] = [];
  const errors: { code: string; message: string }[] = [];
  const acquireMedia = vi.fn(async () => camera);
  const controller = new CallController({
    origin: 'https://vident.example',
    sessionId: 's1',
    token: 't',
    tokenExpiresAtMs: Date.now() + 3_600_000,
    role,
    acquireMedia,
    iceTransportPolicy: 'all',
    openSocket: (handlers) => {
      const socket = new FakeSocket(handlers);
      sockets.push(socket);
      return socket;
    },
    onChange: (view) => views.push(view),
    onError: (problem) => errors.push(problem),
  });
  controller.start();
  const socket = sockets[0]!;
  socket.open();
  const lastView = () => views[views.length - 1]!;
  return { controller, sockets, socket, views, lastView, errors, acquireMedia };
}

/** A controller past its first `welcome` (`opts` as for welcome()). */
async function joinCall(role: 'customer' | 'agent', opts: { consent?: 'not_required' | 'pending' | 'given'; turn?: boolean } = {}) {
  const started = startCall(role);
  started.socket.deliver(welcome({ role, ...opts }));
  await settle();
  return started;
}

/** Answers the node's subscribe-offer, so the call has both legs; their stand-ins. */
async function bothLegs(joined: ReturnType<typeof startCall>) {
  joined.socket.deliver({ type: 'subscribe-offer', sdp: 'offer-from-node' });
  await settle();
  const [publisher, subscriber] = FakePeerConnection.created;
  return { publisher: publisher!, subscriber: subscriber! };
}

let call: ReturnType<typeof startCall> | null = null;

beforeEach(() => {
  FakePeerConnection.created = [];
  browser.RTCPeerConnection = FakePeerConnection;
  browser.MediaStream = class {
    addTrack(): void {}
  };
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
  delete browser.RTCPeerConnection;
  delete browser.MediaStream;
});

describe('signaling: what the controller sends for the server messages', () => {
  it('answers welcome by publishing the camera, with a numbered ref, on the direct transport', async () => {
    call = await joinCall('agent');
    expect(call.acquireMedia).toHaveBeenCalledTimes(1);
    expect(call.socket.sentOf('publish')).toEqual([{ type: 'publish', sdp: 'offer-1', audio: true, video: true, transport: 'direct', ref: '1' }]);
    expect(call.lastView()).toMatchObject({ media: 'ready', localStream: camera, locale: 'ko', consentPrompt: false });
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
