import type { Locale } from '@vident/protocol';
import { translate } from '../i18n.ts';
import { replaceChildrenIfChanged } from './dom.ts';
import { UNZOOMED, ZOOM_STEPS, isZoomed, panBy, stepZoom, zoomKey, zoomTransform, type ZoomView } from '../zoom-view.ts';

/**
 * The agent's zoom on the customer's video (zoom-view.ts has the rules): buttons over the video,
 * + - 0 and arrow keys while the video has focus, dragging to pan while zoomed. Built by script on
 * the agent's page only. Display only: captures still read the full received frame.
 */
export class RemoteZoom {
  private readonly group = document.createElement('div');
  private readonly zoomIn = button('zoom-in', '+');
  private readonly zoomOut = button('zoom-out', '−');
  private readonly reset = button('zoom-reset', '');
  private view: ZoomView = UNZOOMED;
  private drag: { pointerId: number; x: number; y: number } | null = null;

  constructor(
    private readonly locale: () => Locale,
    private readonly video: HTMLVideoElement,
  ) {
    this.group.className = 'zoom-controls';
    this.group.dataset.testid = 'zoom-controls';
    this.group.setAttribute('role', 'group');
    this.group.append(this.zoomOut, this.reset, this.zoomIn);
    video.parentElement!.append(this.group);
    video.tabIndex = 0;
    video.classList.add('zoomable');
    this.zoomIn.addEventListener('click', () => this.set(stepZoom(this.view, 1, this.tile())));
    this.zoomOut.addEventListener('click', () => this.set(stepZoom(this.view, -1, this.tile())));
    this.reset.addEventListener('click', () => this.set(UNZOOMED));
    video.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const next = zoomKey(this.view, e.key, this.tile());
      if (next === null) return;
      e.preventDefault();
      this.set(next);
    });
    video.addEventListener('pointerdown', (e) => {
      if (!isZoomed(this.view) || e.button !== 0) return;
      this.drag = { pointerId: e.pointerId, x: e.clientX, y: e.clientY };
      video.setPointerCapture(e.pointerId);
      video.dataset.dragging = 'true';
    });
    video.addEventListener('pointermove', (e) => {
      if (this.drag?.pointerId !== e.pointerId) return;
      const dx = e.clientX - this.drag.x;
      const dy = e.clientY - this.drag.y;
      this.drag = { ...this.drag, x: e.clientX, y: e.clientY };
      this.set(panBy(this.view, dx, dy, this.tile()));
    });
    const endDrag = (e: PointerEvent) => {
      if (this.drag?.pointerId !== e.pointerId) return;
      this.drag = null;
      delete video.dataset.dragging;
    };
    video.addEventListener('pointerup', endDrag);
    video.addEventListener('pointercancel', endDrag);
    this.render();
  }

  /** Back to the whole picture (e.g. when the call ends). */
  clear(): void {
    this.set(UNZOOMED);
  }

  /** Labels in the current locale. */
  render(): void {
    const locale = this.locale();
    this.group.setAttribute('aria-label', translate(locale, 'zoom.group'));
    this.video.setAttribute('aria-label', translate(locale, 'zoom.video'));
    label(this.zoomIn, translate(locale, 'zoom.in'));
    label(this.zoomOut, translate(locale, 'zoom.out'));
    const percent = String(Math.round(this.view.scale * 100));
    // Visible "150%", named "Reset zoom (150%)": the hidden part leads, the visible text is within it.
    // Replaced only when it reads differently: this runs on every change of the call (see setText).
    const hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = translate(locale, 'zoom.resetName');
    replaceChildrenIfChanged(this.reset, [hidden, `${percent}%`]);
    this.reset.title = translate(locale, 'zoom.reset', { percent });
    // aria-disabled, not disabled: a button that just reached its limit keeps the keyboard focus
    // (at a limit a click changes nothing anyway).
    this.zoomIn.setAttribute('aria-disabled', String(this.view.scale >= ZOOM_STEPS.at(-1)!));
    this.zoomOut.setAttribute('aria-disabled', String(!isZoomed(this.view)));
    this.reset.setAttribute('aria-disabled', String(!isZoomed(this.view)));
    this.video.style.transform = zoomTransform(this.view);
    this.video.dataset.zoom = String(this.view.scale);
    this.video.parentElement!.dataset.zoomed = String(isZoomed(this.view));
  }

  private set(view: ZoomView): void {
    this.view = view;
    this.render();
  }

  private tile(): { width: number; height: number } {
    const box = this.video.parentElement!.getBoundingClientRect();
    return { width: box.width, height: box.height };
  }
}

function button(testId: string, text: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'zoom-btn';
  b.dataset.testid = testId;
  b.textContent = text;
  return b;
}

function label(b: HTMLButtonElement, text: string): void {
  b.setAttribute('aria-label', text);
  b.title = text;
}
