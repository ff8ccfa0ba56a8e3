/*
 * The control plane's local server: wrangler's dev server (workerd, the Durable Objects, web/dist as
 * the Worker's assets) started through wrangler's own API, so that a stack can run it without its
 * DevTools inspector. wrangler's CLI always starts one, and with it attached every console line and
 * every outbound fetch of the Worker (each node command) is also a DevTools message to wrangler's
 * Node process: 250 to 300 ms of CPU over one call's join on the two cores the benchmark shares
 * (docs/BENCHMARKS.md). The tests and the benchmark need no DevTools; `npm start` keeps them.
 *
 * Usage (from the repository root, as infra/stack.ts runs it):
 *   tsx infra/worker-dev.ts --port 8787 --persist-to DIR --env-file FILE [--inspector-port N] [--watch]
 * Runs until SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { unstable_startWorker } from 'wrangler';

const { values } = parseArgs({
  options: {
    ip: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    'persist-to': { type: 'string' },
    'env-file': { type: 'string' },
    'inspector-port': { type: 'string' },
    watch: { type: 'boolean', default: false },
  },
  strict: true,
});
if (!values.port || !values['persist-to'] || !values['env-file']) {
  console.error('usage: worker-dev.ts --port N --persist-to DIR --env-file FILE [--inspector-port N] [--watch]');
  process.exit(2);
}

const worker = await unstable_startWorker({
  config: 'wrangler.toml',
  envFiles: [values['env-file']],
  dev: {
    server: { hostname: values.ip, port: Number(values.port) },
    inspector: values['inspector-port'] ? { hostname: values.ip, port: Number(values['inspector-port']) } : false,
    persist: values['persist-to'],
    watch: values.watch,
    logLevel: 'warn',
  },
});
await worker.ready;

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  worker.dispose().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
