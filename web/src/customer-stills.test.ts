import { describe, expect, it } from 'vitest';
import { shownStill, STILL_WAIT_MS, stillAnswered, stillRequested } from './customer-stills.ts';

const requestId = '0123456789abcdef';

describe("the agent's view of the customer's stills", () => {
  it('goes requested → stored with the size the customer declared', () => {
    const asked = stillRequested({}, 'id_front', 1000);
    expect(shownStill(asked.id_front, 1000)).toEqual({ status: 'requested', at: 1000 });
    const stored = stillAnswered(asked, { type: 'still-stored', requestId, kind: 'id_front', artifactId: 'still-abcdefgh-id-front-01234567', width: 1920, height: 1080 });
    expect(stored.id_front).toEqual({ status: 'stored', artifactId: 'still-abcdefgh-id-front-01234567', width: 1920, height: 1080 });
    expect(stored.face).toBeUndefined();
  });

  it('shows a failure with its code, or a timeout when nothing came', () => {
    const asked = stillRequested({}, 'face', 0);
    expect(stillAnswered(asked, { type: 'still-failed', requestId, kind: 'face', code: 'no_camera' }).face).toEqual({ status: 'failed', code: 'no_camera' });
    expect(shownStill(asked.face, STILL_WAIT_MS - 1)?.status).toBe('requested');
    expect(shownStill(asked.face, STILL_WAIT_MS)).toEqual({ status: 'failed', code: 'timeout' });
    expect(shownStill(undefined, 0)).toBeNull();
  });

  it('keeps a stored still when a late failure of the same kind arrives; a new request replaces it', () => {
    const stored = stillAnswered({}, { type: 'still-stored', requestId, kind: 'id_back', artifactId: 'still-abcdefgh-id-back-01234567', width: 1280, height: 720 });
    expect(stillAnswered(stored, { type: 'still-failed', requestId, kind: 'id_back', code: 'upload_failed' })).toBe(stored);
    expect(stillRequested(stored, 'id_back', 5).id_back).toEqual({ status: 'requested', at: 5 });
  });
});
