import type { Locale, QueueStatus } from '@vident/protocol';
import { translate } from './i18n.ts';

/**
 * The queue panel's two lines: the customer's place, and the estimate in words. No estimate is
 * said as such, with its reason, rather than shown as a made-up number.
 */
export function queueLines(locale: Locale, queue: QueueStatus | null): { position: string; estimate: string } {
  if (queue === null) return { position: translate(locale, 'queue.positionUnknown'), estimate: '' };
  const position = translate(locale, 'queue.position', { position: String(queue.position) });
  if (queue.estimateSeconds === null) {
    return { position, estimate: translate(locale, queue.agentsOnline === 0 ? 'queue.noEstimate.noAgent' : 'queue.noEstimate.noHistory') };
  }
  if (queue.estimateSeconds < 60) return { position, estimate: translate(locale, 'queue.estimateSoon') };
  return { position, estimate: translate(locale, 'queue.estimate', { minutes: String(Math.round(queue.estimateSeconds / 60)) }) };
}
