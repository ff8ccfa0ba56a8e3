import { ProbeAnswer, SessionBrowserPaths, type IceServer, type MediaTransport, type ProbeFailure, type ProbeReport } from '@vident/protocol';
import { reportEntries, summarizeLeg, type SelectedPairSummary } from './call-stats.ts';
import { legConfiguration } from './transport-fallback.ts';

/*
 * The pre-call reachability check of the media path over TCP, in the browser: a data-channel-only
 * PeerConnection whose full offer goes to `POST /v1/sessions/:id/probe` (token in Authorization);
 * the media node answers through Janus's EchoTest. Pass = the data channel opened, a random nonce
 * came back, and the selected candidate pair fits the path tested. Anything else within 10 s is a fail.
 *
 * Two paths, as the call itself tries them (transport-fallback.ts): direct ICE-TCP first; when it
 * fails on the way (not a refusal), once more through the TURN servers the first answer named,
 * relay-only over TCP/TLS. A network that lets only TCP 443 out thus passes when the call would
 * get through. Each probe is reported (and audited) on its own, with its path.
 */

export const PROBE_TIMEOUT_MS = 10_000;

export type ProbeOutcome =
  | { result: 'pass'; transport: MediaTransport; echoMs: number }
  | { result: 'fail'; transport: MediaTransport; failure: ProbeFailure; /** The server's error code when it refused. */ code?: string };

/** What went wrong on the way to the media node: a relay may get around it (a refusal or a browser without WebRTC it cannot). */
const PATH_FAILURES: ReadonlySet<ProbeFailure> = new Set(['timeout', 'ice_failed', 'no_echo', 'not_tcp', 'error']);

/** Janus's EchoTest answers text with its greeting in front ("... You wrote: <text>"). */
export function echoMatches(data: unknown, nonce: string): boolean {
  return typeof data === 'string' && data.endsWith(nonce);
}

/**
 * TCP end to end on this side, over the path tested: direct = the browser's own TCP candidate;
 * relay = a TURN relay candidate the browser reaches over TCP/TLS.
 */
export function pairFits(pair: SelectedPairSummary | null, transport: MediaTransport): boolean {
  if (pair === null) return false;
  const relayed = pair.local.candidateType === 'relay';
  if (transport === 'relay') return relayed && (pair.local.relayProtocol === 'tcp' || pair.local.relayProtocol === 'tls');
  return !relayed && pair.local.protocol === 'tcp';
}

/** Whether a failed direct probe is worth repeating through TURN: it failed on the way, and TURN servers were named. */
export function shouldProbeRelay(direct: ProbeOutcome, iceServers: readonly IceServer[]): boolean {
  return direct.transport === 'direct' && direct.result === 'fail' && PATH_FAILURES.has(direct.failure) && iceServers.length > 0;
}

/** What the audit gets from an outcome, path included (the server's error code stays in the browser). */
export function reportOf(outcome: ProbeOutcome): ProbeReport {
  return outcome.result === 'pass'
    ? { result: 'pass', transport: outcome.transport, echoMs: Math.round(outcome.echoMs) }
    : { result: 'fail', transport: outcome.transport, failure: outcome.failure };
}

export interface ProbeTarget {
  origin: string;
  sessionId: string;
  token: string;
}

/**
 * The network check: the direct probe, then the relay probe when the direct one failed on the way
 * and TURN is configured. Passes when either path passes; otherwise the last probe's failure.
 * Never throws; each probe has `timeoutMs`.
 */
export async function runNetworkProbe(target: ProbeTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeOutcome> {
  const direct = await probeOnce(target, 'direct', [], timeoutMs);
  if (!shouldProbeRelay(direct.outcome, direct.iceServers)) return direct.outcome;
  return (await probeOnce(target, 'relay', direct.iceServers, timeoutMs)).outcome;
}

/** One probe over one path; also the TURN servers its answer named (for the relay probe). Never throws. */
async function probeOnce(
  target: ProbeTarget,
  transport: MediaTransport,
  iceServers: readonly IceServer[],
  timeoutMs: number,
): Promise<{ outcome: ProbeOutcome; iceServers: IceServer[] }> {
  if (typeof RTCPeerConnection === 'undefined') return { outcome: { result: 'fail', transport, failure: 'unsupported' }, iceServers: [] };
  // The call's own leg configuration: direct = no TURN at all; relay = TURN only (iceTransportPolicy relay).
  const pc = new RTCPeerConnection(legConfiguration('all', transport, iceServers));
  let probeId: string | null = null;
  let named: IceServer[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ result: 'fail', transport, failure: 'timeout' }), timeoutMs);
  });
  // A path refused outright (e.g. a firewall resetting the TCP connections) fails ICE well before the timeout.
  const iceFailed = new Promise<ProbeOutcome>((resolve) => {
    pc.addEventListener('connectionstatechange', () => pc.connectionState === 'failed' && resolve({ result: 'fail', transport, failure: 'ice_failed' }));
  });
  const attempt = async (): Promise<ProbeOutcome> => {
    const channel = pc.createDataChannel('vident-probe');
    const opened = new Promise<void>((resolve) => channel.addEventListener('open', () => resolve(), { once: true }));
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    const res = await fetch(new URL(SessionBrowserPaths.probe(target.sessionId), target.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify({ sdp: pc.localDescription!.sdp, transport }),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) return { result: 'fail', transport, failure: 'refused', code: errorCodeOf(body) };
    const answer = ProbeAnswer.safeParse(body);
    if (!answer.success) return { result: 'fail', transport, failure: 'error' };
    probeId = answer.data.probeId;
    named = answer.data.iceServers;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.data.sdp });
    await opened;
    const nonce = randomNonce();
    const sentAt = performance.now();
    await new Promise<void>((resolve) => {
      channel.addEventListener('message', (e) => echoMatches(e.data, nonce) && resolve());
      channel.send(nonce);
    });
    const echoMs = performance.now() - sentAt;
    const pair = summarizeLeg(reportEntries(await pc.getStats())).selectedPair;
    return pairFits(pair, transport) ? { result: 'pass', transport, echoMs } : { result: 'fail', transport, failure: 'not_tcp' };
  };
  let outcome: ProbeOutcome;
  try {
    outcome = await Promise.race([
      attempt().catch((err: unknown): ProbeOutcome => {
        console.warn(`vident: network check (${transport}) failed`, err);
        return { result: 'fail', transport, failure: 'error' };
      }),
      timeout,
      iceFailed,
    ]);
  } finally {
    clearTimeout(timer);
    // Closing hangs the EchoTest handle up at once (the node also detaches it after 30 s).
    pc.close();
  }
  if (probeId !== null) void sendReport(target, probeId, reportOf(outcome));
  return { outcome, iceServers: named };
}

/** Tells the session what the customer's browser saw (audited as `precheck.network`); best effort. */
async function sendReport(target: ProbeTarget, probeId: string, report: ProbeReport): Promise<void> {
  try {
    await fetch(new URL(SessionBrowserPaths.probeResult(target.sessionId, probeId), target.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify(report),
    });
  } catch (err) {
    console.warn('vident: network check result not recorded', err);
  }
}

function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
}

function randomNonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function errorCodeOf(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
