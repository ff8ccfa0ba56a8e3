/*
 * The agent's zoom on the customer's video, for reading an ID card: a display-only transform
 * (scale, then pan) of the video element. Captures read the decoded frame, never the display, so
 * zooming cannot change what is stored. Pure: the UI applies `zoomTransform`.
 */

/** Zoom steps: in and out move one step; 1 is the whole picture. */
export const ZOOM_STEPS = [1, 1.5, 2, 3, 4] as const;
/** How far one arrow key press pans, in CSS pixels. */
export const PAN_STEP_PX = 40;

export interface ZoomView {
  scale: number;
  /** Pan offset in CSS pixels of the tile (positive x moves the picture right). */
  x: number;
  y: number;
}

export interface TileSize {
  width: number;
  height: number;
}

export const UNZOOMED: ZoomView = { scale: 1, x: 0, y: 0 };

/** One step in (`+1`) or out (`-1`), with the pan clamped to the new scale. */
export function stepZoom(view: ZoomView, direction: 1 | -1, tile: TileSize): ZoomView {
  const index = ZOOM_STEPS.findIndex((s) => s >= view.scale - 1e-9);
  const current = index < 0 ? ZOOM_STEPS.length - 1 : index;
  const next = Math.min(ZOOM_STEPS.length - 1, Math.max(0, current + direction));
  return clampPan({ ...view, scale: ZOOM_STEPS[next]! }, tile);
}

/** Moves the picture by (dx, dy) pixels; no pan at all while unzoomed. */
export function panBy(view: ZoomView, dx: number, dy: number, tile: TileSize): ZoomView {
  return clampPan({ ...view, x: view.x + dx, y: view.y + dy }, tile);
}

/**
 * Keeps the scaled picture covering the tile: with the scale applied around the centre, the edge
 * reaches the tile's edge at (scale - 1) * size / 2.
 */
export function clampPan(view: ZoomView, tile: TileSize): ZoomView {
  const maxX = ((view.scale - 1) * tile.width) / 2;
  const maxY = ((view.scale - 1) * tile.height) / 2;
  return { scale: view.scale, x: clamp(view.x, maxX), y: clamp(view.y, maxY) };
}

export function isZoomed(view: ZoomView): boolean {
  return view.scale > 1;
}

/** The CSS transform for the video element (origin at its centre). */
export function zoomTransform(view: ZoomView): string {
  return isZoomed(view) ? `translate(${round(view.x)}px, ${round(view.y)}px) scale(${view.scale})` : '';
}

/** What a key press does while the video has focus; null for keys the zoom does not use. */
export function zoomKey(view: ZoomView, key: string, tile: TileSize): ZoomView | null {
  switch (key) {
    case '+':
    case '=':
      return stepZoom(view, 1, tile);
    case '-':
    case '_':
      return stepZoom(view, -1, tile);
    case '0':
      return UNZOOMED;
    case 'ArrowLeft':
      return isZoomed(view) ? panBy(view, PAN_STEP_PX, 0, tile) : null;
    case 'ArrowRight':
      return isZoomed(view) ? panBy(view, -PAN_STEP_PX, 0, tile) : null;
    case 'ArrowUp':
      return isZoomed(view) ? panBy(view, 0, PAN_STEP_PX, tile) : null;
    case 'ArrowDown':
      return isZoomed(view) ? panBy(view, 0, -PAN_STEP_PX, tile) : null;
    default:
      return null;
  }
}

function clamp(value: number, max: number): number {
  const limited = Math.min(max, Math.max(-max, value));
  // No "-0" in the transform string.
  return limited === 0 ? 0 : limited;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
