import { ProbeAnswer, type ProbeFailure, type ProbeReport } from '@vident/protocol';
import { reportEntries, summarizeLeg, type SelectedPairSummary } from './call-stats.ts';

/*
 * The pre-call reachability check of the media path over TCP, in the browser: a data-channel-only
 * PeerConnection whose full offer goes to `POST /v1/sessions/:id/probe` (token in Authorization);
 * the media node answers through Janus's EchoTest. Pass = the data channel opened, a random nonce
 * came back, and the selected candidate pair is TCP. Anything else within 10 s is a fail.
 */

export const PROBE_TIMEOUT_MS = 10_000;

export type ProbeOutcome =
  | { result: 'pass'; echoMs: number }
  | { result: 'fail'; failure: ProbeFailure; /** The server's error code when it refused. */ code?: string };

/** Janus's EchoTest answers text with its greeting in front ("... You wrote: <text>"). */
export function echoMatches(data: unknown, nonce: string): boolean {
  return typeof data === 'string' && data.endsWith(nonce);
}

/** TCP end to end on this side: a TCP candidate, or a relay reached over TCP/TLS. */
export function pairIsTcp(pair: SelectedPairSummary | null): boolean {
  if (pair === null) return false;
  if (pair.local.candidateType === 'relay') return pair.local.relayProtocol === 'tcp' || pair.local.relayProtocol === 'tls';
  return pair.local.protocol === 'tcp';
}

/** What the audit gets from an outcome (the server's error code stays in the browser). */
export function reportOf(outcome: ProbeOutcome): ProbeReport {
  return outcome.result === 'pass' ? { result: 'pass', echoMs: Math.round(outcome.echoMs) } : { result: 'fail', failure: outcome.failure };
}

export interface ProbeTarget {
  origin: string;
  sessionId: string;
  token: string;
}

/** Runs one probe; never throws. */
export async function runNetworkProbe(target: ProbeTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeOutcome> {
  if (typeof RTCPeerConnection === 'undefined') return { result: 'fail', failure: 'unsupported' };
  const pc = new RTCPeerConnection();
  let probeId: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ result: 'fail', failure: 'timeout' }), timeoutMs);
  });
  const attempt = async (): Promise<ProbeOutcome> => {
    const channel = pc.createDataChannel('vident-probe');
    const opened = new Promise<void>((resolve) => channel.addEventListener('open', () => resolve(), { once: true }));
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    const res = await fetch(new URL(`/v1/sessions/${encodeURIComponent(target.sessionId)}/probe`, target.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify({ sdp: pc.localDescription!.sdp }),
    });
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) return { result: 'fail', failure: 'refused', code: errorCodeOf(body) };
    const answer = ProbeAnswer.safeParse(body);
    if (!answer.success) return { result: 'fail', failure: 'error' };
    probeId = answer.data.probeId;
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
    return pairIsTcp(pair) ? { result: 'pass', echoMs } : { result: 'fail', failure: 'not_tcp' };
  };
  let outcome: ProbeOutcome;
  try {
    outcome = await Promise.race([
      attempt().catch((err: unknown): ProbeOutcome => {
        console.warn('vident: network check failed', err);
        return { result: 'fail', failure: 'error' };
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    // Closing hangs the EchoTest handle up at once (the node also detaches it after 30 s).
    pc.close();
  }
  if (probeId !== null) void sendReport(target, probeId, reportOf(outcome));
  return outcome;
}

/** Tells the session what the customer's browser saw (audited as `precheck.network`); best effort. */
async function sendReport(target: ProbeTarget, probeId: string, report: ProbeReport): Promise<void> {
  try {
    await fetch(new URL(`/v1/sessions/${encodeURIComponent(target.sessionId)}/probe/${probeId}/result`, target.origin), {
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
