/*
 * The customer's pre-call check as data: what each check shows, when "Continue" is allowed, how a
 * refused getUserMedia is explained, and the device pickers' lists. Pure: the screen renders it.
 */
import { videoConstraints, type CameraQuality } from './camera-request.ts';

/** One check's state, also the `data-state` of its row. */
export type CheckState = 'pending' | 'pass' | 'fail';

export interface PrecheckState {
  camera: CheckState;
  microphone: CheckState;
  network: CheckState;
  /** Why camera/microphone failed, when they did (picks the recovery help). */
  mediaProblem: MediaProblem | null;
}

export const INITIAL_PRECHECK: PrecheckState = { camera: 'pending', microphone: 'pending', network: 'pending', mediaProblem: null };

/**
 * Camera and microphone must work; the network check may fail (a firewall or proxy may block the
 * check itself while the call could still get through): it explains, but does not block.
 */
export function canContinue(state: PrecheckState): boolean {
  return state.camera === 'pass' && state.microphone === 'pass';
}

/**
 * Why the browser gave no camera/microphone, in the terms the help text needs:
 * `denied` (the customer or the browser's settings refused: site settings help), `missing` (no
 * such device), `busy` (another app holds it), `other`.
 */
export type MediaProblem = 'denied' | 'missing' | 'busy' | 'other';

/** Classifies a getUserMedia rejection by its DOMException name. */
export function mediaProblemOf(err: unknown): MediaProblem {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String((err as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'other';
  }
}

/** The checks after the browser answered the camera+microphone request. */
export function afterMediaRequest(state: PrecheckState, outcome: { audio: boolean; video: boolean } | { error: unknown }): PrecheckState {
  if ('error' in outcome) return { ...state, camera: 'fail', microphone: 'fail', mediaProblem: mediaProblemOf(outcome.error) };
  return {
    ...state,
    camera: outcome.video ? 'pass' : 'fail',
    microphone: outcome.audio ? 'pass' : 'fail',
    mediaProblem: outcome.video && outcome.audio ? null : 'missing',
  };
}

/** The part of MediaDeviceInfo the pickers use. */
export interface DeviceEntry {
  deviceId: string;
  kind: string;
  label: string;
}

export interface DeviceOption {
  id: string;
  /** The browser's label, or a numbered fallback ("Camera 2") when it hides labels. */
  label: string;
}

/**
 * One picker's options: the devices of `kind`, without the browsers' `default`/`communications`
 * aliases when a real entry exists too, numbered when unlabelled; `selected` is the device in use
 * (or the first) so the picker shows the truth.
 */
export function deviceOptions(
  devices: readonly DeviceEntry[],
  kind: 'videoinput' | 'audioinput',
  inUse: string | null,
  fallbackLabel: (n: number) => string,
): { options: DeviceOption[]; selected: string | null } {
  const ofKind = devices.filter((d) => d.kind === kind && d.deviceId !== '');
  const real = ofKind.filter((d) => d.deviceId !== 'default' && d.deviceId !== 'communications');
  const listed = real.length > 0 ? real : ofKind;
  const seen = new Set<string>();
  const options: DeviceOption[] = [];
  for (const d of listed) {
    if (seen.has(d.deviceId)) continue;
    seen.add(d.deviceId);
    options.push({ id: d.deviceId, label: d.label.trim() || fallbackLabel(options.length + 1) });
  }
  const selected = inUse !== null && seen.has(inUse) ? inUse : (options[0]?.id ?? null);
  return { options, selected };
}

/**
 * getUserMedia constraints for the chosen devices (exact, so a change really switches) at one step
 * of the camera request (HD by default; see camera-request.ts for the fallback chain).
 */
export function mediaConstraints(choice: { cameraId: string | null; microphoneId: string | null }, quality: CameraQuality = 'hd'): MediaStreamConstraints {
  return {
    audio: choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : true,
    video: { ...videoConstraints(quality), ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}) },
  };
}
