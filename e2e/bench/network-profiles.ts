/*
 * Video over TCP on bad paths (issue 17): real calls per network profile (clean, 3g, lossy,
 * congested; infra/net-profile.ts on Janus's veth), each over direct ICE-TCP and over TURN over TCP
 * (coturn in Janus's namespace, infra/turn-server.ts; direct ICE-TCP refused by a table of this
 * bench, as a network that lets only 443 out would, so both pages fall back to the relay). Headless
 * Chromium plays a 1280x720 30 fps clip as its camera (counter-camera.ts) whose frames carry a
 * counter, so the delay from the customer's own preview to the agent's screen is read frame by
 * frame (both pages run on this machine's one clock). The profile is applied before the pages load
 * (a TCP socket keeps the GSO size it started with). The agent's camera is switched off once the
 * call is up, so each direction of the shaped veth carries one video, the customer's (up to Janus,
 * then down to the agent), as a customer's own link would. It crosses the profile twice, but only
 * the way into Janus loses packets on the wire: a packet Janus's output hook drops is a local send
 * failure that TCP retries at once (measured; docs/BENCHMARKS.md's lossy subsection).
 * Figures are the agent's received video over the measured window, after a warm-up; baseline: the
 * clean direct call of the same run. One concept, one call per profile and transport and its
 * figures; past 300 lines by the method text the report prints.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HD_VIDEO_MAX_BITRATE } from '@vident/protocol';
import type { Stack } from '../../infra/stack.ts';
import { applyNetProfile, isNetProfileName, JANUS_API_PORTS, janusHostVeth, NET_PROFILES, type NetProfileName } from '../../infra/net-profile.ts';
import { launchChromium, type LaunchedBrowser } from '../src/browser.ts';
import { customerJoinsWithConsent, framesDecoded, selectedPairs, waitUntil } from '../src/call-page.ts';
import { receivedVideo, videoWindow, type ReceivedVideo } from '../src/received-video.ts';
import { keepPeerConnections, senderSample, senderWindow, startCounterReader, stopCounterReader } from './call-probes.ts';
import { makeCounterCamera, type CounterCamera } from './counter-camera.ts';
import { glassToGlassDelays, quantile } from './frame-counter.ts';
import { evidenceSettled } from './join-calls.ts';
import { median, type BenchRow, type BenchSection } from './report.ts';

/** BENCH_NET_PROFILES=clean,lossy runs only those profiles (default: all four). */
function profilesToRun(): NetProfileName[] {
  const named = process.env.BENCH_NET_PROFILES?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!named?.length) return ['clean', '3g', 'lossy', 'congested'];
  for (const name of named) if (!isNetProfileName(name)) throw new Error(`BENCH_NET_PROFILES: no profile ${name}`);
  return named as NetProfileName[];
}
type Transport = 'direct' | 'turn';
const TRANSPORTS: Transport[] = ['direct', 'turn'];
const TRANSPORT_NAME: Record<Transport, string> = { direct: 'direct ICE-TCP', turn: 'TURN over TCP' };
const WARM_UP_S = 10;
const SAMPLE_S = 2;
/** How long the document mode is given to reach 1280x720 after the agent's guidance. */
const DOCUMENT_S = 15;
const run = promisify(execFile);

interface ProfileFigures {
  profile: NetProfileName;
  transport: Transport;
  load: number;
  seconds: number;
  fps: number;
  /** Resolutions seen in the samples: the median one and the lowest (by pixels). */
  resolution: string;
  lowest: string;
  pixels: number;
  freezes: number;
  freezeSeconds: number;
  /** The longest time between two frames the agent's page showed (ms). */
  longestGapMs: number | null;
  jitterBufferMs: number | null;
  rttMs: number | null;
  dropped: number;
  /** Glass-to-glass: the customer's preview to the agent's screen, per frame (ms). */
  delay: { median: number | null; p95: number | null; frames: number; shown: number; decoded: number };
  sender: (ReturnType<typeof senderWindow> & { sent: string; targetKbit: number | null; estimateKbit: number | null }) | null;
  /** After the window, the agent guides the ID: how soon 1280x720 arrives (maintain-resolution). */
  documentMode?: string;
  error?: string;
  /** Why the first attempt failed, when the figures are a retry's. */
  retried?: string;
}

async function agentVideo(page: Parameters<typeof receivedVideo>[0]): Promise<ReceivedVideo> {
  const v = await receivedVideo(page);
  if (!v) throw new Error('the agent receives no video');
  return v;
}

/**
 * Refuses the browsers' direct ICE-TCP connections to Janus (a table of its own in Janus's
 * namespace, as e2e/src/turn-fallback.test.ts does), so the pages fall back to TURN over TCP on 443.
 */
async function refuseDirectIceTcp(stack: Stack): Promise<() => Promise<void>> {
  const table = `vident_bench_turn_${randomBytes(3).toString('hex')}`;
  const ns = ['netns', 'exec', stack.janus.namespace, 'nft'];
  const child = execFile('ip', [...ns, '-f', '-']);
  child.stdin!.end(
    [
      `table inet ${table} {`,
      '  chain input {',
      '    type filter hook input priority -10; policy accept;',
      `    ip saddr ${stack.janus.hostAddress} tcp dport 20000-20100 reject with tcp reset`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  await new Promise<void>((ok, fail) => child.once('close', (code) => (code === 0 ? ok() : fail(new Error(`nft exited ${code}`)))));
  let removed: Promise<void> | undefined;
  return () => (removed ??= run('ip', [...ns, 'delete', 'table', 'inet', table]).then(() => undefined));
}

async function profileCall(stack: Stack, chromium: LaunchedBrowser, camera: CounterCamera, profile: NetProfileName, transport: Transport, callSeconds: number): Promise<ProfileFigures> {
  const load = loadavg()[0]!;
  const applied = await applyNetProfile({ namespace: stack.janus.namespace, ...janusHostVeth(stack.janus.namespace), sparePorts: JANUS_API_PORTS }, NET_PROFILES[profile]);
  const unblock = transport === 'turn' ? await refuseDirectIceTcp(stack) : null;
  const created = await stack.bank.createSession({ externalRef: `bench-net-${profile}-${transport}-${randomBytes(3).toString('hex')}`, customerName: 'Bench', locale: 'en' });
  const customer = await chromium.newParticipant();
  const agent = await chromium.newParticipant();
  try {
    await keepPeerConnections(customer.context);
    await customer.page.goto(created.customerUrl);
    await agent.page.goto(created.agentUrl);
    await customerJoinsWithConsent(customer.page);
    await agent.page.getByTestId('join').click();
    // The relay comes after the direct attempt is given up (web/src/transport-fallback.ts, 10 s).
    for (const page of [customer.page, agent.page]) await waitUntil('frames', async () => (await framesDecoded(page)) > 10, transport === 'turn' ? 120_000 : 60_000);
    for (const page of [customer.page, agent.page]) {
      for (const pair of await selectedPairs(page)) {
        if (transport === 'direct' && (pair.local.protocol !== 'tcp' || pair.local.candidateType === 'relay')) throw new Error(`a leg used ${pair.local.protocol} ${pair.local.candidateType}`);
        if (transport === 'turn' && (pair.local.candidateType !== 'relay' || pair.local.relayProtocol !== 'tcp')) throw new Error(`a leg used ${pair.local.candidateType} (${pair.local.relayProtocol}), not the relay over TCP`);
      }
    }
    await agent.page.getByTestId('cam-toggle').click();
    await new Promise((r) => setTimeout(r, WARM_UP_S * 1000));
    await startCounterReader(customer.page, '[data-testid="local-video"]');
    await startCounterReader(agent.page, '[data-testid="remote-video"]');
    const first = await agentVideo(agent.page);
    const senderFirst = await senderSample(customer.page);
    const started = performance.now();
    const sizes: Array<[number, number]> = [];
    const sentSizes: Array<[number, number]> = [];
    const rtts: number[] = [];
    const targets: number[] = [];
    const estimates: number[] = [];
    let last = first;
    let senderLast = senderFirst;
    while (performance.now() - started < callSeconds * 1000) {
      await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
      last = await agentVideo(agent.page);
      senderLast = await senderSample(customer.page);
      if (last.width && last.height) sizes.push([last.width, last.height]);
      if (senderLast?.frameWidth && senderLast.frameHeight) sentSizes.push([senderLast.frameWidth, senderLast.frameHeight]);
      if (last.rtt !== null) rtts.push(last.rtt * 1000);
      if (senderLast?.targetBitrate) targets.push(senderLast.targetBitrate / 1000);
      if (senderLast?.availableOutgoingBitrate) estimates.push(senderLast.availableOutgoingBitrate / 1000);
    }
    const seconds = (performance.now() - started) / 1000;
    const preview = await stopCounterReader(customer.page);
    const shown = await stopCounterReader(agent.page);
    const w = videoWindow(first, last, seconds);
    if (!w.sameLeg) throw new Error('the subscriber leg was replaced during the window');
    const delays = glassToGlassDelays(preview.sightings, shown.sightings, camera.periodMs);
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
    const byPixels = (list: Array<[number, number]>) => [...list].sort((a, b) => a[0] * a[1] - b[0] * b[1]);
    const mid = (list: Array<[number, number]>) => byPixels(list)[Math.floor(list.length / 2)];
    const show = (s: [number, number] | undefined) => (s ? `${s[0]}x${s[1]}` : '—');
    const median2 = mid(sizes);
    return {
      profile,
      transport,
      load,
      seconds,
      fps: w.fps,
      resolution: show(median2),
      lowest: show(byPixels(sizes)[0]),
      pixels: median2 ? median2[0] * median2[1] : 0,
      freezes: w.freezes,
      freezeSeconds: w.freezeSeconds,
      longestGapMs: shown.longestGapMs,
      jitterBufferMs: w.jitterBufferMs,
      rttMs: rtts.length ? median(rtts) : null,
      dropped: await applied.dropped(),
      delay: { median: quantile(delays, 0.5), p95: quantile(delays, 0.95), frames: delays.length, shown: shown.shown, decoded: shown.sightings.length },
      sender:
        senderFirst && senderLast
          ? { ...senderWindow(senderFirst, senderLast), sent: show(mid(sentSizes)), targetKbit: targets.length ? median(targets) : null, estimateKbit: estimates.length ? median(estimates) : null }
          : null,
      documentMode: hdAfter !== null ? `1280x720 after ${hdAfter.toFixed(1)} s` : `not 1280x720 within ${DOCUMENT_S} s (${document.width}x${document.height})`,
    };
  } finally {
    await unblock?.().catch(() => undefined);
    await applied.remove();
    await stack.bank.deleteSession(created.sessionId).catch(() => undefined);
    await Promise.all([customer.context.close(), agent.context.close()]);
    await evidenceSettled(stack.bank, created.sessionId).catch(() => undefined);
  }
}

const f1 = (n: number) => n.toFixed(1);
const ms = (n: number | null) => (n === null ? '—' : `${Math.round(n)} ms`);
const kbit = (n: number | null) => (n === null ? '—' : `${Math.round(n)} kbit/s`);
const pct = (share: number | undefined) => `${Math.round((share ?? 0) * 100)} %`;

function row(r: ProfileFigures, clean: ProfileFigures | undefined, direct: ProfileFigures | undefined): BenchRow {
  const p = NET_PROFILES[r.profile] as { rateKbit?: number; lossPercent?: number };
  const what = [p.rateKbit ? `${p.rateKbit / 1000} Mbit/s` : null, p.lossPercent ? `${p.lossPercent} % loss each way` : null].filter(Boolean).join(' + ') || 'nothing applied';
  const figure = `${r.profile} (${what}), ${TRANSPORT_NAME[r.transport]}`;
  if (r.error) return { figure, value: `failed: ${r.error}`, baseline: '—', ratio: '—', notes: `load ${f1(r.load)}` };
  const s = r.sender;
  const sender = s
    ? `customer's sender: camera ${f1(s.cameraFps)} fps, encoder ${f1(s.encodedFps)} fps at ${s.sent} (${s.encoder ?? '?'}, ${s.encodeMsPerFrame === null ? '—' : `${f1(s.encodeMsPerFrame)} ms`} a frame), limited by cpu ${pct(s.limited.cpu)} / bandwidth ${pct(s.limited.bandwidth)} of the window, ${Math.round(s.sentKbit)} kbit/s sent, encoder target ${kbit(s.targetKbit)}, bandwidth estimate ${kbit(s.estimateKbit)} (medians)`
    : "customer's sender: —";
  const besideDirect =
    r.transport === 'turn' && direct && !direct.error && direct.fps > 0
      ? `; beside direct on this profile: ${(r.fps / direct.fps).toFixed(2)}× fps, glass-to-glass ${r.delay.median !== null && direct.delay.median !== null ? `${r.delay.median - direct.delay.median >= 0 ? '+' : ''}${Math.round(r.delay.median - direct.delay.median)} ms` : '—'}`
      : '';
  return {
    figure,
    value: `${r.resolution} (lowest ${r.lowest}), ${f1(r.fps)} fps; glass-to-glass ${ms(r.delay.median)} (p95 ${ms(r.delay.p95)})`,
    baseline: clean ? `clean direct: ${clean.resolution}, ${f1(clean.fps)} fps, ${ms(clean.delay.median)}` : '—',
    ratio: clean && clean.fps > 0 ? `${(r.fps / clean.fps).toFixed(2)}× fps` : '—',
    notes:
      `freezes ${r.freezes}, ${f1(r.freezeSeconds)} s frozen (${f1((r.freezeSeconds / r.seconds) * 100)} % of ${Math.round(r.seconds)} s), longest gap between shown frames ${ms(r.longestGapMs)}; ` +
      `jitter buffer ${ms(r.jitterBufferMs)} per frame; RTT ${ms(r.rttMs)} (median); ${r.dropped} packets dropped by the profile; ` +
      `counter decoded on ${r.delay.decoded} of ${r.delay.shown} frames shown to the agent, ${r.delay.frames} of them paired with the customer's preview; ${sender}; ` +
      `once the agent guides the ID: ${r.documentMode ?? '—'}; load ${f1(r.load)} at the call's start${besideDirect}` +
      (r.retried ? `; second attempt (the first: ${r.retried})` : ''),
  };
}

/** The issue's goals read from the figures, per transport. */
function goalRows(results: ProfileFigures[]): BenchRow[] {
  return TRANSPORTS.map((transport) => {
    const of = (p: NetProfileName) => results.find((r) => r.profile === p && r.transport === transport && !r.error);
    const clean = of('clean');
    const lossy = of('lossy');
    const g3 = of('3g');
    const yes = (ok: boolean) => (ok ? 'met' : 'not met');
    const parts = [
      clean ? `clean 1280x720 >= 25 fps: ${yes(clean.pixels >= 1280 * 720 && clean.fps >= 25)} (${clean.resolution}, ${f1(clean.fps)} fps)` : 'clean: no figures',
      lossy && clean
        ? `lossy freezes < 2 % and fps >= 80 % of clean: ${yes(lossy.freezeSeconds / lossy.seconds < 0.02 && lossy.fps >= 0.8 * clean.fps)} (${f1((lossy.freezeSeconds / lossy.seconds) * 100)} %, ${(lossy.fps / clean.fps).toFixed(2)}×)`
        : 'lossy: no figures',
      g3 ? `3g >= 640x360 at 15 fps, no freeze over 1 s: ${yes(g3.pixels >= 640 * 360 && g3.fps >= 15 && (g3.longestGapMs ?? Infinity) <= 1000)} (${g3.lowest} lowest, ${f1(g3.fps)} fps, longest gap ${ms(g3.longestGapMs)})` : '3g: no figures',
    ];
    return { figure: `goals, ${TRANSPORT_NAME[transport]}`, value: parts.join('; '), baseline: '—', ratio: '—' };
  });
}

export async function benchNetworkProfiles(stack: Stack, callSeconds = 30): Promise<BenchSection> {
  if (stack.turnServers.length === 0) throw new Error('the stack runs no TURN server');
  const load = loadavg()[0]!.toFixed(2);
  const dir = mkdtempSync(join(tmpdir(), 'vident-counter-camera-'));
  const results: ProfileFigures[] = [];
  try {
    const camera = await makeCounterCamera(dir);
    const chromium = await launchChromium({ fakeVideoFile: camera.file });
    try {
      for (const profile of profilesToRun()) {
        for (const transport of TRANSPORTS) {
          console.log(`[bench] network profile ${profile}, ${TRANSPORT_NAME[transport]}`);
          // One retry: a call broken by something outside the path (e.g. wrangler dev reloading the
          // Worker when a source file changes) says nothing about the profile; the retry is noted.
          let error = '';
          for (let attempt = 1; attempt <= 2; attempt++) {
            try {
              const figures = await profileCall(stack, chromium, camera, profile, transport, callSeconds);
              results.push(attempt > 1 ? { ...figures, retried: error } : figures);
              error = '';
              break;
            } catch (e) {
              error = e instanceof Error ? e.message : String(e);
              console.log(`[bench] network profile ${profile}, ${transport}: attempt ${attempt} failed: ${error}`);
            }
          }
          if (error) {
            results.push({
              profile, transport, load: loadavg()[0]!, seconds: 0, fps: 0, resolution: '—', lowest: '—', pixels: 0, freezes: 0, freezeSeconds: 0,
              longestGapMs: null, jitterBufferMs: null, rttMs: null, dropped: 0, delay: { median: null, p95: null, frames: 0, shown: 0, decoded: 0 }, sender: null, error,
            });
          }
        }
      }
    } finally {
      await chromium.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const clean = results.find((r) => r.profile === 'clean' && r.transport === 'direct' && !r.error);
  const rows = results.map((r) => row(r, clean, results.find((d) => d.profile === r.profile && d.transport === 'direct')));
  return {
    title: 'Video over ICE-TCP on network profiles',
    method:
      `Two recorded calls per profile of \`infra/net-profile.ts\` on Janus's veth (htb caps with a queue of 300 ms of the rate, nftables \`numgen random\` loss; no netem on this kernel), applied before the pages load and removed after the call: one over direct ICE-TCP, one over TURN over TCP (coturn on 443 in Janus's namespace; the bench's own nftables table refuses the browsers' direct ICE-TCP, so both pages fall back to the relay as behind a 443-only firewall, and every selected pair is checked to be a relay candidate reached over TCP; the relay's TCP crosses the same shaped veth, its UDP leg to Janus stays inside the namespace). ` +
      `Headless Chromium's camera plays a 1280x720 30 fps MJPEG clip made at run time (\`e2e/bench/counter-camera.ts\`: a slow pan over portraits with sensor noise, and a row of 20 black and white blocks carrying a 12-bit frame number and a 4-bit check along the top, \`frame-counter.ts\`), asked for 1280x720 up to 30 fps, VP8, room bitrate cap ${HD_VIDEO_MAX_BITRATE / 1e6} Mbit/s (the customer's encoder's maxBitrate too), keyframe request every 10 s. ` +
      `The agent's camera is off once the call is up, so each direction carries one video, the customer's; it crosses the profile twice (up to Janus, down to the agent), but only the way into Janus loses packets on the wire (a drop on Janus's output hook is a local send failure TCP retries at once), so a loss share applies once to it. After ${WARM_UP_S} s of warm-up, ${callSeconds} s are measured on the agent's received video: frame rate from \`framesDecoded\`, the resolution sampled every ${SAMPLE_S} s (median and lowest), \`freezeCount\` and \`totalFreezesDuration\`, the longest gap between two frames the agent's page showed (requestVideoFrameCallback), jitter-buffer delay per emitted frame, and the subscriber pair's \`currentRoundTripTime\` (STUN over the same TCP connection, so it includes the queue). ` +
      `Glass-to-glass delay: both pages read the counter of every frame they show (requestVideoFrameCallback, a canvas sample of the block row, decoded in Node), the customer from its own preview and the agent from the received video, on the machine's one clock; each frame the agent shows is paired with the moment the customer's preview showed the same number (median and p95 over the window). ` +
      `The customer's sender is read from Chromium's raw getStats: the camera's delivered frame rate, the encoder's frame rate and resolution, encode time per frame, the bitrate sent, the encoder's \`targetBitrate\` and the leg's bandwidth estimate (\`availableOutgoingBitrate\`), and the share of the window \`qualityLimitationDurations\` puts on cpu and bandwidth. ` +
      `The figures are the face mode (the step of \`web/src/send-ladder.ts\` the bandwidth estimate carries); after the window the agent presses the “hold your ID closer” guidance and the note says how soon the agent received 1280x720 (the camera's own resolution), within ${DOCUMENT_S} s. Baseline: the clean direct call of the same run. 1-min load average when this section started: ${load} (each call's own is in its notes).`,
    rows: [...rows, ...goalRows(results)],
  };
}
