/*
 * Evidence speed: from the end of a real recorded call to its evidence pack being ready (recordings
 * post-processed, sealed, uploaded in checksummed parts and re-verified), per minute of call, against
 * copying the same number of bytes with `cp` on the same disk in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VidentApiError, type BankClient, type EvidencePack } from '@vident/protocol';
import type { Stack } from '../../infra/stack.ts';
import type { LaunchedBrowser } from '../src/browser.ts';
import { customerJoinsWithConsent, framesDecoded, waitUntil } from '../src/call-page.ts';
import { median, type BenchSection } from './report.ts';

async function packWhenReady(bank: BankClient, sessionId: string, timeoutMs: number): Promise<EvidencePack> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await bank.evidence(sessionId);
    } catch (error) {
      if (!(error instanceof VidentApiError) || error.code !== 'evidence_not_ready' || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function cpMillis(bytes: number, dir: string): number {
  const source = join(dir, 'source.bin');
  writeFileSync(source, randomBytes(bytes));
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const target = join(dir, `copy-${i}.bin`);
    const started = process.hrtime.bigint();
    execFileSync('cp', [source, target]);
    runs.push(Number(process.hrtime.bigint() - started) / 1e6);
    rmSync(target);
  }
  return median(runs);
}

export async function benchEvidence(stack: Stack, chromium: LaunchedBrowser, callSeconds: number[]): Promise<BenchSection> {
  const rows = [];
  const scratch = mkdtempSync(join(stack.recordingsDir, '..', 'bench-cp-'));
  for (const seconds of callSeconds) {
    const created = await stack.bank.createSession({ externalRef: `bench-evidence-${Date.now()}`, customerName: 'Bench', locale: 'en' });
    const customer = await chromium.newParticipant();
    const agent = await chromium.newParticipant();
    await customer.page.goto(created.customerUrl);
    await customerJoinsWithConsent(customer.page);
    await agent.page.goto(created.agentUrl);
    await agent.page.getByTestId('join').click();
    for (const page of [customer.page, agent.page]) await waitUntil('frames', async () => (await framesDecoded(page)) > 10, 60_000);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const ended = await stack.bank.deleteSession(created.sessionId);
    const endedAt = Date.now();
    const pack = await packWhenReady(stack.bank, created.sessionId, 10 * 60_000);
    const readyMs = Date.now() - endedAt;
    await customer.context.close();
    await agent.context.close();
    const bytes = pack.signed.manifest.artifacts.reduce((n, a) => n + a.size, 0);
    const cp = cpMillis(bytes, scratch);
    const callMinutes = (Date.parse(ended.endedAt!) - Date.parse(ended.startedAt!)) / 60_000;
    rows.push({
      figure: `${Math.round(callMinutes * 60)} s call → pack ready`,
      value: `${(readyMs / 1000).toFixed(2)} s (${(readyMs / 1000 / callMinutes).toFixed(2)} s per call minute)`,
      baseline: `cp of the same ${(bytes / 2 ** 20).toFixed(1)} MiB: ${cp.toFixed(1)} ms`,
      ratio: `${(readyMs / cp).toFixed(0)}×`,
      notes: `${pack.signed.manifest.artifacts.length} artifacts`,
    });
  }
  rmSync(scratch, { recursive: true, force: true });
  return {
    title: 'Evidence: call end to evidence pack ready',
    method:
      'A real recorded call (headless Chromium, fake media, TCP only) is ended through the signed API; the clock runs until `GET /v1/sessions/:id/evidence` first answers 200: both recordings converted (janus-pp-rec + ffmpeg, no re-encode), sealed (AES-256-GCM, key wrapped for the bank), uploaded in checksummed parts and re-hashed from storage. Baseline: `cp` of the same number of bytes on the same disk (median of 5).',
    rows,
  };
}
