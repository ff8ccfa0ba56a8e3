import { assertNever, type CameraSignal, type CameraSignalKind, type Locale, type RecordedCameraSignal, type UnusualCameraSetting } from '@vident/protocol';
import { translate, type MessageKey } from '../i18n.ts';
import { intlLocale } from '../locale-choice.ts';

/*
 * The agent's words for the camera risk flags (issue 15). The customer's page sends codes and
 * figures (protocol call-quality.ts); every sentence here comes from web/locales, so a Korean or
 * Chinese agent reads its own language. The one value from the customer's device, a virtual
 * camera's label, is shown quoted after the locale's "device name".
 */

/** Flags shown per kind: the latest few, so a chatty page cannot push the panel off the screen. */
const SHOWN_PER_KIND = 3;

/**
 * What one signal saw, in the agent's language; empty when the kind says it all (a lost focus). A
 * flag stored before flags were codes whose detail did not read as codes says only that.
 */
export function signalDetailText(signal: CameraSignal | RecordedCameraSignal, locale: Locale): string {
  const t = (key: MessageKey, params?: Record<string, string>) => translate(locale, key, params);
  if ('earlierFormat' in signal) return t('quality.flag.seen.earlier_format');
  switch (signal.kind) {
    case 'virtual_camera':
      return t('quality.flag.seen.virtual_camera', { label: signal.label });
    case 'unusual_settings':
      return signal.settings.map((s) => settingText(s, locale)).join(', ');
    case 'page_hidden':
      return t('quality.flag.seen.page_hidden', { seconds: String(signal.seconds) });
    case 'window_blur':
      return '';
    case 'camera_changed':
      return signal.change === 'ended' ? t('quality.flag.seen.camera_ended') : t('quality.flag.seen.camera_replaced', { camera: String(signal.camera ?? 2) });
    default:
      return assertNever(signal);
  }
}

function settingText(s: UnusualCameraSetting, locale: Locale): string {
  switch (s.code) {
    case 'no_device_id':
      return translate(locale, 'quality.flag.setting.no_device_id');
    case 'frame_rate':
      return translate(locale, 'quality.flag.setting.frame_rate', { fps: String(s.fps) });
    case 'odd_size':
      return translate(locale, 'quality.flag.setting.odd_size', { width: String(s.width), height: String(s.height) });
    default:
      return assertNever(s);
  }
}

/**
 * One line per kind of flag, in the order the kinds were first raised: the kind's name, then the
 * latest SHOWN_PER_KIND of what was seen with the time. `timeZone` is for tests (default: the agent's).
 */
export function riskFlagLines(flags: readonly RecordedCameraSignal[], locale: Locale, timeZone?: string): { kind: CameraSignalKind; text: string }[] {
  // The quality panel asks on every render, mostly with no flags. A page's first Intl.DateTimeFormat
  // costs ~30 ms of main thread in Chromium (measured: 28 ms, the next ones 0.1 ms), and that first
  // render falls in the agent's join (issue 16): no flags, no formatter.
  if (flags.length === 0) return [];
  const byKind = new Map<CameraSignalKind, RecordedCameraSignal[]>();
  for (const f of flags) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  const time = new Intl.DateTimeFormat(intlLocale(locale), { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone });
  return [...byKind].map(([kind, seen]) => {
    const details = seen.slice(-SHOWN_PER_KIND).map((s) => {
      const at = time.format(new Date(s.at));
      const detail = signalDetailText(s, locale);
      return detail === '' ? at : translate(locale, 'quality.flag.seen_at', { detail, time: at });
    });
    return { kind, text: translate(locale, 'quality.flag.line', { kind: translate(locale, `quality.flag.${kind}`), details: details.join('; ') }) };
  });
}
