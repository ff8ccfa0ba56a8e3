/*
 * The size a still of the customer's own camera is taken at (issue 17). The camera track's own
 * settings say what the camera delivers, before the video encoder scales it down for the path: on
 * a poor link the agent may receive 640x360 while the camera runs at 1920x1080, and the document's
 * small print is only legible in the latter. Pure.
 */

/** A still's long edge is at most this: 4K already shows microprint, and more would not seal under MAX_CAPTURE_BYTES. */
export const MAX_STILL_EDGE = 4096;

export interface PixelSize {
  width: number;
  height: number;
}

function known(size: { width?: number | undefined; height?: number | undefined } | null): PixelSize | null {
  if (size === null) return null;
  const { width, height } = size;
  if (width === undefined || height === undefined || !Number.isFinite(width) || !Number.isFinite(height)) return null;
  if (width < 1 || height < 1) return null;
  return { width: Math.round(width), height: Math.round(height) };
}

/**
 * The still's pixel size: the frame's own size when the grab gave one (ImageCapture's bitmap), else
 * the track's settings, else the decoded size of a video element playing the track; scaled down
 * (aspect kept) so the long edge is at most MAX_STILL_EDGE. Null when nothing knows a size.
 */
export function stillSize(
  frame: PixelSize | null,
  settings: { width?: number | undefined; height?: number | undefined },
  element: PixelSize | null,
): PixelSize | null {
  const size = known(frame) ?? known(settings) ?? known(element);
  if (size === null) return null;
  const scale = Math.min(1, MAX_STILL_EDGE / Math.max(size.width, size.height));
  if (scale === 1) return size;
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}
