/*
 * `npm start`: the whole stack on this machine, a demo session created through the signed bank API,
 * and its two links printed. Ctrl-C stops everything this started and removes Janus's namespace.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { startStack } from './stack.ts';

const Env = z.object({
  VIDENT_PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  VIDENT_SIDECAR_PORT: z.coerce.number().int().min(1).max(65535).default(7400),
  VIDENT_STATE_DIR: z.string().default(resolve(import.meta.dirname, '..', '.vident')),
});
const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  console.error(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(1);
}
const env = parsed.data;

console.log('Starting Janus (network namespace), the media node and the control plane...');
const stack = await startStack({ stateDir: env.VIDENT_STATE_DIR, port: env.VIDENT_PORT, sidecarPort: env.VIDENT_SIDECAR_PORT, demo: true, devTools: true });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping vident...`);
  await stack.stop();
  console.log('Stopped; the network namespace is removed.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const session = await stack.bank.createSession({ externalRef: `demo-${Date.now()}`, customerName: '홍길동', locale: 'ko' });
console.log(`
vident is running.
  Control plane + web app  ${stack.baseUrl}
  Media node (sidecar)     ${stack.sidecarUrl}
  Janus                    ${stack.janus.janusAddress} (namespace ${stack.janus.namespace}, UDP dropped)
  Recordings (node outbox) ${stack.recordingsDir}
  Logs                     ${stack.logDir}
  Worker DevTools          ${stack.inspector} (chrome://inspect; the Worker rebuilds when its source changes)

Demo session ${session.sessionId} (expires ${session.expiresAt}):
  Customer  ${session.customerUrl}
  Agent     ${session.agentUrl}

After the call, the bank's evidence pack (sealed for ${env.VIDENT_STATE_DIR}/bank-evidence-private.pem):
  VIDENT_URL=${stack.baseUrl} npm run vident -- evidence download ${session.sessionId} --out pack --state-dir ${env.VIDENT_STATE_DIR}
  npm run vident -- evidence verify pack && npm run vident -- evidence decrypt pack --key ${env.VIDENT_STATE_DIR}/bank-evidence-private.pem

Open each link in its own browser window (or ${stack.baseUrl}/ to pick a role). Ctrl-C stops everything.
Bank API key id "${stack.secrets.bankKeyId}"; its secret is in ${env.VIDENT_STATE_DIR}/secrets.json.`);
