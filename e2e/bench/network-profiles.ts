/*
 * Video over ICE-TCP on bad paths (issue 17): one real call per network profile (clean, 3g, lossy,
 * congested; infra/net-profile.ts on Janus's veth), headless Chromium with the fake camera at its
 * HD request, TCP only. The profile is applied before the pages load (a TCP socket keeps the GSO
 * size it started with). The agent's camera is switched off once the call is up, so each direction
 * of the shaped veth carries one video, the customer's (up to Janus, then down to the agent), as a
 * customer's own link would; that stream therefore crosses the profile twice (up and down): 2 %
 * loss per direction is about 4 % end to end, harsher than one bad link. Figures are the agent's
 * received video over the measured window, after a warm-up; baseline: the clean call of the same run.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Stack } from '../../infra/stack.ts';
import { applyNetProfile, JANUS_API_PORTS, janusHostVeth, NET_PROFILES, type NetProfileName } from '../../infra/net-profile.ts';
import type { LaunchedBrowser } from '../src/browser.ts';
import { customerJoinsWithConsent, framesDecoded, selectedPairs, waitUntil } from '../src/call-page.ts';
import { receivedVideo, videoWindow, type ReceivedVideo } from '../src/received-video.ts';
import { evidenceSettled } from './join-calls.ts';
import { median, type BenchRow, type BenchSection } from './report.ts';

const PROFILES: NetProfileName[] = ['clean', '3g', 'lossy', 'congested'];
const WARM_UP_S = 10;
const SAMPLE_S = 2;
/** How long the document mode is given to reach 1280x720 after the agent's guidance. */
const DOCUMENT_S = 15;

interface ProfileFigures {
  profile: NetProfileName;
  seconds: number;
  fps: number;
  /** Resolutions seen in the samples: the median one and the lowest (by pixels). */
  resolution: string;
  lowest: string;
  freezes: number;
  freezeSeconds: number;
  jitterBufferMs: number | null;
  rttMs: number | null;
  dropped: number;
  error?: string;
  /** After the window, the agent guides the ID: how soon 1280x720 arrives (maintain-resolution). */
  documentMode?: string;
  /** Why the first attempt failed, when the figures are a retry's. */
  retried?: string;
}

async function agentVideo(page: Parameters<typeof receivedVideo>[0]): Promise<ReceivedVideo> {
  const v = await receivedVideo(page);
  if (!v) throw new Error('the agent receives no video');
  return v;
}

async function profileCall(stack: Stack, chromium: LaunchedBrowser, profile: NetProfileName, callSeconds: number): Promise<ProfileFigures> {
  const applied = await applyNetProfile({ namespace: stack.janus.namespace, ...janusHostVeth(stack.janus.namespace), sparePorts: JANUS_API_PORTS }, NET_PROFILES[profile]);
  const created = await stack.bank.createSession({ externalRef: `bench-net-${profile}-${randomBytes(3).toString('hex')}`, customerName: 'Bench', locale: 'en' });
  const customer = await chromium.newParticipant();
  const agent = await chromium.newParticipant();
  try {
    await customer.page.goto(created.customerUrl);
    await agent.page.goto(created.agentUrl);
    await customerJoinsWithConsent(customer.page);
    await agent.page.getByTestId('join').click();
    for (const page of [customer.page, agent.page]) await waitUntil('frames', async () => (await framesDecoded(page)) > 10, 60_000);
    for (const pair of await selectedPairs(agent.page)) if (pair.local.protocol !== 'tcp') throw new Error(`a leg used ${pair.local.protocol}`);
    await agent.page.getByTestId('cam-toggle').click();
    await new Promise((r) => setTimeout(r, WARM_UP_S * 1000));
    const first = await agentVideo(agent.page);
    const started = performance.now();
    const sizes: Array<[number, number]> = [];
    const rtts: number[] = [];
    let last = first;
    while (performance.now() - started < callSeconds * 1000) {
      await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
      last = await agentVideo(agent.page);
      if (last.width && last.height) sizes.push([last.width, last.height]);
      if (last.rtt !== null) rtts.push(last.rtt * 1000);
    }
    const seconds = (performance.now() - started) / 1000;
    const w = videoWindow(first, last, seconds);
    if (!w.sameLeg) throw new Error('the subscriber leg was replaced during the window');
    // Then the agent guides the ID: the customer's sender keeps resolution (maintain-resolution).
    await agent.page.getByTestId('guidance-hold_id_closer').click();
    const guided = performance.now();
    let document = await agentVideo(agent.page);
    let hdAfter: number | null = null;
    while (performance.now() - guided < DOCUMENT_S * 1000) {
      await new Promise((r) => setTimeout(r, 500));
      document = await agentVideo(agent.page);
      if (document.width === 1280 && document.height === 720) {
        hdAfter = (performance.now() - guided) / 1000;
        break;
      }
    }
    const byPixels = [...sizes].sort((a, b) => a[0] * a[1] - b[0] * b[1]);
    const show = (s: [number, number] | undefined) => (s ? `${s[0]}x${s[1]}` : '—');
    return {
      profile,
      seconds,
      fps: w.fps,
      resolution: show(byPixels[Math.floor(byPixels.length / 2)]),
      lowest: show(byPixels[0]),
      freezes: w.freezes,
      freezeSeconds: w.freezeSeconds,
      jitterBufferMs: w.jitterBufferMs,
      rttMs: rtts.length ? median(rtts) : null,
      dropped: await applied.dropped(),
      documentMode: hdAfter !== null ? `1280x720 after ${hdAfter.toFixed(1)} s` : `not 1280x720 within ${DOCUMENT_S} s (${document.width}x${document.height})`,
    };
  } finally {
    await applied.remove();
    await stack.bank.deleteSession(created.sessionId).catch(() => undefined);
    await Promise.all([customer.context.close(), agent.context.close()]);
    await evidenceSettled(stack.bank, created.sessionId).catch(() => undefined);
  }
}

const f1 = (n: number) => n.toFixed(1);

export async function benchNetworkProfiles(stack: Stack, chromium: LaunchedBrowser, callSeconds = 30): Promise<BenchSection> {
  const load = loadavg()[0]!.toFixed(2);
  const results: ProfileFigures[] = [];
  for (const profile of PROFILES) {
    console.log(`[bench] network profile ${profile}`);
    // One retry: a call broken by something outside the path (e.g. wrangler dev reloading the
    // Worker when a source file changes) says nothing about the profile; the retry is noted.
    let error = '';
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const figures = await profileCall(stack, chromium, profile, callSeconds);
        results.push(attempt > 1 ? { ...figures, retried: error } : figures);
        error = '';
        break;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        console.log(`[bench] network profile ${profile}: attempt ${attempt} failed: ${error}`);
      }
    }
    if (error) results.push({ profile, seconds: 0, fps: 0, resolution: '—', lowest: '—', freezes: 0, freezeSeconds: 0, jitterBufferMs: null, rttMs: null, dropped: 0, error });
  }
  const clean = results.find((r) => r.profile === 'clean' && !r.error);
  const rows: BenchRow[] = results.map((r) => {
    const p = NET_PROFILES[r.profile] as { rateKbit?: number; lossPercent?: number };
    const what = [p.rateKbit ? `${p.rateKbit / 1000} Mbit/s` : null, p.lossPercent ? `${p.lossPercent} % loss each way` : null].filter(Boolean).join(' + ') || 'nothing applied';
    if (r.error) return { figure: `${r.profile} (${what})`, value: `failed: ${r.error}`, baseline: '—', ratio: '—' };
    return {
      figure: `${r.profile} (${what})`,
      value: `${r.resolution} (lowest ${r.lowest}), ${f1(r.fps)} fps`,
      baseline: clean ? `clean: ${clean.resolution}, ${f1(clean.fps)} fps` : '—',
      ratio: clean && clean.fps > 0 ? `${(r.fps / clean.fps).toFixed(2)}× fps` : '—',
      notes:
        `freezes ${r.freezes}, ${f1(r.freezeSeconds)} s frozen (${f1((r.freezeSeconds / r.seconds) * 100)} % of ${Math.round(r.seconds)} s); ` +
        `jitter buffer ${r.jitterBufferMs === null ? '—' : `${Math.round(r.jitterBufferMs)} ms`} per frame; RTT ${r.rttMs === null ? '—' : `${Math.round(r.rttMs)} ms`} (median); ` +
        `${r.dropped} packets dropped by the profile; once the agent guides the ID: ${r.documentMode ?? '—'}` +
        (r.retried ? `; second attempt (the first: ${r.retried})` : ''),
    };
  });
  return {
    title: 'Video over ICE-TCP on network profiles',
    method:
      `One recorded call per profile of \`infra/net-profile.ts\` on Janus's veth (htb caps with a queue of 300 ms of the rate, nftables \`numgen random\` loss; no netem on this kernel), applied before the pages load and removed after the call. Headless Chromium, fake camera asked for 1280x720 up to 30 fps, VP8, room bitrate cap 2.5 Mbit/s, keyframe request every 10 s, TCP only (direct ICE-TCP; the TURN-over-TCP path is not measured here). The agent's camera is off once the call is up, so each direction carries one video, the customer's; it crosses the profile twice (up to Janus, down to the agent), so a loss share applies about twice to it. After ${WARM_UP_S} s of warm-up, ${callSeconds} s are measured on the agent's received video: frame rate from \`framesDecoded\`, the resolution sampled every ${SAMPLE_S} s (median and lowest), \`freezeCount\` and \`totalFreezesDuration\`, jitter-buffer delay per emitted frame, and the subscriber pair's \`currentRoundTripTime\` (STUN over the same TCP connection, so it includes the queue). The figures are the face mode (\`maintain-framerate\`); after the window the agent presses the “hold your ID closer” guidance and the note says how soon the agent received 1280x720 (\`maintain-resolution\`), within ${DOCUMENT_S} s. Glass-to-glass delay is not measured (the fake camera carries no timestamp). Baseline: the clean call of the same run. 1-min load average when this section started: ${load}.`,
    rows,
  };
}
