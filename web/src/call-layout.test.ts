import { GuidanceKind } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { AFTER_STILL_MS, DOCUMENT_LAYOUT_MS, FACE_LAYOUT, nextLayout, type LayoutState } from './call-layout.ts';

const now = 1_000_000;

describe("the customer's call layout", () => {
  it('switches to the document for an ID side the agent captures, stays on the face for the face', () => {
    expect(nextLayout(FACE_LAYOUT, { type: 'still-request', kind: 'id_front' }, now)).toEqual({ layout: 'document', until: now + DOCUMENT_LAYOUT_MS });
    expect(nextLayout(FACE_LAYOUT, { type: 'still-request', kind: 'id_back' }, now).layout).toBe('document');
    const doc: LayoutState = { layout: 'document', until: now + DOCUMENT_LAYOUT_MS };
    expect(nextLayout(doc, { type: 'still-request', kind: 'face' }, now)).toEqual(FACE_LAYOUT);
  });

  it('follows the guidance: ID kinds the document, face_camera and clear the face, more_light neither', () => {
    const after = (kind: GuidanceKind, from: LayoutState = FACE_LAYOUT) => nextLayout(from, { type: 'guidance', kind }, now).layout;
    expect(['hold_id_closer', 'tilt_card', 'show_back'].map((k) => after(k as GuidanceKind))).toEqual(['document', 'document', 'document']);
    const doc: LayoutState = { layout: 'document', until: now + 5 };
    expect(after('face_camera', doc)).toBe('face');
    expect(after('clear', doc)).toBe('face');
    expect(nextLayout(doc, { type: 'guidance', kind: 'more_light' }, now)).toBe(doc);
    expect(after('more_light')).toBe('face');
    // Every kind is decided (a new GuidanceKind must be placed here on purpose).
    expect(GuidanceKind.options).toHaveLength(6);
  });

  it('goes back to the face shortly after the ID still, or when the document step times out', () => {
    const doc = nextLayout(FACE_LAYOUT, { type: 'still-request', kind: 'id_front' }, now);
    const done = nextLayout(doc, { type: 'still-done', kind: 'id_front' }, now + 2000);
    expect(done).toEqual({ layout: 'document', until: now + 2000 + AFTER_STILL_MS });
    expect(nextLayout(done, { type: 'tick' }, now + 2000 + AFTER_STILL_MS - 1)).toBe(done);
    expect(nextLayout(done, { type: 'tick' }, now + 2000 + AFTER_STILL_MS)).toEqual(FACE_LAYOUT);
    expect(nextLayout(doc, { type: 'tick' }, now + DOCUMENT_LAYOUT_MS)).toEqual(FACE_LAYOUT);
    // A face still, or a still on the face layout, changes nothing.
    expect(nextLayout(doc, { type: 'still-done', kind: 'face' }, now)).toBe(doc);
    expect(nextLayout(FACE_LAYOUT, { type: 'still-done', kind: 'id_back' }, now)).toBe(FACE_LAYOUT);
    expect(nextLayout(FACE_LAYOUT, { type: 'tick' }, now)).toBe(FACE_LAYOUT);
  });
});
