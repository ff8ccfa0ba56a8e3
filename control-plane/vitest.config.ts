import process from 'node:process';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { TEST_BANK_PUBLIC_KEY, TEST_EVIDENCE_SIGNING_KEY } from './test/evidence-keys.ts';
import { TEST_CONTROL_PLANE_SIGNING_KEY } from './test/node-keys.ts';
import { TEST_WEBHOOK_SECRET, TEST_WEBHOOK_URL } from './test/webhook-receiver.ts';

/*
 * Every test runs inside workerd with the real wrangler.toml (Durable Objects, migrations, vars).
 * Secrets come from test-only bindings here; none of them is used outside tests.
 *
 * Several projects, because the configuration is per runtime: "default" runs with webhooks off (as
 * wrangler.toml ships), "webhooks" runs test/webhooks.test.ts with WEBHOOK_URL on a closed loopback
 * port that the test's fetch stub answers, "desk-random" runs the desk with random assignment,
 * "budgets" small per-session budgets, "hostile-frames" a frame budget the fuzzing cannot spend;
 * "node" runs test/node/ in plain Node (no workerd) for what workerd cannot run.
 */
const bindings = {
  // Three keys at once (rotation); 'bank-old' is also revoked and must be refused.
  BANK_API_KEYS: JSON.stringify({
    'bank-test': 'test-bank-secret-0123456789abcdef',
    'bank-next': 'test-bank-next-secret-0123456789',
    'bank-old': 'test-bank-old-secret-0123456789a',
  }),
  BANK_API_REVOKED_KEYS: 'bank-old',
  // The platform team's admin key: a separate key space, refused on the bank API (and vice versa).
  ADMIN_API_KEYS: JSON.stringify({ 'ops-test': 'test-admin-secret-0123456789abcdef' }),
  TOKEN_SECRET: 'test-token-secret-0123456789abcdef',
  CONTROL_PLANE_SIGNING_KEY: TEST_CONTROL_PLANE_SIGNING_KEY,
  // The fake media nodes answer on http://fake-node... (the fetch stub in test/helpers.ts).
  ALLOW_HTTP_NODE_URLS: 'true',
  DEMO_MODE: 'true',
  // Test-only evidence keys (test/evidence-keys.ts); the EVIDENCE bucket comes from wrangler.toml.
  EVIDENCE_PUBLIC_KEY: TEST_BANK_PUBLIC_KEY,
  EVIDENCE_SIGNING_KEY: TEST_EVIDENCE_SIGNING_KEY,
};

/*
 * Every run printed `exception = workerd/api/web-socket.c++:821: disconnected: WebSocket peer
 * disconnected` once per workerd runtime, even for a file of pure-function tests. It is the pool's own
 * transport, not a socket of ours: when the pool stops (vitest-pool-workers 0.15.1, stop()) it closes
 * its WebSocket to the runner Durable Object, and from compatibility date 2026-04-07
 * (web_socket_auto_reply_to_close; ours is 2026-05-01) workerd answers that close and logs the dropped
 * connection. The pool prints workerd's logs with process.stdout.write from its handleStructuredLogs,
 * so neither onConsoleLog nor our Miniflare options reach it; its filter list already drops the same
 * teardown notices ("disconnected: WebSocket was aborted", ...), and upstream added this one after
 * 0.15.x (workers-sdk PR 13833), in pool versions that pin wrangler >= 4.88, which needs Node 22. Until
 * then only that exact line is dropped, in this (the main) process; every other write passes unchanged.
 */
const RUNNER_SOCKET_TEARDOWN = /^exception = workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected\n$/;
const write = process.stdout.write;
process.stdout.write = function (this: typeof process.stdout, chunk: unknown, ...rest: unknown[]) {
  if (typeof chunk === 'string' && RUNNER_SOCKET_TEARDOWN.test(chunk)) {
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }
  return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
} as typeof process.stdout.write;

const project = (name: string, extra: Record<string, string>, include: string[], exclude: string[] = []) => ({
  plugins: [
    cloudflareTest({
      main: './src/index.ts',
      wrangler: { configPath: '../wrangler.toml' },
      miniflare: { cf: false, bindings: { ...bindings, ...extra } },
    }),
  ],
  test: {
    name,
    include,
    exclude,
    // One workerd runtime and storage for all files; bank-api.test.ts empties the node registry.
    fileParallelism: false,
    // Multi-MiB R2 uploads and fuzzing inside workerd: generous on a loaded 2-core CI machine.
    testTimeout: 30_000,
  },
});

export default defineConfig({
  test: {
    // Structured logs are noise when a test passes and evidence when it fails. Set here, at the root:
    // vitest 4 ignores `silent` inside a project, and printed every log of every passing test.
    silent: 'passed-only',
    projects: [
      project('default', {}, ['src/**/*.test.ts', 'test/**/*.test.ts'], ['test/node/**', 'test/webhooks.test.ts', 'test/agent-desk-random.test.ts', 'test/session-budgets.test.ts', 'test/hostile-frames.test.ts', 'test/document-review.test.ts', 'test/procedure.test.ts', 'test/singleton-traffic.test.ts']),
      // The frame fuzzing checks the one answer each frame gets: thousands of frames a second would
      // otherwise be answered rate_limited (the frame budget is session-budgets.test.ts's subject).
      project('hostile-frames', { SESSION_FRAME_BURST: '1000000', SESSION_FRAMES_PER_SECOND: '1000000' }, ['test/hostile-frames.test.ts']),
      // One call relaying hundreds of frames: singleton requests are counted, not frame budgets.
      project(
        'singleton-traffic',
        { SESSION_FRAME_BURST: '1000000', SESSION_FRAMES_PER_SECOND: '1000000', SESSION_CHAT_LINES: '100000', SESSION_AUDIT_ROWS: '100000' },
        ['test/singleton-traffic.test.ts'],
      ),
      // Small per-session budgets, so that reaching each one takes a test seconds, not minutes.
      project(
        'budgets',
        {
          SESSION_FRAME_BURST: '10',
          SESSION_FRAMES_PER_SECOND: '5',
          SESSION_JOINS_PER_MINUTE: '3',
          SESSION_CHAT_LINES: '4',
          SESSION_CAPTURES: '2',
          SESSION_SEGMENTS: '3',
          SESSION_AUDIT_ROWS: '20',
        },
        ['test/session-budgets.test.ts'],
      ),
      project('webhooks', { WEBHOOK_URL: TEST_WEBHOOK_URL, WEBHOOK_SECRET: TEST_WEBHOOK_SECRET }, ['test/webhooks.test.ts']),
      // Issue 14's data path: a required bank check gates approval, and the webhook is seen on the wire.
      project('document-review', { WEBHOOK_URL: TEST_WEBHOOK_URL, WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, REQUIRED_BANK_CHECKS: 'id-authenticity' }, ['test/document-review.test.ts']),
      // Issue 15's controls: webhooks seen on the wire, an aborted session's recordings deleted.
      project('procedure', { WEBHOOK_URL: TEST_WEBHOOK_URL, WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, DELETE_RECORDINGS_ON_ABORT: 'true' }, ['test/procedure.test.ts']),
      // The regulatory option: the desk assigns waiting customers at random (AGENT_ASSIGNMENT=random).
      project('desk-random', { AGENT_ASSIGNMENT: 'random' }, ['test/agent-desk-random.test.ts']),
      // Plain Node, outside workerd: the OpenAPI validator reads its schemas from disk and compiles
      // them with ajv (new Function), neither of which workerd allows.
      // Compiling the 3.1 schema takes seconds on a loaded 2-core machine: the same timeout as above.
      { test: { name: 'node', include: ['test/node/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
    ],
  },
});
