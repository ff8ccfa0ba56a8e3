import { describe, expect, it } from 'vitest';
import { MAX_STILL_EDGE, stillSize } from './still-size.ts';

describe('the size of a still from the customer camera', () => {
  it("takes the frame's own size, else the track's settings, else the video element's", () => {
    expect(stillSize({ width: 1920, height: 1080 }, { width: 1280, height: 720 }, { width: 640, height: 360 })).toEqual({ width: 1920, height: 1080 });
    expect(stillSize(null, { width: 1920, height: 1080 }, { width: 640, height: 360 })).toEqual({ width: 1920, height: 1080 });
    expect(stillSize(null, {}, { width: 640, height: 360 })).toEqual({ width: 640, height: 360 });
    expect(stillSize({ width: 0, height: 0 }, { width: 1280 }, { width: 640, height: 480 })).toEqual({ width: 640, height: 480 });
  });

  it('is null when nothing knows a size', () => {
    expect(stillSize(null, {}, null)).toBeNull();
    expect(stillSize(null, { width: Number.NaN, height: 10 }, { width: 0, height: 0 })).toBeNull();
  });

  it(`scales a larger camera down to a long edge of ${MAX_STILL_EDGE}, keeping the aspect`, () => {
    expect(stillSize(null, { width: 8192, height: 4608 }, null)).toEqual({ width: 4096, height: 2304 });
    expect(stillSize(null, { width: 3024, height: 5376 }, null)).toEqual({ width: 2304, height: 4096 });
    expect(stillSize(null, { width: 4096, height: 3072 }, null)).toEqual({ width: 4096, height: 3072 });
  });
});
