/*
 * Control plane capacity: N sessions with both participants' WebSockets held open at once in local
 * workerd, every socket still open and answering after the hold; workerd's memory before and after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import type { CreateSessionResponse } from '@vident/protocol';
import type { Stack } from '../../infra/stack.ts';
import { JsonSocket } from './json-socket.ts';
import { errorFrames, joinSession, serverFrame } from './participant.ts';
import type { BenchSection } from './report.ts';
import { loadNote, median, ms, outcome, percentile, runBounded } from './stats.ts';
import { workerdRssMiB } from './workerd-memory.ts';

const HOLD_MS = 10_000;
/** Sessions joined at once while opening (each joins customer, then agent). */
const OPEN_CONCURRENCY = 16;
const TIME_BOUND_MS = 180_000;
const ANSWER_TIMEOUT_MS = 10_000;

interface Held {
  session: CreateSessionResponse;
  customer: JsonSocket;
  agent: JsonSocket;
}

/** The baseline for opening: as many sockets to a bare Node `ws` server, at the same concurrency. */
async function bareOpenMs(sockets: number): Promise<number> {
  let server!: WebSocketServer;
  await new Promise<void>((listening) => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false }, listening);
  });
  // Like the DO, the server greets every socket, and the client waits for that first frame.
  server.on('connection', (socket) => socket.send(JSON.stringify({ type: 'welcome' })));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('bare server has no port');
  const open: JsonSocket[] = [];
  try {
    const result = await runBounded(sockets / 2, OPEN_CONCURRENCY, TIME_BOUND_MS, async () => {
      for (let k = 0; k < 2; k++) {
        const s = await JsonSocket.connect(`ws://127.0.0.1:${address.port}/`, ['vident.v1']);
        open.push(s);
        await s.next(() => true, 'welcome', ANSWER_TIMEOUT_MS);
      }
    });
    if (result.errorCount) throw new Error(`bare open failed: ${outcome(result)}`);
    return result.elapsedMs;
  } finally {
    for (const s of open) s.close();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

/** Each side sends a media-state and must see the other's peer-media. Returns the two latencies. */
async function answers(h: Held, i: number): Promise<number[]> {
  const out: number[] = [];
  for (const [from, to, role] of [[h.customer, h.agent, 'customer'], [h.agent, h.customer, 'agent']] as const) {
    const flags = { audio: i % 2 === 0, video: true };
    const sentAt = performance.now();
    from.send({ type: 'media-state', ...flags });
    const arrival = await to.next(
      serverFrame('peer-media', (m) => m.type === 'peer-media' && m.role === role && m.audio === flags.audio && m.video === flags.video),
      `peer-media from the ${role}`,
      ANSWER_TIMEOUT_MS,
    );
    out.push(arrival.at - sentAt);
  }
  return out;
}

export async function benchHeldSessions(stack: Stack, n: number): Promise<BenchSection> {
  const load = loadNote();
  const rssIdle = workerdRssMiB();
  console.log(`[bench] control plane: creating ${n} sessions`);
  const sessions: CreateSessionResponse[] = [];
  const creation = await runBounded(n, 8, TIME_BOUND_MS, async (i) => {
    sessions.push(await stack.bank.createSession({ externalRef: `bench-held-${Date.now()}-${i}`, customerName: 'Bench', locale: 'en' }));
  });
  const held: Held[] = [];
  const loose: JsonSocket[] = [];
  const ids = sessions.map((s) => s.sessionId);
  const deleteAll = () => runBounded(ids.length, 8, TIME_BOUND_MS, async (i) => {
    await stack.bank.deleteSession(ids[i]!);
  });
  let deleted = false;
  try {
    console.log(`[bench] control plane: opening ${2 * sessions.length} sockets`);
    const opening = await runBounded(sessions.length, OPEN_CONCURRENCY, TIME_BOUND_MS, async (i) => {
      const session = sessions[i]!;
      const customer = await joinSession(stack.baseUrl, session.sessionId, session.customerUrl);
      loose.push(customer.socket);
      const agent = await joinSession(stack.baseUrl, session.sessionId, session.agentUrl);
      loose.push(agent.socket);
      held.push({ session, customer: customer.socket, agent: agent.socket });
    });
    const rssOpen = workerdRssMiB();
    console.log(`[bench] control plane: holding ${held.length} sessions for ${HOLD_MS / 1000} s`);
    await sleep(HOLD_MS);
    const stillOpen = held.filter((h) => h.customer.isOpen && h.agent.isOpen).length;
    const latencies: number[] = [];
    const answering = await runBounded(held.length, OPEN_CONCURRENCY, TIME_BOUND_MS, async (i) => {
      latencies.push(...(await answers(held[i]!, i)));
    });
    const rssHeld = workerdRssMiB();
    const errorFrameCount = held.reduce((n2, h) => n2 + errorFrames(h.customer).length + errorFrames(h.agent).length, 0);
    const bareMs = await bareOpenMs(2 * held.length);

    console.log(`[bench] control plane: deleting ${sessions.length} sessions`);
    deleted = true;
    const deletion = await deleteAll();
    // Ending a session closes both sockets from the Durable Object's side.
    const closeDeadline = Date.now() + 5000;
    while (held.some((h) => h.customer.closed === null || h.agent.closed === null) && Date.now() < closeDeadline) await sleep(50);
    const closedByServer = held.filter((h) => h.customer.closed !== null && h.agent.closed !== null).length;

    const mib = (v: number | null) => (v === null ? 'not found' : `${v.toFixed(0)} MiB`);
    const perSession = rssIdle !== null && rssHeld !== null && held.length ? `${(((rssHeld - rssIdle) * 1024) / held.length).toFixed(0)} KiB per session` : '';
    const allGood = stillOpen === n && answering.succeeded === n && errorFrameCount === 0 && creation.errorCount === 0;
    return {
      title: 'Control plane: concurrent sessions with both WebSockets open',
      method: `${n} sessions are created through the signed bank API (8 in flight); then both participants of each join with a Node \`ws\` client (no browser; ${OPEN_CONCURRENCY} sessions joining at once, each socket waits for its \`welcome\`). All ${2 * n} sockets are held ${HOLD_MS / 1000} s; then every socket must still be open and answer: each side sends a \`media-state\` and must receive the other's \`peer-media\`. No media flows (nobody publishes), so Janus does no work: this measures the control plane (Worker + Durable Objects in local \`wrangler dev\` / workerd) alone. Memory: VmRSS of the workerd process started by this run's \`wrangler dev\`, from /proc, before creating the sessions and after the check. Baseline for the opening time: the same number of sockets to a bare Node \`ws\` server on 127.0.0.1 that greets each, same concurrency. Afterwards the sessions are deleted through the API, which closes their sockets. ${load}`,
      rows: [
        {
          figure: 'sessions held open, both sockets',
          value: `${stillOpen}/${n} open after ${HOLD_MS / 1000} s, ${answering.succeeded}/${n} answering`,
          baseline: '—',
          ratio: '—',
          notes: `${allGood ? 'zero errors' : 'ERRORS'}: creation ${outcome(creation)}; opening ${outcome(opening)}; answering ${outcome(answering)}; ${errorFrameCount} error frames`,
        },
        {
          figure: `time to open ${2 * n} sockets (to \`welcome\`)`,
          value: `${(opening.elapsedMs / 1000).toFixed(2)} s`,
          baseline: `bare ws server: ${(bareMs / 1000).toFixed(2)} s`,
          ratio: `${(opening.elapsedMs / bareMs).toFixed(1)}×`,
          notes: `per session (both joins): median ${ms(median(opening.latencies), 0)}, p99 ${ms(percentile(opening.latencies, 99), 0)}`,
        },
        {
          figure: `workerd RSS with ${n} sessions open`,
          value: mib(rssHeld),
          baseline: `before the sessions: ${mib(rssIdle)}`,
          ratio: rssIdle && rssHeld ? `${(rssHeld / rssIdle).toFixed(2)}×` : '—',
          notes: `${perSession}${rssOpen !== null ? `; right after opening: ${mib(rssOpen)}` : ''}`,
        },
        {
          figure: `media-state → peer-media with ${n} sessions open`,
          value: `median ${ms(median(latencies))}, p99 ${ms(percentile(latencies, 99))}`,
          baseline: '—',
          ratio: '—',
          notes: `${latencies.length} messages, ${OPEN_CONCURRENCY} sessions at once; after deletion ${closedByServer}/${held.length} sessions had both sockets closed by the server; deletion ${outcome(deletion)}`,
        },
      ],
    };
  } finally {
    for (const s of loose) s.close();
    if (!deleted) await deleteAll();
  }
}
