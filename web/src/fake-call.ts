import { vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '@vident/protocol';
import { CallController, type CallControllerOptions } from './call-controller.ts';
import type { CallView } from './call-view.ts';
import type { SignalingChannel, SignalingHandlers } from './signaling-socket.ts';

/*
 * A call controller wired to fakes, for its tests (call-controller.test.ts): a fake signaling
 * socket (the `openSocket` option) and a stand-in for RTCPeerConnection (a global, as
 * peer-legs.test.ts does). The stand-in keeps Chromium's behaviour that matters here: an operation
 * in flight when its connection closes never settles.
 */

/** One signaling socket the controller opened; the test plays the server. */
export class FakeSocket implements SignalingChannel {
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

/** RTCPeerConnection as the legs use it; `created` lists every one, publisher first. */
export class FakePeerConnection extends EventTarget {
  static created: FakePeerConnection[] = [];
  /** The gate of the next connection made (then back to open), for a leg made inside the code under test. */
  static nextGate: Promise<void> | null = null;
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
    if (FakePeerConnection.nextGate !== null) this.gate = FakePeerConnection.nextGate;
    FakePeerConnection.nextGate = null;
  }

  private op<T>(value: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new DOMException('closed', 'InvalidStateError'));
    return this.gate.then(() => (this.closed ? new Promise<T>(() => undefined) : value()));
  }
  /** Video senders of the tracks added, with the parameters last set on them. */
  readonly senders: FakeSender[] = [];
  addTransceiver(track: { kind: string }): void {
    this.senders.push(new FakeSender(track));
  }
  getSenders(): FakeSender[] {
    return this.senders;
  }
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
  /** What getStats answers, as report entries. */
  statsEntries: Array<{ id: string; type: string; [field: string]: unknown }> = [];
  getStats() {
    return this.op(() => new Map(this.statsEntries.map((e) => [e.id, e])));
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

/** RTCRtpSender as video-priority.ts uses it. */
export class FakeSender {
  parameters: Record<string, unknown> = { encodings: [{}] };
  constructor(readonly track: { kind: string }) {}
  getParameters(): Record<string, unknown> {
    return { ...this.parameters };
  }
  setParameters(parameters: Record<string, unknown>): Promise<void> {
    this.parameters = { ...parameters };
    return Promise.resolve();
  }
}

const browser = globalThis as { RTCPeerConnection?: unknown; MediaStream?: unknown };
/** The granted camera: a stream with no tracks. */
export const camera = { getTracks: () => [], getAudioTracks: () => [], getVideoTracks: () => [] } as unknown as MediaStream;

/** Lets the controller's promise chain (camera, SDP steps, queued messages) run to rest. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The server's `welcome` to `role`: recorded when consent is given, TURN servers when `turn`. */
export function welcome(opts: { role: 'customer' | 'agent'; consent?: 'not_required' | 'pending' | 'given'; turn?: boolean }): ServerMessage {
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
export function startCall(role: 'customer' | 'agent', extra: Pick<CallControllerOptions, 'deliverStill'> = {}) {
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
    ...extra,
  });
  controller.start();
  const socket = sockets[0]!;
  socket.open();
  const lastView = () => views[views.length - 1]!;
  return { controller, sockets, socket, views, lastView, errors, acquireMedia };
}

/** A call started by startCall(). */
export type FakeCall = ReturnType<typeof startCall>;

/** A controller past its first `welcome` (`opts` as for welcome()). */
export async function joinCall(role: 'customer' | 'agent', opts: { consent?: 'not_required' | 'pending' | 'given'; turn?: boolean } = {}) {
  const started = startCall(role);
  started.socket.deliver(welcome({ role, ...opts }));
  await settle();
  return started;
}

/** Answers the node's subscribe-offer, so the call has both legs; their stand-ins. */
export async function bothLegs(joined: FakeCall) {
  joined.socket.deliver({ type: 'subscribe-offer', sdp: 'offer-from-node' });
  await settle();
  const [publisher, subscriber] = FakePeerConnection.created;
  return { publisher: publisher!, subscriber: subscriber! };
}

/** Puts the stand-ins where the page finds RTCPeerConnection and MediaStream. */
export function installFakeBrowser(): void {
  FakePeerConnection.created = [];
  FakePeerConnection.nextGate = null;
  browser.RTCPeerConnection = FakePeerConnection;
  browser.MediaStream = class {
    addTrack(): void {}
  };
}

/** Takes the stand-ins away again. */
export function removeFakeBrowser(): void {
  delete browser.RTCPeerConnection;
  delete browser.MediaStream;
}
