import { assertNever, CameraSignalKind, RecordedCameraSignal, Timestamp, type UnusualCameraSetting } from '@vident/protocol';

/*
 * Camera risk flags a session stored before flags were codes (until 2384ae4): `{kind, detail, at}`
 * with `detail` an English sentence the customer's page composed. A session live across the deploy
 * still holds them in its record; read as they are, the agent's welcome would fail the page's parse
 * and the evidence would carry what the schema refuses. Each is read once as the record is loaded:
 * the sentences the old page wrote become the kind's codes, anything else (a page that sent its own
 * text) keeps its kind and time as a flag whose detail is not shown (`earlierFormat`).
 */

/** A stored flag in the current form, or the earlier form converted; null for what is neither (not a flag at all). */
export function readStoredCameraSignal(stored: unknown): RecordedCameraSignal | null {
  const current = RecordedCameraSignal.safeParse(stored);
  if (current.success) return current.data;
  if (typeof stored !== 'object' || stored === null) return null;
  const { kind: rawKind, detail, at: rawAt } = stored as Record<string, unknown>;
  const kind = CameraSignalKind.safeParse(rawKind);
  const at = Timestamp.safeParse(rawAt);
  if (!kind.success || !at.success) return null;
  const converted = RecordedCameraSignal.safeParse({ ...codesOf(kind.data, typeof detail === 'string' ? detail.trim() : ''), at: at.data });
  return converted.success ? converted.data : { kind: kind.data, earlierFormat: true, at: at.data };
}

/** The stored list read flag by flag: what is no flag at all is left out, every flag of a kind stays. */
export function readStoredCameraSignals(stored: unknown): RecordedCameraSignal[] | undefined {
  if (!Array.isArray(stored)) return undefined;
  return stored.map(readStoredCameraSignal).filter((s): s is RecordedCameraSignal => s !== null);
}

/** The codes an earlier detail stands for, as the old page (web/src/quality, before 2384ae4) wrote it. */
function codesOf(kind: CameraSignalKind, detail: string): Record<string, unknown> {
  switch (kind) {
    case 'virtual_camera':
      // The detail was the camera's label (the one device string, shown quoted either way).
      return { kind, label: detail };
    case 'unusual_settings':
      return { kind, settings: detail.split(', ').map(settingOf) };
    case 'page_hidden': {
      const m = /^the page was hidden for (\d+) s$/.exec(detail);
      return { kind, seconds: m ? Number(m[1]) : null };
    }
    case 'window_blur':
      return { kind };
    case 'camera_changed':
      if (detail === 'the camera track ended') return { kind, change: 'ended' };
      // "another camera (device 1a2b3c4d…) replaced the first": the device id is not kept.
      return /^another camera \(device [^()]*\) replaced the first$/.test(detail) ? { kind, change: 'replaced' } : { kind };
    default:
      return assertNever(kind);
  }
}

function settingOf(part: string): UnusualCameraSetting | null {
  if (part === 'no deviceId') return { code: 'no_device_id' };
  const rate = /^frame rate (\d+(?:\.\d+)?)$/.exec(part);
  if (rate) return { code: 'frame_rate', fps: Number(rate[1]) };
  const size = /^odd size (\d+)x(\d+)$/.exec(part);
  if (size) return { code: 'odd_size', width: Number(size[1]), height: Number(size[2]) };
  return null;
}
