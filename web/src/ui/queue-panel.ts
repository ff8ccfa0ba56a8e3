import type { Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { translate } from '../i18n.ts';
import { queueLines } from '../queue-text.ts';
import { byTestId, setText } from './dom.ts';

/**
 * The customer's wait for an agent, inside the call screen's "waiting for an agent" overlay: the place in
 * the agents' queue, an honest estimate (or why there is none) and a way out. Leaving is the
 * existing hang-up: the session ends cancelled by the customer.
 */
export class QueuePanel {
  private readonly root = document.createElement('div');
  private readonly position = document.createElement('p');
  private readonly estimate = document.createElement('p');
  private readonly leave = document.createElement('button');

  constructor(
    private readonly locale: () => Locale,
    onLeave: () => void,
  ) {
    this.root.className = 'queue-panel';
    this.root.dataset.testid = 'queue-panel';
    this.root.hidden = true;
    this.position.className = 'queue-position';
    this.position.dataset.testid = 'queue-position';
    this.estimate.className = 'queue-estimate';
    this.estimate.dataset.testid = 'queue-estimate';
    this.leave.type = 'button';
    this.leave.className = 'btn btn-secondary queue-leave';
    this.leave.dataset.testid = 'queue-leave';
    this.leave.addEventListener('click', () => {
      this.leave.disabled = true;
      onLeave();
    });
    this.root.append(this.position, this.estimate, this.leave);
    byTestId('waiting').append(this.root);
  }

  render(view: CallView): void {
    const shown = view.role === 'customer' && !view.peerPresent && view.ended === null;
    this.root.hidden = !shown;
    if (!shown) return;
    const lines = queueLines(this.locale(), view.queue);
    setText(this.position, lines.position);
    this.position.dataset.position = view.queue ? String(view.queue.position) : '';
    setText(this.estimate, lines.estimate);
    this.estimate.dataset.estimate = view.queue?.estimateSeconds === null || !view.queue ? 'none' : String(view.queue.estimateSeconds);
    setText(this.leave, translate(this.locale(), 'queue.leave'));
  }
}
