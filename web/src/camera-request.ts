/*
 * How the call asks for the camera: HD first (1280x720, up to 30 fps, as ideals, so any camera
 * answers with its nearest mode), then VGA, then whatever the device gives, stepping down only
 * when the browser answers that a request cannot be met (OverconstrainedError). Any other refusal
 * (permission, device busy) is the caller's to explain: asking again smaller would not help.
 */

/** One step of the camera request, best first. */
export type CameraQuality = 'hd' | 'sd' | 'any';

/** The order the steps are tried in. */
export const CAMERA_QUALITIES: readonly CameraQuality[] = ['hd', 'sd', 'any'];

/** The video part of one step (the device choice is added by mediaConstraints). */
export function videoConstraints(quality: CameraQuality): MediaTrackConstraints {
  switch (quality) {
    case 'hd':
      // `max` only on the frame rate: more than 30 fps would cost bitrate the agent gains nothing from.
      return { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30, max: 30 } };
    case 'sd':
      return { width: { ideal: 640 }, height: { ideal: 480 } };
    case 'any':
      return {};
  }
}

/** True for the refusal that asking for less may cure. */
export function isOverconstrained(err: unknown): boolean {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
  return name === 'OverconstrainedError';
}

/**
 * Asks `getUserMedia` for each step of `constraintsFor` in CAMERA_QUALITIES order until one is
 * granted; only an OverconstrainedError moves on to the next step, anything else is thrown at once.
 * The last step's error is thrown when every step was refused.
 */
export async function requestCamera(
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>,
  constraintsFor: (quality: CameraQuality) => MediaStreamConstraints,
): Promise<MediaStream> {
  let last: unknown;
  for (const quality of CAMERA_QUALITIES) {
    try {
      return await getUserMedia(constraintsFor(quality));
    } catch (err) {
      if (!isOverconstrained(err)) throw err;
      last = err;
    }
  }
  throw last;
}
