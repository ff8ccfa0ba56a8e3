// @ts-check
/*
 * The join-time baseline: a bare page that talks to Janus's WebSocket API directly (no control
 * plane, no sidecar). Query: ?room=<id>&feed=<my feed>&peer=<other feed>[&create=1]. The page that
 * has create=1 creates the VideoRoom room; both publish and subscribe to the other's feed.
 * TCP only, exactly like the sidecar: UDP `a=candidate` lines are stripped in both directions and no
 * UDP candidate is trickled; trickle ends with `completed` (FIELD-NOTES: without it some handles
 * never reach webrtcup). The benchmark reads `window.bare` (frames decoded, candidate protocols,
 * error) and calls `window.bare.destroyRoom()` after each call.
 */

const params = new URLSearchParams(location.search);
const room = params.get('room') ?? '';
const feed = params.get('feed') ?? '';
const peer = params.get('peer') ?? '';
const creates = params.get('create') === '1';
const JOIN_RETRY_MS = 25;
const JOIN_DEADLINE_MS = 20_000;
const KEEPALIVE_MS = 25_000;

/** @type {{ error: string | null, publisher: RTCPeerConnection | null, subscriber: RTCPeerConnection | null, destroy: (() => Promise<boolean>) | null }} */
const state = { error: null, publisher: null, subscriber: null, destroy: null };
/** Milestones since navigation start, for reading where a slow join spends its time. @type {[string, number][]} */
const timeline = [];
const mark = (/** @type {string} */ what) => timeline.push([what, Math.round(performance.now())]);
/**
 * The same phases as the web app's join-phases.ts (first occurrence, ms since navigation start), so
 * the benchmark prints both side by side. `welcome` here: the Janus session and handle exist.
 * @type {Record<string, number>}
 */
const phases = {};
const phase = (/** @type {string} */ what) => (phases[what] ??= Math.round(performance.now()));
phase('page-load');

/** Same grammar as media-node/src/sdp/strip-udp-candidates.ts: `candidate:<foundation> <component> <transport> ...`. */
const transportOf = (/** @type {string} */ line) => /^(?:a=)?candidate:\S+\s+\d+\s+(\S+)\s/i.exec(line.trim())?.[1]?.toLowerCase() ?? null;
const stripUdp = (/** @type {string} */ sdp) =>
  sdp
    .split(/(?<=\r\n)/)
    .filter((line) => !/^a=candidate:/i.test(line) || transportOf(line) === 'tcp')
    .join('');

/** One Janus session over one WebSocket (subprotocol `janus-protocol`, `apisecret` on every request). */
class JanusSession {
  /** @param {WebSocket} ws @param {string} apiSecret */
  constructor(ws, apiSecret) {
    this.ws = ws;
    this.apiSecret = apiSecret;
    /** @type {number | undefined} */
    this.id = undefined;
    /** @type {Map<string, { resolve: (m: any) => void, reject: (e: Error) => void, ackOnly: boolean }>} */
    this.pending = new Map();
    /** Events Janus sends on its own (no transaction), by handle id. @type {Map<number, (m: any) => void>} */
    this.listeners = new Map();
    ws.addEventListener('message', (e) => this.receive(JSON.parse(String(e.data))));
    ws.addEventListener('close', () => fail('janus websocket closed'));
  }

  /** @param {string} url @param {string} apiSecret */
  static async open(url, apiSecret) {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', () => resolve(phase('socket-open')), { once: true });
      ws.addEventListener('error', () => reject(new Error('janus websocket failed to open')), { once: true });
    });
    const session = new JanusSession(ws, apiSecret);
    session.id = (await session.request({ janus: 'create' })).data.id;
    setInterval(() => session.request({ janus: 'keepalive' }, true).catch(fail), KEEPALIVE_MS);
    return session;
  }

  /** @param {any} message */
  receive(message) {
    const waiting = message.transaction ? this.pending.get(message.transaction) : undefined;
    if (!waiting) {
      if (message.sender) this.listeners.get(message.sender)?.(message);
      return;
    }
    // Asynchronous plugin requests answer `ack` first and the result later, same transaction.
    if (message.janus === 'ack' && !waiting.ackOnly) return;
    this.pending.delete(message.transaction);
    const pluginError = message.plugindata?.data?.error_code;
    if (message.janus === 'error') waiting.reject(new Error(`janus ${message.error?.code}: ${message.error?.reason}`));
    else if (pluginError) waiting.reject(new Error(`videoroom ${pluginError}: ${message.plugindata.data.error}`));
    else waiting.resolve(message);
  }

  /** @param {Record<string, unknown>} body @param {boolean} [ackOnly] @returns {Promise<any>} */
  request(body, ackOnly = false) {
    const transaction = crypto.randomUUID();
    return new Promise((resolve, reject) => {
      this.pending.set(transaction, { resolve, reject, ackOnly });
      this.ws.send(JSON.stringify({ ...body, transaction, apisecret: this.apiSecret, ...(this.id ? { session_id: this.id } : {}) }));
    });
  }

  async attach() {
    const handleId = (await this.request({ janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
    return {
      /** @param {Record<string, unknown>} body @param {RTCSessionDescriptionInit} [jsep] */
      message: (body, jsep) => this.request({ janus: 'message', handle_id: handleId, body, ...(jsep ? { jsep } : {}) }),
      /** @param {RTCIceCandidate | null} candidate */
      trickle: (candidate) =>
        this.request(
          { janus: 'trickle', handle_id: handleId, candidate: candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } : { completed: true } },
          true,
        ),
      /** @param {(m: any) => void} listener */
      onEvent: (listener) => this.listeners.set(handleId, listener),
    };
  }
}

/** @param {unknown} error */
function fail(error) {
  state.error ??= error instanceof Error ? error.message : String(error);
}

/**
 * A peer connection whose TCP candidates go to Janus once the remote description is set (as the
 * web app's TrickleQueue does); UDP candidates are never sent.
 * @param {{ trickle: (c: RTCIceCandidate | null) => Promise<unknown> }} handle @param {string} label
 */
function tcpOnlyPeer(handle, label) {
  const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  /** @type {(RTCIceCandidate | null)[] | null} */
  let queued = [];
  const send = (/** @type {RTCIceCandidate | null} */ c) => {
    if (c === null || c.candidate === '') handle.trickle(null).catch(fail);
    else if (transportOf(c.candidate) === 'tcp') handle.trickle(c).catch(fail);
  };
  pc.addEventListener('icecandidate', (e) => (queued ? queued.push(e.candidate) : send(e.candidate)));
  pc.addEventListener('connectionstatechange', () => {
    mark(`${label} ${pc.connectionState}`);
    if (label === 'publisher' && pc.connectionState === 'connected') phase('ice-connected');
  });
  return {
    pc,
    release() {
      for (const c of queued ?? []) send(c);
      queued = null;
    },
  };
}

/** @param {JanusSession} session */
async function subscribe(session) {
  const handle = await session.attach();
  const { pc, release } = tcpOnlyPeer(handle, 'subscriber');
  state.subscriber = pc;
  const remote = new MediaStream();
  pc.addEventListener('track', (e) => {
    remote.addTrack(e.track);
    const video = /** @type {HTMLVideoElement} */ (document.getElementById('remote'));
    if (video.srcObject !== remote) {
      video.srcObject = remote;
      video.requestVideoFrameCallback(() => {
        mark('first remote frame shown');
        phase('first-frame');
      });
    }
  });
  const attached = await handle.message({ request: 'join', ptype: 'subscriber', room, streams: [{ feed: peer }] });
  phase('subscribe-offer');
  await pc.setRemoteDescription({ type: 'offer', sdp: stripUdp(attached.jsep.sdp) });
  await pc.setLocalDescription(await pc.createAnswer());
  await handle.message({ request: 'start' }, { type: 'answer', sdp: stripUdp(pc.localDescription?.sdp ?? '') });
  mark('subscribed');
  release();
}

async function main() {
  const config = await (await fetch(`/config.json${location.search}`)).json();
  mark('config');
  // The camera as vident's pages ask for it (web/src/camera-request.ts, HD first since issue 17), so
  // both paths encode and send the same picture.
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 } } });
  mark('camera');
  phase('camera');
  const session = await JanusSession.open(config.wsUrl, config.apiSecret);
  const handle = await session.attach();
  mark('janus session');
  phase('welcome');
  if (creates) {
    const created = await handle.message({
      request: 'create', room, admin_key: config.adminKey, permanent: false, is_private: true,
      publishers: 2, audiocodec: 'opus', videocodec: 'vp8', notify_joining: false,
    });
    if (created.plugindata.data.videoroom !== 'created') throw new Error('room not created');
    state.destroy = async () =>
      (await handle.message({ request: 'destroy', room, admin_key: config.adminKey, permanent: false })).plugindata.data.videoroom === 'destroyed';
  }
  let subscribed = false;
  const subscribeOnce = (/** @type {{ id: string }[] | undefined} */ publishers) => {
    if (subscribed || !publishers?.some((p) => String(p.id) === peer)) return;
    subscribed = true;
    subscribe(session).catch(fail);
  };
  handle.onEvent((m) => subscribeOnce(m.plugindata?.data?.publishers));

  const { pc, release } = tcpOnlyPeer(handle, 'publisher');
  state.publisher = pc;
  for (const track of media.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
  await pc.setLocalDescription(await pc.createOffer());
  const offer = { type: /** @type {const} */ ('offer'), sdp: stripUdp(pc.localDescription?.sdp ?? '') };
  // Both pages start together: the joiner waits for the creator's room. Asked with `exists`, not by
  // retrying the publish: Janus's core applies an offer before the plugin refuses it, and a second
  // offer on that handle then fails with 490 "Error setting ICE locally".
  const deadline = performance.now() + JOIN_DEADLINE_MS;
  while (!(await handle.message({ request: 'exists', room })).plugindata.data.exists) {
    if (performance.now() > deadline) throw new Error(`room ${room} did not appear within ${JOIN_DEADLINE_MS} ms`);
    await new Promise((r) => setTimeout(r, JOIN_RETRY_MS));
  }
  mark('room exists');
  phase('publish-sent');
  const joined = await handle.message({ request: 'joinandconfigure', room, ptype: 'publisher', id: feed }, offer);
  mark('published');
  phase('answer');
  await pc.setRemoteDescription({ type: 'answer', sdp: stripUdp(joined.jsep.sdp) });
  release();
  subscribeOnce(joined.plugindata.data.publishers);
}

/** @param {RTCPeerConnection | null} pc */
async function selectedProtocol(pc) {
  if (!pc) return null;
  const report = [...(await pc.getStats()).values()];
  const transport = report.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = report.find((s) => s.id === transport?.selectedCandidatePairId);
  return report.find((s) => s.id === pair?.localCandidateId)?.protocol ?? null;
}

Object.assign(window, {
  bare: {
    error: () => state.error,
    timeline: () => timeline,
    phases: () => phases,
    async framesDecoded() {
      if (!state.subscriber) return 0;
      const inbound = [...(await state.subscriber.getStats()).values()].find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
      return inbound?.framesDecoded ?? 0;
    },
    /** Local candidate protocol of the selected pair: [publisher, subscriber]. */
    selectedProtocols: async () => [await selectedProtocol(state.publisher), await selectedProtocol(state.subscriber)],
    async destroyRoom() {
      if (!state.destroy) throw new Error('this page did not create the room');
      return state.destroy();
    },
  },
});
main().catch(fail);
