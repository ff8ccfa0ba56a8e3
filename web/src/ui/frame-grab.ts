import { CAPTURE_CONTENT_TYPE, CAPTURE_JPEG_QUALITY, CaptureError } from '../capture-upload.ts';

/** One still of a video: the JPEG (bytes for sealing, Blob for the thumbnail) and its size. */
export interface GrabbedFrame {
  jpeg: Uint8Array<ArrayBuffer>;
  blob: Blob;
  width: number;
  height: number;
}

/**
 * Draws the video's current frame at the resolution it is received in (videoWidth x videoHeight,
 * not the size it is displayed at: small print on an ID must stay legible) and encodes it as JPEG.
 */
export async function grabFrame(video: HTMLVideoElement): Promise<GrabbedFrame> {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (width === 0 || height === 0) throw new CaptureError('no_frame', 'the video has no decoded frame');
  return encodeStill(video, width, height);
}

/**
 * Draws `source` at width x height and encodes it as JPEG (the agent's grab of the received video
 * and the customer's still of its own camera: ui/customer-still.ts).
 */
export async function encodeStill(source: CanvasImageSource, width: number, height: number): Promise<GrabbedFrame> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (context === null) throw new CaptureError('encode_failed', 'no 2d canvas context');
  context.drawImage(source, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, CAPTURE_CONTENT_TYPE, CAPTURE_JPEG_QUALITY));
  // Release the bitmap now: the plaintext frame should not linger beyond the JPEG we keep.
  canvas.width = 0;
  canvas.height = 0;
  if (blob === null || blob.type !== CAPTURE_CONTENT_TYPE) throw new CaptureError('encode_failed', `the canvas gave ${blob?.type ?? 'nothing'}`);
  return { jpeg: new Uint8Array(await blob.arrayBuffer()), blob, width, height };
}
