/*
 * What the e2e files read from a running stack besides the pages: a sidecar's Prometheus gauges and
 * the bank's evidence pack once it is ready.
 */
import { VidentApiError, type BankClient, type EvidencePack } from '@vident/protocol';
import { waitUntil } from './call-page.ts';

/** One gauge of a sidecar's `/metrics` (its metrics listener), or null while the sidecar does not answer (e.g. restarting). */
export async function sidecarGauge(metricsUrl: string, name: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${metricsUrl}/metrics`)).text();
    const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** The session's evidence pack, waiting while the control plane answers `evidence_not_ready`. */
export async function evidenceWhenReady(bank: BankClient, sessionId: string, timeoutMs: number): Promise<EvidencePack> {
  let pack: EvidencePack | undefined;
  await waitUntil('evidence pack ready', async () => {
    try {
      pack = await bank.evidence(sessionId);
      return true;
    } catch (error) {
      if (error instanceof VidentApiError && error.code === 'evidence_not_ready') return false;
      throw error;
    }
  }, timeoutMs);
  return pack!;
}
