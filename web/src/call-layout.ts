import type { CaptureKind, GuidanceKind } from '@vident/protocol';
import { videoPriorityForGuidance } from './video-priority.ts';

/*
 * The customer's call screen for the document steps (issue 17). In the `face` layout the agent
 * fills the screen and the customer's own camera is a small mirrored corner. While the agent
 * captures or guides an ID side, the customer's task is to hold the card in front of the camera, so
 * the `document` layout makes the customer's own camera the large view, unmirrored (the card's
 * print reads the right way) with a card-shaped frame to fit it into, and the agent small. Pure:
 * the controller applies events with `nextLayout` and owns the one timer `until` asks for.
 */

export type CallLayout = 'face' | 'document';

/** The document layout goes back to the face after this long without another ID step. */
export const DOCUMENT_LAYOUT_MS = 45_000;
/** After the still of an ID side, the document layout stays this long (the customer sees it was taken). */
export const AFTER_STILL_MS = 1_500;

export interface LayoutState {
  layout: CallLayout;
  /** When the layout falls back to the face by itself (ms since epoch); null: it stays. */
  until: number | null;
}

export type LayoutEvent =
  | { type: 'guidance'; kind: GuidanceKind }
  | { type: 'still-request'; kind: CaptureKind }
  /** The customer's page delivered (or failed to deliver) the still of `kind`. */
  | { type: 'still-done'; kind: CaptureKind }
  /** The timer `until` asked for fired. */
  | { type: 'tick' };

export const FACE_LAYOUT: LayoutState = { layout: 'face', until: null };

const document = (now: number): LayoutState => ({ layout: 'document', until: now + DOCUMENT_LAYOUT_MS });

/** The layout after `event` at `now`. Never mutates `state`. */
export function nextLayout(state: LayoutState, event: LayoutEvent, now: number): LayoutState {
  switch (event.type) {
    case 'guidance': {
      // The same reading as the video sender's priority: ID guidance is the document, face_camera
      // and clear the face, more_light neither (whatever is shown stays).
      const priority = videoPriorityForGuidance(event.kind);
      if (priority === 'document') return document(now);
      if (priority === 'face') return FACE_LAYOUT;
      return state;
    }
    case 'still-request':
      return event.kind === 'face' ? FACE_LAYOUT : document(now);
    case 'still-done':
      if (event.kind === 'face' || state.layout !== 'document') return state;
      return { layout: 'document', until: Math.min(state.until ?? Infinity, now + AFTER_STILL_MS) };
    case 'tick':
      return state.until !== null && now >= state.until ? FACE_LAYOUT : state;
  }
}
