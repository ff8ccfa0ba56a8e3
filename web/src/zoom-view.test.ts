import { describe, expect, it } from 'vitest';
import { PAN_STEP_PX, UNZOOMED, ZOOM_STEPS, clampPan, panBy, stepZoom, zoomKey, zoomTransform } from './zoom-view.ts';

const tile = { width: 800, height: 450 };

describe('zoom', () => {
  it('steps in and out through the fixed steps, stopping at both ends', () => {
    let view = UNZOOMED;
    const seen: number[] = [];
    for (let i = 0; i < ZOOM_STEPS.length + 1; i++) {
      view = stepZoom(view, 1, tile);
      seen.push(view.scale);
    }
    expect(seen).toEqual([1.5, 2, 3, 4, 4, 4]);
    expect(stepZoom(UNZOOMED, -1, tile)).toEqual(UNZOOMED);
    expect(stepZoom({ scale: 2, x: 0, y: 0 }, -1, tile).scale).toBe(1.5);
  });

  it('keeps the scaled picture covering the tile when panning', () => {
    const two = { scale: 2, x: 0, y: 0 };
    // At 2x the picture's edge reaches the tile's edge after half a tile.
    expect(panBy(two, 10_000, -10_000, tile)).toEqual({ scale: 2, x: 400, y: -225 });
    expect(panBy(UNZOOMED, 50, 50, tile)).toEqual(UNZOOMED);
    // Zooming out pulls an offset back inside the smaller range.
    expect(stepZoom({ scale: 2, x: 400, y: 225 }, -1, tile)).toEqual({ scale: 1.5, x: 200, y: 112.5 });
    expect(clampPan({ scale: 1, x: 5, y: -5 }, tile)).toEqual(UNZOOMED);
  });

  it('maps + - 0 and the arrows (arrows only while zoomed)', () => {
    expect(zoomKey(UNZOOMED, '+', tile)?.scale).toBe(1.5);
    expect(zoomKey(UNZOOMED, '=', tile)?.scale).toBe(1.5);
    expect(zoomKey({ scale: 3, x: 0, y: 0 }, '-', tile)?.scale).toBe(2);
    expect(zoomKey({ scale: 3, x: 100, y: 20 }, '0', tile)).toEqual(UNZOOMED);
    expect(zoomKey(UNZOOMED, 'ArrowLeft', tile)).toBeNull();
    const zoomed = { scale: 2, x: 0, y: 0 };
    expect(zoomKey(zoomed, 'ArrowLeft', tile)).toEqual({ scale: 2, x: PAN_STEP_PX, y: 0 });
    expect(zoomKey(zoomed, 'ArrowDown', tile)).toEqual({ scale: 2, x: 0, y: -PAN_STEP_PX });
    expect(zoomKey(zoomed, 'a', tile)).toBeNull();
  });

  it('renders a transform only while zoomed', () => {
    expect(zoomTransform(UNZOOMED)).toBe('');
    expect(zoomTransform({ scale: 2, x: 12.345, y: -3 })).toBe('translate(12.3px, -3px) scale(2)');
  });
});
