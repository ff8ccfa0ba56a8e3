import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStack, type Stack } from '../infra/stack.ts';

export interface StackInfo {
  baseUrl: string;
  bankKeyId: string;
  bankSecret: string;
  recordingsDir: string;
  logDir: string;
  janusNamespace: string;
  janusAddress: string;
  /** Every secret of the stack, so tests can prove none of them reaches a log. */
  secretValues: string[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

let stack: Stack | undefined;

export async function setup(project: TestProject) {
  const stateDir = mkdtempSync(join(tmpdir(), 'vident-e2e-'));
  stack = await startStack({ stateDir, demo: false, dropUdp: true });
  console.log(`[e2e] stack up: ${stack.baseUrl}, Janus ${stack.janus.janusAddress} (namespace ${stack.janus.namespace}), logs ${stack.logDir}`);
  project.provide('stack', {
    baseUrl: stack.baseUrl,
    bankKeyId: stack.secrets.bankKeyId,
    bankSecret: stack.secrets.bankSecret,
    recordingsDir: stack.recordingsDir,
    logDir: stack.logDir,
    janusNamespace: stack.janus.namespace,
    janusAddress: stack.janus.janusAddress,
    secretValues: Object.entries(stack.secrets).filter(([name]) => name !== 'bankKeyId').map(([, value]) => value),
  });
}

export async function teardown() {
  await stack?.stop();
}
