import { ChallengeAction, type ChallengeResult, type Locale } from '@vident/protocol';
import type { CallView } from '../call-view.ts';
import { currentChallenge, type ShownChallenge } from '../challenge-list.ts';
import type { ChallengeVerdict } from '../face/challenge-rules.ts';
import { ChallengeSampler, type MeasureState } from '../face/challenge-sampler.ts';
import type { FaceEngine } from '../face/face-engine.ts';
import { translate, type MessageKey } from '../i18n.ts';
import { setText } from './dom.ts';

export interface ChallengePanelOptions {
  /** The panel is inserted before this element. */
  before: HTMLElement;
  locale(): Locale;
  /** The customer's video as received: measured with the face engine. */
  video: HTMLVideoElement;
  /** The face engine (shared with the face comparison; loaded on first use). */
  engine(): Promise<Pick<FaceEngine, 'describe'>>;
  /** `challenge-start`: a random draw (no action) or the chosen action, re-issuing `replaces`. */
  start(action?: ChallengeAction, replaces?: string): boolean;
  /** `challenge-result`. */
  send(result: ChallengeResult): boolean;
}

const statusKey = (s: string) => `challenge.status.${s}` as MessageKey;
const labelKey = (a: ChallengeAction) => `challenge.label.${a}` as MessageKey;

/**
 * The agent's liveness challenges (issue 15): a button that has the session draw 2-3 actions, a
 * chosen action to issue (or re-issue), and each challenge with its measured status. The oldest open
 * challenge is measured on the received video (ChallengeSampler) and its result sent to the session;
 * the antispoof and liveness scores show beside it as hints. Built by script on the agent's page only.
 */
export class ChallengePanel {
  private readonly root = document.createElement('section');
  private readonly heading = document.createElement('h3');
  private readonly intro = document.createElement('p');
  private readonly drawButton = document.createElement('button');
  private readonly chooseLabel = document.createElement('label');
  private readonly choose = document.createElement('select');
  private readonly issueButton = document.createElement('button');
  private readonly list = document.createElement('ul');
  private readonly sampler: ChallengeSampler;
  /** Measuring progress of challenges without a recorded result. */
  private readonly progress = new Map<string, { state: MeasureState; verdict?: ChallengeVerdict }>();
  private view: CallView | null = null;

  constructor(private readonly opts: ChallengePanelOptions) {
    this.root.className = 'challenge-panel';
    this.root.dataset.testid = 'challenge-panel';
    this.heading.id = 'challenge-heading';
    this.root.setAttribute('aria-labelledby', this.heading.id);
    this.intro.className = 'challenge-intro';
    this.drawButton.type = 'button';
    this.drawButton.dataset.testid = 'challenge-draw';
    this.drawButton.addEventListener('click', () => opts.start());
    this.choose.id = 'challenge-choose';
    this.choose.dataset.testid = 'challenge-action';
    this.chooseLabel.htmlFor = this.choose.id;
    for (const action of ChallengeAction.options) {
      const option = document.createElement('option');
      option.value = action;
      this.choose.append(option);
    }
    this.issueButton.type = 'button';
    this.issueButton.dataset.testid = 'challenge-issue';
    this.issueButton.addEventListener('click', () => opts.start(ChallengeAction.parse(this.choose.value)));
    const controls = document.createElement('div');
    controls.className = 'challenge-controls';
    controls.append(this.drawButton, this.chooseLabel, this.choose, this.issueButton);
    this.list.className = 'challenge-list';
    this.list.setAttribute('aria-live', 'polite');
    this.root.append(this.heading, this.intro, controls, this.list);
    opts.before.before(this.root);
    this.sampler = new ChallengeSampler({
      engine: () => opts.engine(),
      frame: () => {
        const v = opts.video;
        return v.videoWidth === 0 || v.readyState < 2 ? null : v;
      },
      onResult: (result, verdict) => {
        this.progress.set(result.id, { state: 'measuring', verdict });
        opts.send(result);
        this.render();
      },
      onProgress: (id, state, verdict) => {
        this.progress.set(id, { state, ...(verdict ? { verdict } : {}) });
        this.render();
      },
    });
  }

  update(view: CallView): void {
    this.view = view;
    if (view.ended) this.sampler.stop();
    else this.sampler.measure(currentChallenge(view.challenges));
    this.render();
  }

  private render(): void {
    const t = (key: MessageKey, params?: Record<string, string>) => translate(this.opts.locale(), key, params);
    const view = this.view;
    this.root.hidden = view?.ended != null;
    setText(this.heading, t('challenge.heading'));
    setText(this.intro, t('challenge.intro'));
    setText(this.drawButton, t('challenge.draw'));
    setText(this.chooseLabel, t('challenge.choose'));
    setText(this.issueButton, t('challenge.issue'));
    for (const option of this.choose.options) setText(option, t(labelKey(option.value as ChallengeAction)));
    const usable = view !== null && view.peerPresent && view.ended === null && view.startedAt !== null;
    this.drawButton.disabled = !usable;
    this.issueButton.disabled = !usable;
    this.list.replaceChildren(...(view?.challenges ?? []).map((c) => this.item(c, usable, t)));
  }

  private item(c: ShownChallenge, usable: boolean, t: (key: MessageKey, params?: Record<string, string>) => string): HTMLElement {
    const li = document.createElement('li');
    li.dataset.testid = `challenge-${c.id}`;
    li.dataset.action = c.action;
    const label = document.createElement('span');
    label.className = 'challenge-label';
    label.textContent = t(labelKey(c.action));
    const status = document.createElement('span');
    status.className = 'challenge-status';
    status.dataset.testid = `challenge-status-${c.id}`;
    const progress = this.progress.get(c.id);
    const state = c.result?.outcome ?? (c === currentChallenge(this.view?.challenges ?? []) ? (progress?.state ?? 'loading') : 'waiting');
    status.dataset.status = state;
    status.textContent = t(statusKey(state));
    li.append(label, ' ', status);
    const figures = c.result?.figures ?? progress?.verdict?.figures;
    if (figures) {
      const detail = document.createElement('span');
      detail.className = 'challenge-figures';
      detail.textContent = Object.entries(figures)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ');
      li.append(detail);
    }
    const hints = c.result?.hints ?? progress?.verdict?.hints;
    if (hints && (hints.real !== undefined || hints.live !== undefined)) {
      const hint = document.createElement('span');
      hint.className = 'challenge-hints';
      hint.dataset.testid = `challenge-hints-${c.id}`;
      hint.textContent = t('challenge.hints', { real: hints.real?.toFixed(2) ?? '–', live: hints.live?.toFixed(2) ?? '–' });
      li.append(hint);
    }
    if (c.ended) {
      const again = document.createElement('button');
      again.type = 'button';
      again.className = 'challenge-again';
      again.dataset.testid = `challenge-again-${c.id}`;
      again.textContent = t('challenge.again');
      again.disabled = !usable;
      again.addEventListener('click', () => this.opts.start(c.action, c.id));
      li.append(again);
    }
    return li;
  }
}

/** The customer's instruction for the challenge to perform now, over its self-view. */
export class ChallengePrompt {
  private readonly root = document.createElement('p');

  constructor(
    private readonly locale: () => Locale,
    after: HTMLElement,
  ) {
    this.root.className = 'challenge-prompt';
    this.root.dataset.testid = 'challenge-prompt';
    this.root.setAttribute('role', 'status');
    this.root.setAttribute('aria-live', 'assertive');
    this.root.hidden = true;
    after.after(this.root);
  }

  render(view: CallView): void {
    const current = view.ended === null ? currentChallenge(view.challenges) : null;
    this.root.hidden = current === null;
    this.root.dataset.action = current?.action ?? '';
    this.root.dataset.id = current?.id ?? '';
    setText(this.root, current === null ? '' : translate(this.locale(), `challenge.do.${current.action}` as MessageKey));
  }
}
