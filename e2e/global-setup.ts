import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from '../infra/stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
import { E2E_QUALITY_THRESHOLDS, qualityWorkerVars } from './src/e2e-quality.ts';

export interface StackInfo {
  baseUrl: string;
  bankKeyId: string;
  bankSecret: string;
  recordingsDir: string;
  logDir: string;
  janusNamespace: string;
  janusAddress: string;
  /** The root namespace's end of Janus's veth: where every browser's media comes from. */
  janusHostAddress: string;
  /** Janus's namespace nftables table (inet), with its `udp_dropped` counter. */
  janusNftTable: string;
  /** Every secret of the stack, so tests can prove none of them reaches a log. */
  secretValues: string[];
  /** The stack's state folder (secrets.json, the bank's evidence private key, sidecar.pid). */
  stateDir: string;
  nodeId: string;
  sidecarUrl: string;
  /** The first sidecar's metrics listener (GET /metrics is not on its command API). */
  metricsUrl: string;
  sidecarPidFile: string;
  /** The bank's private evidence key (PEM file), as the bank's back office would hold it. */
  bankPrivateKeyFile: string;
  /** The stack's WEBHOOK_SECRET, as the bank's receiver holds it. */
  webhookSecret: string;
  /** GET: every webhook the stack delivered so far (`WebhookDelivery[]`, oldest first). */
  webhookDeliveriesUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

let stack: Stack | undefined;
let webhooks: WebhookReceiver | undefined;

export async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), 'vident-e2e-'));
  // Uploads capped at 4 MiB/s, as an operator protecting live calls would: it also keeps a
  // multi-part upload in flight long enough for the kill-mid-upload test to catch it.
  // Webhooks on, to a receiver on loopback that answers 204: the integration examples verify real deliveries.
  webhooks = await startWebhookReceiver();
  stack = await startStack({
    stateDir, demo: false, dropUdp: true, uploadMaxBytesPerSecond: 4 * 1024 * 1024, webhookUrl: webhooks.url,
    workerVars: qualityWorkerVars(E2E_QUALITY_THRESHOLDS),
  });
  console.log(`[e2e] stack up: ${stack.baseUrl}, Janus ${stack.janus.janusAddress} (namespace ${stack.janus.namespace}), logs ${stack.logDir}`);
  project.provide('stack', {
    baseUrl: stack.baseUrl,
    bankKeyId: stack.secrets.bankKeyId,
    bankSecret: stack.secrets.bankSecret,
    recordingsDir: stack.recordingsDir,
    logDir: stack.logDir,
    janusNamespace: stack.janus.namespace,
    janusAddress: stack.janus.janusAddress,
    janusHostAddress: stack.janus.hostAddress,
    janusNftTable: stack.janus.nftTable,
    secretValues: Object.entries(stack.secrets)
      .filter(([name]) => !['bankKeyId', 'adminKeyId', 'bankEvidencePublicKeyPem'].includes(name))
      .map(([, value]) => value),
    stateDir,
    nodeId: stack.nodeId,
    sidecarUrl: stack.sidecarUrl,
    metricsUrl: stack.metricsUrl,
    sidecarPidFile: stack.sidecarPidFile,
    bankPrivateKeyFile: join(stateDir, 'bank-evidence-private.pem'),
    webhookSecret: stack.secrets.webhookSecret,
    webhookDeliveriesUrl: webhooks.deliveriesUrl,
  });
}

export async function teardown() {
  await stack?.stop();
  await webhooks?.stop();
}
