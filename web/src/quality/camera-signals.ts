import type { CameraSignal, UnusualCameraSetting } from '@vident/protocol';

/*
 * What the customer's page can tell about its camera that points at injected video (issue 15):
 * a virtual or software camera named by its label, and settings a physical camera does not report.
 * Pure. These are signals for the agent, never a reason to block: a label is whatever the driver
 * says, and a real camera behind a virtual one (OBS in front of a webcam) is common and honest.
 */

/**
 * Labels of virtual and software cameras, lowercase substrings. Chromium's own fake device
 * (`fake_device_0`, used by the e2e tests) is one: it is a software camera, and flagging it is honest.
 */
export const VIRTUAL_CAMERA_LABELS: readonly string[] = [
  'obs virtual',
  'obs-camera',
  'obs camera',
  'manycam',
  'v4l2loopback',
  'v4l2 loopback',
  'dummy video device',
  'snap camera',
  'xsplit',
  'camtwist',
  'e2esoft',
  'vcam',
  'splitcam',
  'youcam',
  'droidcam',
  'iriun',
  'epoccam',
  'camo',
  'mmhmm',
  'nvidia broadcast',
  'virtual',
  'fake_device',
  'fake video',
];

/** The list entry a camera label matches (case-insensitive substring), or null. */
export function virtualCameraMatch(label: string): string | null {
  const l = label.toLowerCase();
  // 'camo' (Reincubate Camo) is matched as a word: it is part of ordinary words ('camouflage' aside, few labels).
  for (const entry of VIRTUAL_CAMERA_LABELS) {
    if (entry === 'camo' ? /\bcamo\b/.test(l) : l.includes(entry)) return entry;
  }
  return null;
}

/** What MediaStreamTrack.getSettings() gives for a video track (the fields this reads). */
export interface CameraSettings {
  width?: number;
  height?: number;
  frameRate?: number;
  deviceId?: string;
  groupId?: string;
}

/** Frame rates cameras report: the usual ones and their NTSC variants (29.97 ...), within 0.5. */
const USUAL_RATES = [5, 7.5, 10, 12, 15, 20, 24, 25, 30, 48, 50, 60, 90, 120, 240];

/**
 * Settings no physical camera in an honest call reports, as codes with their figures (empty: none).
 * Conservative on purpose: only what a webcam or phone camera driver does not do: no deviceId at all;
 * a frame rate above 240 or not near a usual one; a size with an odd side. Browsers scale to the
 * requested size (any even size is possible), so sizes are not judged beyond that.
 */
export function unusualSettings(s: CameraSettings): UnusualCameraSetting[] {
  const seen: UnusualCameraSetting[] = [];
  if (s.deviceId === undefined || s.deviceId === '') seen.push({ code: 'no_device_id' });
  if (s.frameRate !== undefined && (s.frameRate > 240 || !USUAL_RATES.some((r) => Math.abs(s.frameRate! - r) <= 0.5))) seen.push({ code: 'frame_rate', fps: round(s.frameRate) });
  if ((s.width !== undefined && s.width % 2 === 1) || (s.height !== undefined && s.height % 2 === 1)) seen.push({ code: 'odd_size', width: s.width ?? 0, height: s.height ?? 0 });
  return seen;
}

/** The signals the camera's label and settings raise when the call starts (none for an ordinary webcam). */
export function cameraSignals(label: string, settings: CameraSettings): CameraSignal[] {
  const out: CameraSignal[] = [];
  // The label is a driver's product name; the agent sees it quoted, as seen (bounded).
  if (virtualCameraMatch(label) !== null) out.push({ kind: 'virtual_camera', label: label.trim().slice(0, 120) });
  const odd = unusualSettings(settings);
  if (odd.length > 0) out.push({ kind: 'unusual_settings', settings: odd });
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
