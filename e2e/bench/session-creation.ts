/*
 * Control plane throughput: sessions created per second through the signed bank API, against a
 * trivial route (GET /health) at the same concurrency and count, in the same run.
 */
import type { Stack } from '../../infra/stack.ts';
import type { BenchSection } from './report.ts';
import { loadNote, median, ms, outcome, percentile, perSecond, runBounded, type LoadResult } from './stats.ts';

const COUNT = 400;
const CONCURRENCY = 8;
const TIME_BOUND_MS = 30_000;
const WARMUP = 20;

async function health(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/health`);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET /health answered ${res.status}`);
}

const latencyNote = (r: LoadResult) => `latency median ${ms(median(r.latencies), 1)}, p99 ${ms(percentile(r.latencies, 99), 1)}`;

export async function benchSessionCreation(stack: Stack): Promise<BenchSection> {
  const load = loadNote();
  const created: string[] = [];
  const create = async (i: number) => {
    const s = await stack.bank.createSession({ externalRef: `bench-create-${Date.now()}-${i}`, customerName: 'Bench', locale: 'en' });
    created.push(s.sessionId);
  };
  // Warm-up, not counted: JIT, first DO instances, the undici connection pool.
  await runBounded(WARMUP, CONCURRENCY, TIME_BOUND_MS, () => health(stack.baseUrl));
  await runBounded(WARMUP, CONCURRENCY, TIME_BOUND_MS, (i) => create(COUNT + i));

  console.log(`[bench] control plane: GET /health x${COUNT}, ${CONCURRENCY} in flight`);
  const baseline = await runBounded(COUNT, CONCURRENCY, TIME_BOUND_MS, () => health(stack.baseUrl));
  console.log(`[bench] control plane: POST /v1/sessions x${COUNT}, ${CONCURRENCY} in flight`);
  const creations = await runBounded(COUNT, CONCURRENCY, TIME_BOUND_MS, create);

  // Cleanup through the API as a bank would: every session ends (cancelled), freeing its node slot.
  console.log(`[bench] control plane: deleting ${created.length} sessions`);
  const ids = [...created];
  const deletions = await runBounded(ids.length, CONCURRENCY, 60_000, async (i) => {
    await stack.bank.deleteSession(ids[i]!);
  });

  const rate = perSecond(creations);
  const baseRate = perSecond(baseline);
  return {
    title: 'Control plane: session creations per second',
    method: `${COUNT} \`POST /v1/sessions\` through the signed bank API (\`createBankClient\`), ${CONCURRENCY} requests in flight, bounded to ${TIME_BOUND_MS / 1000} s, in the stack's local \`wrangler dev\` (workerd). Each creation checks the HMAC signature, then claims it in the replay-guard DO while it places the session on the media node (registry DO) — the two round trips at once (issue 16) — then initializes the session's own DO (SQLite record, audit entry, alarm), which writes its snapshot to the session directory DO, and mints both links. Creating a session starts no media (no browser publishes), so Janus does no work here. Baseline, same run: \`GET /health\` (a trivial Worker route) at the same concurrency and count. ${WARMUP} warm-up requests of each first. Afterwards every session is deleted through the API (cancelled, node slot freed). ${load}`,
    rows: [
      {
        figure: 'session creations',
        value: `${rate.toFixed(0)} /s`,
        baseline: `GET /health: ${baseRate.toFixed(0)} /s`,
        ratio: `${(rate / baseRate).toFixed(2)}×`,
        notes: `${outcome(creations)}; ${latencyNote(creations)} (health: ${latencyNote(baseline)}; ${outcome(baseline)})`,
      },
      {
        figure: 'session deletions (cleanup)',
        value: `${perSecond(deletions).toFixed(0)} /s`,
        baseline: `GET /health: ${baseRate.toFixed(0)} /s`,
        ratio: `${(perSecond(deletions) / baseRate).toFixed(2)}×`,
        notes: `${outcome(deletions)}; ${latencyNote(deletions)}`,
      },
    ],
  };
}
