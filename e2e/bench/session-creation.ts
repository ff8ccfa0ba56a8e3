/*
 * Control plane throughput: sessions created per second through the signed bank API, against a
 * trivial route (GET /health) at the same concurrency and count, in the same run.
 */
import { resolve } from 'node:path';
import { Miniflare } from 'miniflare';
import type { Stack } from '../../infra/stack.ts';
import { diskDir, memoryDir, type BenchDir } from './memory-dir.ts';
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

/**
 * The floor: the bench fixture (bare-create/create-worker.js) in a workerd Miniflare starts, its
 * objects' SQLite in `state`. Each POST makes one new Durable Object that stores one row and arms one
 * alarm; its own GET /health is the baseline, same concurrency and count.
 */
async function bareCreationFloor(state: BenchDir): Promise<{ creations: LoadResult; health: LoadResult }> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: resolve(import.meta.dirname, 'bare-create', 'create-worker.js'),
    durableObjects: { BARE: { className: 'Bare', useSQLite: true } },
    durableObjectsPersist: state.path,
    compatibilityDate: '2026-05-01',
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  try {
    const base = (await mf.ready).origin;
    const call = async (method: 'GET' | 'POST', path: string, status: number) => {
      const res = await fetch(`${base}${path}`, { method });
      await res.arrayBuffer();
      if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}`);
    };
    const healthCheck = () => call('GET', '/health', 200);
    const create = () => call('POST', '/sessions', 201);
    await runBounded(WARMUP, CONCURRENCY, TIME_BOUND_MS, healthCheck);
    await runBounded(WARMUP, CONCURRENCY, TIME_BOUND_MS, create);
    const healthRun = await runBounded(COUNT, CONCURRENCY, TIME_BOUND_MS, healthCheck);
    const creations = await runBounded(COUNT, CONCURRENCY, TIME_BOUND_MS, create);
    return { creations, health: healthRun };
  } finally {
    await mf.dispose();
    state.remove();
  }
}

const latencyNote = (r: LoadResult) => `latency median ${ms(median(r.latencies), 1)}, p99 ${ms(percentile(r.latencies, 99), 1)}`;

/** Where the stack's Durable Objects are kept, in the report's words. */
const placeOf = (dir: { inMemory: boolean }) => (dir.inMemory ? 'in memory (a tmpfs)' : 'on disk');

/**
 * `objects`: the folder the stack's workerd keeps its Durable Objects in (run.ts puts it in memory
 * when the machine has a tmpfs); the floor is measured there and on disk.
 */
export async function benchSessionCreation(stack: Stack, objects: { inMemory: boolean }): Promise<BenchSection> {
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

  // The floor where the stack keeps its objects, and on disk: what the disk's syncs cost by themselves.
  const floorDirs = objects.inMemory ? [memoryDir, diskDir] : [diskDir];
  const floors: { dir: BenchDir; creations: LoadResult; health: LoadResult }[] = [];
  for (const makeDir of floorDirs) {
    const dir = makeDir('vident-bench-create-');
    console.log(`[bench] control plane: the floor, a bare new Durable Object per request x${COUNT}, ${CONCURRENCY} in flight, ${placeOf(dir)}`);
    floors.push({ dir, ...(await bareCreationFloor(dir)) });
  }

  const rate = perSecond(creations);
  const baseRate = perSecond(baseline);
  const floorRows = floors.map(({ dir, creations: floorCreations, health: floorHealth }) => {
    const floorRate = perSecond(floorCreations);
    const floorBase = perSecond(floorHealth);
    return {
      figure: `floor: a bare new Durable Object per request (bench fixture), its SQLite ${placeOf(dir)}`,
      value: `${floorRate.toFixed(0)} /s`,
      baseline: `its own GET /health: ${floorBase.toFixed(0)} /s`,
      ratio: `${(floorRate / floorBase).toFixed(2)}× (${(floorRate / baseRate).toFixed(2)}× the stack's GET /health; session creations are ${(rate / floorRate).toFixed(2)}× this floor)`,
      notes: `${outcome(floorCreations)}; ${latencyNote(floorCreations)} (health: ${latencyNote(floorHealth)}; ${outcome(floorHealth)})`,
    };
  });
  return {
    title: 'Control plane: session creations per second',
    method: `${COUNT} \`POST /v1/sessions\` through the signed bank API (\`createBankClient\`), ${CONCURRENCY} requests in flight, bounded to ${TIME_BOUND_MS / 1000} s, in the stack's local \`wrangler dev\` (workerd), its Durable Objects' SQLite files ${placeOf(objects)}. Each creation checks the HMAC signature (its imported key kept), then makes one round trip to the new session's own DO while the Worker mints both links: the session object claims the signature in the replay-guard DO while it places itself on the media node (registry DO) — the two round trips at once — and only once both succeeded stores its record, writes its audit entry while its row goes to the session directory DO, and arms its alarm (issue 16). Creating a session starts no media (no browser publishes), so Janus does no work here. Baseline, same run: \`GET /health\` (a trivial Worker route) at the same concurrency and count. ${WARMUP} warm-up requests of each first. Afterwards every session is deleted through the API (cancelled, node slot freed). The floor, same run: the bench fixture \`e2e/bench/bare-create/create-worker.js\` in a workerd started by Miniflare (the build \`wrangler dev\` runs), where each POST makes one new named Durable Object that stores one row and arms one alarm, against its own \`GET /health\`, same concurrency and count: what one new object per creation costs by itself in local workerd, which no change of the creation path can go below. It is measured where the stack keeps its objects and, when that is memory, on disk too: locally each object is its own SQLite file, whose creation and commits sync the disk on workerd's one thread, so on a slow disk the disk sets the figure (docs/BENCHMARKS.md); on Cloudflare an object's storage is not a file on the Worker's disk. ${load}`,
    rows: [
      {
        figure: 'session creations',
        value: `${rate.toFixed(0)} /s`,
        baseline: `GET /health: ${baseRate.toFixed(0)} /s`,
        ratio: `${(rate / baseRate).toFixed(2)}× (goal ≥ 0.5×)`,
        notes: `${outcome(creations)}; ${latencyNote(creations)} (health: ${latencyNote(baseline)}; ${outcome(baseline)}); objects ${placeOf(objects)}`,
      },
      ...floorRows,
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
