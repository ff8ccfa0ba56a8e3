import { SessionBrowserPaths, type PrecheckSignal } from '@vident/protocol';
import type { ProbeTarget } from './network-probe.ts';

/**
 * Tells the session what the customer's page saw before joining (the landing page opened, the
 * camera or microphone refused), for the supervisors' funnel; the session notes each once. Best
 * effort: the customer's way in never waits for it or fails because of it.
 */
export async function sendPrecheckSignal(target: ProbeTarget, event: PrecheckSignal['event']): Promise<void> {
  try {
    await fetch(new URL(SessionBrowserPaths.precheck(target.sessionId), target.origin), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify({ event } satisfies PrecheckSignal),
      keepalive: true,
    });
  } catch (err) {
    console.warn('vident: pre-call signal not recorded', err);
  }
}
