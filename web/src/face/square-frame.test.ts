import { describe, expect, it } from 'vitest';
import { boxInImage, squareFrame } from './square-frame.ts';

describe('square frame', () => {
  it('centres a wide frame vertically and a tall one horizontally; a square one as it is', () => {
    expect(squareFrame(1280, 720)).toEqual({ size: 1280, offsetX: 0, offsetY: 280 });
    expect(squareFrame(480, 640)).toEqual({ size: 640, offsetX: 80, offsetY: 0 });
    expect(squareFrame(500, 500)).toEqual({ size: 500, offsetX: 0, offsetY: 0 });
  });

  it('maps a box on the square back to the image', () => {
    expect(boxInImage({ x: 600, y: 400, width: 120, height: 150 }, squareFrame(1280, 720))).toEqual({ x: 600, y: 120, width: 120, height: 150 });
  });
});
