import { STILL_REQUEST_TTL_MS } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { addStillRequest, openStillRequest, withoutStillRequest, type StillRequest } from './still-requests.ts';

const at = 1_000_000;
const front: StillRequest = { requestId: 'aaaaaaaaaaaaaaaa', kind: 'id_front', at };

describe('still requests', () => {
  it('admit an upload of their id and kind while they are open, once removed never again', () => {
    const pending = addStillRequest(undefined, front);
    expect(openStillRequest(pending, front.requestId, 'id_front', at + 1000)).toEqual(front);
    expect(openStillRequest(pending, front.requestId, 'face', at + 1000)).toBeNull();
    expect(openStillRequest(pending, 'bbbbbbbbbbbbbbbb', 'id_front', at + 1000)).toBeNull();
    expect(openStillRequest(pending, front.requestId, 'id_front', at + STILL_REQUEST_TTL_MS)).toBeNull();
    expect(openStillRequest(withoutStillRequest(pending, front.requestId), front.requestId, 'id_front', at + 1)).toBeNull();
    expect(openStillRequest(undefined, front.requestId, null, at)).toBeNull();
  });

  it('keep one per kind (the newer wins) and drop lapsed ones', () => {
    const newer: StillRequest = { requestId: 'cccccccccccccccc', kind: 'id_front', at: at + 10 };
    const face: StillRequest = { requestId: 'dddddddddddddddd', kind: 'face', at: at + 20 };
    const pending = addStillRequest(addStillRequest(addStillRequest([], front), newer), face);
    expect(pending).toEqual([newer, face]);
    const later: StillRequest = { requestId: 'eeeeeeeeeeeeeeee', kind: 'id_back', at: at + 10 + STILL_REQUEST_TTL_MS };
    // The newer front request lapsed exactly at TTL; the face one is 10 ms younger.
    expect(addStillRequest(pending, later)).toEqual([face, later]);
  });
});
