import { formatScore } from '../assist/assist-view.ts';
import type { CallView } from '../call-view.ts';
import type { MessageKey } from '../i18n.ts';
import { assistSection, type Translate } from './assist-section.ts';
import { replaceChildrenIfChanged, setText } from './dom.ts';

/** Where the face comparison stands, as the panel shows it. */
export type FaceStatus = 'waiting' | 'loading' | 'no_id_face' | 'no_live_face' | 'failed' | 'ready';

const STATUS_KEY: Record<FaceStatus, MessageKey | null> = {
  waiting: 'assist.face.waiting',
  loading: 'assist.face.loading',
  no_id_face: 'assist.face.noIdFace',
  no_live_face: 'assist.face.noLiveFace',
  failed: 'assist.face.failed',
  ready: null,
};

/**
 * The face comparison in the assistance panel (issue 14): this page's progress, then the scores
 * and bands the session recorded (the ID photo against a capture, and against the call's frames).
 */
export class FaceMatchSection {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly status = document.createElement('p');
  private readonly list = document.createElement('dl');

  constructor() {
    const { section, heading } = assistSection('assist-face', 'assist-face-heading');
    this.element = section;
    this.heading = heading;
    this.status.className = 'assist-status';
    this.status.dataset.testid = 'face-match-status';
    this.status.setAttribute('aria-live', 'polite');
    this.list.className = 'assist-face-results';
    section.append(heading, this.status, this.list);
  }

  render(t: Translate, state: FaceStatus, view: CallView | null): void {
    setText(this.heading, t('assist.face.heading'));
    const key = STATUS_KEY[state];
    setText(this.status, key === null ? '' : t(key));
    this.status.dataset.state = state;
    this.status.hidden = key === null;
    const rows: HTMLElement[] = [];
    // What the session recorded (also after a reload), not what this page computed.
    const matches = view?.review.faceMatches ?? { capture: null, call: null };
    for (const result of [matches.capture, matches.call]) {
      if (result === null) continue;
      const suffix = result.kind === 'capture' ? '' : '-call';
      const dt = document.createElement('dt');
      dt.textContent =
        result.kind === 'capture'
          ? t('assist.face.capture')
          : t('assist.face.call', { samples: String(result.samples), lowest: formatScore(result.lowest ?? result.score) });
      const dd = document.createElement('dd');
      const score = document.createElement('span');
      score.dataset.testid = `face-match-score${suffix}`;
      score.dataset.score = String(result.score);
      score.textContent = formatScore(result.score);
      const band = document.createElement('span');
      band.dataset.testid = `face-match-band${suffix}`;
      band.dataset.band = result.band;
      band.className = `assist-band ${result.band}`;
      band.textContent = t(`assist.face.band.${result.band}`);
      dd.append(score, ' ', band);
      rows.push(dt, dd);
    }
    const thresholds = matches.capture?.thresholds ?? matches.call?.thresholds ?? view?.review.faceThresholds;
    if (thresholds !== undefined && rows.length > 0) {
      const note = document.createElement('dd');
      note.className = 'assist-note';
      note.textContent = t('assist.face.thresholds', { match: formatScore(thresholds.match), noMatch: formatScore(thresholds.noMatch) });
      rows.push(note);
    }
    replaceChildrenIfChanged(this.list, rows);
    this.list.hidden = rows.length === 0;
  }
}
