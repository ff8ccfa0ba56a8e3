/*
 * Signaling overhead: one-way latency of a `media-state` from the customer's WebSocket through the
 * session's Durable Object to the agent's (`peer-media`), against a bare relay Durable Object in
 * workerd (bare-relay/relay-worker.js: a Worker and a DO that only forward frames) and a bare Node
 * `ws` relay on 127.0.0.1, measured in the same run, one message at a time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Miniflare } from 'miniflare';
import { WebSocketServer } from 'ws';
import { freePort, type Stack } from '../../infra/stack.ts';
import { JsonSocket, type Arrival } from './json-socket.ts';
import { errorFrames, joinSession, serverFrame } from './participant.ts';
import type { BenchSection } from './report.ts';
import { loadNote, median, ms, percentile } from './stats.ts';

const MESSAGES = 1000;
/** Not counted: lets both paths warm up (JIT, DO start, SQLite pages) before the clock counts. */
const WARMUP = 50;
const PER_MESSAGE_TIMEOUT_MS = 5000;

/** Alternating flags, so each relayed frame can be told from the previous one. */
const mediaState = (i: number) => ({ type: 'media-state', audio: i % 2 === 0, video: i % 2 === 1 });

/**
 * Sends message i, waits for it to arrive on the other side, next. Returns the counted one-way
 * latencies (send call to arrival event, same clock: both sockets live in this process).
 */
async function oneAtATime(send: (i: number) => void, arrived: (i: number) => Promise<Arrival>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < WARMUP + MESSAGES; i++) {
    const sentAt = performance.now();
    send(i);
    const arrival = await arrived(i);
    if (i >= WARMUP) latencies.push(arrival.at - sentAt);
  }
  return latencies;
}

/** The baseline: a relay server that forwards every frame from one client to the other, untouched. */
async function bareRelay(): Promise<number[]> {
  let server!: WebSocketServer;
  await new Promise<void>((listening) => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false }, listening);
  });
  const sockets: JsonSocket[] = [];
  try {
    server.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => {
        for (const other of server.clients) if (other !== socket && other.readyState === 1) other.send(isBinary ? data : data.toString('utf8'));
      });
    });
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('relay has no port');
    const port = address.port;
    const a = await JsonSocket.connect(`ws://127.0.0.1:${port}/`, ['relay']);
    const b = await JsonSocket.connect(`ws://127.0.0.1:${port}/`, ['relay']);
    sockets.push(a, b);
    return await oneAtATime(
      (i) => a.send(mediaState(i)),
      (i) => b.next((d) => JSON.stringify(d) === JSON.stringify(mediaState(i)), `relayed frame ${i}`, PER_MESSAGE_TIMEOUT_MS),
    );
  } finally {
    for (const s of sockets) s.close();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

/**
 * The main baseline: the bench fixture's relay Durable Object, in a workerd that Miniflare starts
 * (the build wrangler dev runs), same hibernation API, no parsing, no storage.
 */
async function bareDurableObjectRelay(): Promise<number[]> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: resolve(import.meta.dirname, 'bare-relay', 'relay-worker.js'),
    durableObjects: { RELAY: 'Relay' },
    compatibilityDate: '2026-05-01',
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  const sockets: JsonSocket[] = [];
  try {
    const url = await mf.ready;
    const a = await JsonSocket.connect(`ws://${url.host}/bench`, ['relay']);
    const b = await JsonSocket.connect(`ws://${url.host}/bench`, ['relay']);
    sockets.push(a, b);
    return await oneAtATime(
      (i) => a.send(mediaState(i)),
      (i) => b.next((d) => JSON.stringify(d) === JSON.stringify(mediaState(i)), `relayed frame ${i}`, PER_MESSAGE_TIMEOUT_MS),
    );
  } finally {
    for (const s of sockets) s.close();
    await mf.dispose();
  }
}

/**
 * The like-for-like baseline: the same relay served by `wrangler dev`, as the stack's control plane
 * is (wrangler's dev proxy in front of the user worker's workerd). The frames of both then cross
 * the same processes; only what the Durable Object does differs.
 */
async function bareDurableObjectRelayInWranglerDev(): Promise<number[]> {
  const dir = resolve(import.meta.dirname, 'bare-relay');
  const state = mkdtempSync(join(tmpdir(), 'vident-bench-relay-'));
  const port = await freePort();
  const inspectorPort = await freePort();
  const wrangler = resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'wrangler');
  const child = spawn(
    wrangler,
    ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--persist-to', state, '--show-interactive-dev-session=false', '--log-level', 'error'],
    {
      cwd: dir,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_ERROR_REPORTS: 'false', CI: 'true', WRANGLER_LOG_PATH: state },
    },
  );
  const sockets: JsonSocket[] = [];
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const a = await JsonSocket.connect(`ws://127.0.0.1:${port}/bench`, ['relay'], 2000).catch(() => null);
      if (a) {
        sockets.push(a);
        break;
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the bare relay in wrangler dev did not come up');
      await sleep(200);
    }
    const b = await JsonSocket.connect(`ws://127.0.0.1:${port}/bench`, ['relay']);
    sockets.push(b);
    const [a] = sockets as [JsonSocket, JsonSocket];
    return await oneAtATime(
      (i) => a.send(mediaState(i)),
      (i) => b.next((d) => JSON.stringify(d) === JSON.stringify(mediaState(i)), `relayed frame ${i}`, PER_MESSAGE_TIMEOUT_MS),
    );
  } finally {
    for (const s of sockets) s.close();
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      process.kill(-child.pid, 'SIGTERM');
      if ((await Promise.race([exited, sleep(5000).then(() => 'timeout' as const)])) === 'timeout') process.kill(-child.pid, 'SIGKILL');
    }
    rmSync(state, { recursive: true, force: true });
  }
}

/** The vident path: customer -> session Durable Object (hibernatable sockets) -> agent, in the stack's wrangler dev. */
async function durableObjectRelay(stack: Stack): Promise<{ latencies: number[]; errors: string[] }> {
  const created = await stack.bank.createSession({ externalRef: `bench-signaling-${Date.now()}`, customerName: 'Bench', locale: 'en' });
  const customer = await joinSession(stack.baseUrl, created.sessionId, created.customerUrl);
  const agent = await joinSession(stack.baseUrl, created.sessionId, created.agentUrl);
  try {
    await customer.socket.next(serverFrame('peer-joined'), 'peer-joined', PER_MESSAGE_TIMEOUT_MS);
    const latencies = await oneAtATime(
      (i) => customer.socket.send(mediaState(i)),
      (i) => {
        const expected = mediaState(i);
        return agent.socket.next(
          serverFrame('peer-media', (m) => m.type === 'peer-media' && m.role === 'customer' && m.audio === expected.audio && m.video === expected.video),
          `peer-media ${i}`,
          PER_MESSAGE_TIMEOUT_MS,
        );
      },
    );
    return { latencies, errors: [...errorFrames(customer.socket), ...errorFrames(agent.socket)] };
  } finally {
    customer.socket.close();
    agent.socket.close();
    await stack.bank.deleteSession(created.sessionId).catch(() => undefined);
  }
}

export async function benchSignaling(stack: Stack): Promise<BenchSection> {
  const load = loadNote();
  console.log(`[bench] signaling: bare ws relay, ${MESSAGES} messages`);
  const bare = await bareRelay();
  console.log(`[bench] signaling: bare relay Durable Object in workerd, ${MESSAGES} messages`);
  const bareDo = await bareDurableObjectRelay();
  console.log(`[bench] signaling: the same relay served by wrangler dev, ${MESSAGES} messages`);
  const bareDev = await bareDurableObjectRelayInWranglerDev();
  console.log(`[bench] signaling: through the session's Durable Object, ${MESSAGES} messages`);
  const vident = await durableObjectRelay(stack);
  const row = (label: string, pick: (v: number[]) => number) => {
    const v = pick(vident.latencies);
    const b = pick(bareDo);
    const d = pick(bareDev);
    return {
      figure: `one-way latency, ${label}`,
      value: ms(v),
      baseline: `bare relay DO: ${ms(b, 3)}; the same served by wrangler dev: ${ms(d, 3)} (bare ws relay: ${ms(pick(bare), 3)})`,
      ratio: `${(v / b).toFixed(2)}× (+${ms(v - b)}); ${(v / d).toFixed(2)}× the relay in wrangler dev; ${(v / pick(bare)).toFixed(1)}× the ws relay`,
    };
  };
  const errors = vident.errors.length ? `${vident.errors.length} error frames: ${vident.errors.slice(0, 3).join('; ')}` : '0 error frames';
  return {
    title: 'Signaling overhead: WebSocket → session Durable Object → WebSocket',
    method:
      `Two Node \`ws\` clients (no browser) join a real session in the stack's \`wrangler dev\` (workerd) as customer and agent. The customer sends \`media-state\` frames with alternating audio/video flags, one at a time (the next when the agent has received the previous), and the clock runs from the send call to the agent's \`peer-media\` arriving: ${MESSAGES} counted messages after ${WARMUP} warm-up ones. Per frame the Durable Object takes one token of the role's frame budget, parses the frame with zod, sets the flags in the session record in memory and keeps them in the sender's socket attachment (no storage write: they survive hibernation with the socket, and the record's next save stores them), and relays; the directory, the registry and the desk are not called, media-state writes no audit entry, and no node command is sent because nobody has published (a published page's \`configure\` goes to the node after the relay). Baselines, same run and machine: a bare relay Durable Object (\`e2e/bench/bare-relay/relay-worker.js\`, a Worker and a DO that only forward frames between two hibernatable sockets) in a workerd started by Miniflare, the same workerd build as the stack's \`wrangler dev\` but its own process; the same relay served by \`wrangler dev\` (\`bare-relay/wrangler.toml\`), as the stack is: wrangler's dev proxy in front of the workerd, so the frames cross the same processes as the session's; and, for reference, a bare Node \`ws\` server on 127.0.0.1 forwarding every frame. Same frames, same measurement. No permessage-deflate on any. ${load}`,
    rows: [
      { ...row('median', median), notes: `${vident.latencies.length} messages, ${errors}` },
      { ...row('p99', (v) => percentile(v, 99)), notes: '' },
    ],
  };
}
