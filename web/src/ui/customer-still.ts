import { EnvelopeError, type CaptureKind, type StillFailureCode } from '@vident/protocol';
import { CaptureError, captureUploadRequest, sealCapture, sendCapture } from '../capture-upload.ts';
import { stillSize, type PixelSize } from '../still-size.ts';
import type { BankKey } from './capture-panel.ts';
import { encodeStill, type GrabbedFrame } from './frame-grab.ts';

/*
 * The customer's side of a still the agent asked for (issue 17): taken from the page's own camera
 * track at the camera's resolution, sealed here with the bank's public key exactly as the agent's
 * captures are (same envelope, same size limit), uploaded with the customer's participant token
 * naming the agent's request. The plaintext never leaves this page; nothing of it is kept.
 */

export interface StillRequestInput {
  requestId: string;
  kind: CaptureKind;
}

export type StillDelivery = { ok: true; artifactId: string; width: number; height: number } | { ok: false; code: StillFailureCode; detail: string };

export interface StillUploader {
  origin: string;
  sessionId: string;
  /** The customer's participant token (Authorization header only). */
  token: string;
  bankKey: Promise<BankKey>;
}

/** ImageCapture (Chromium, Edge; not Firefox or Safari): only the part used here. */
interface ImageCaptureLike {
  grabFrame(): Promise<ImageBitmap>;
}
type ImageCaptureConstructor = new (track: MediaStreamTrack) => ImageCaptureLike;

/**
 * Takes, seals and uploads the still; answers what happened, never throws. `stream` is the call's
 * local camera stream (null before the camera was granted).
 */
export async function deliverStill(request: StillRequestInput, stream: MediaStream | null, uploader: StillUploader): Promise<StillDelivery> {
  const track = stream?.getVideoTracks().find((t) => t.readyState === 'live') ?? null;
  if (track === null) return { ok: false, code: 'no_camera', detail: 'no live camera track' };
  // A switched-off camera gives black frames: not a still of anything.
  if (!track.enabled || track.muted) return { ok: false, code: 'camera_off', detail: 'the camera is switched off' };
  const key = await uploader.bankKey;
  if (key.state !== 'ready') return { ok: false, code: 'not_configured', detail: `bank key ${key.state}` };
  let frame: GrabbedFrame;
  try {
    frame = await grabTrack(track);
  } catch (err) {
    return { ok: false, code: 'encode_failed', detail: describe(err) };
  }
  let sealed: Uint8Array<ArrayBuffer>;
  try {
    sealed = await sealCapture(key.key, frame.jpeg);
  } catch (err) {
    if (err instanceof CaptureError && err.code === 'payload_too_large') return { ok: false, code: 'too_large', detail: err.message };
    return { ok: false, code: err instanceof EnvelopeError ? 'not_configured' : 'encode_failed', detail: describe(err) };
  }
  const { origin, sessionId, token } = uploader;
  const size = { width: frame.width, height: frame.height };
  const result = await sendCapture(captureUploadRequest({ origin, sessionId, kind: request.kind, token, sealed, size, requestId: request.requestId }), {
    sessionId,
    kind: request.kind,
  });
  if (!result.ok) return { ok: false, code: 'upload_failed', detail: `${result.failure.code}: ${result.failure.detail}` };
  return { ok: true, artifactId: result.artifact.artifactId, ...size };
}

/**
 * One frame of the track at the camera's resolution. ImageCapture.grabFrame() where the browser
 * has it (the frame as the camera delivers it, before any encoder scaling); not takePhoto(), which
 * on many phones reconfigures the camera and stalls the call's video for a moment. Elsewhere a
 * frame of a private video element playing the track, drawn at the track's settings size.
 */
async function grabTrack(track: MediaStreamTrack): Promise<GrabbedFrame> {
  const ImageCapture = (globalThis as unknown as { ImageCapture?: ImageCaptureConstructor }).ImageCapture;
  if (ImageCapture !== undefined) {
    let bitmap: ImageBitmap | null = null;
    try {
      bitmap = await new ImageCapture(track).grabFrame();
    } catch {
      bitmap = null;
    }
    if (bitmap !== null) {
      try {
        const size = stillSize({ width: bitmap.width, height: bitmap.height }, track.getSettings(), null);
        if (size !== null) return await encodeStill(bitmap, size.width, size.height);
      } finally {
        bitmap.close();
      }
    }
  }
  return grabFromVideo(track);
}

async function grabFromVideo(track: MediaStreamTrack): Promise<GrabbedFrame> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await video.play();
    if (video.videoWidth === 0) {
      // The track's settings size is enough if no frame shows up in time.
      await Promise.race([new Promise((resolve) => video.addEventListener('resize', resolve, { once: true })), new Promise((resolve) => setTimeout(resolve, 3000))]);
    }
    const element: PixelSize = { width: video.videoWidth, height: video.videoHeight };
    const size = stillSize(null, track.getSettings(), element);
    if (size === null) throw new CaptureError('no_frame', 'the camera track has no size');
    return await encodeStill(video, size.width, size.height);
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
