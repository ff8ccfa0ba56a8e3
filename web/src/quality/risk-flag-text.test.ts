import { CameraSignalKind, type RecordedCameraSignal } from '@vident/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { riskFlagLines, signalDetailText } from './risk-flag-text.ts';

const at = '2026-12-03T09:05:07.000Z';
/** Every kind, every setting code and both camera changes, as the session hands them to the agent. */
const everyFlag: RecordedCameraSignal[] = [
  { kind: 'virtual_camera', label: 'fake_device_0', at },
  { kind: 'unusual_settings', settings: [{ code: 'no_device_id' }, { code: 'frame_rate', fps: 17.33 }, { code: 'odd_size', width: 641, height: 479 }], at },
  { kind: 'page_hidden', seconds: 4, at },
  { kind: 'window_blur', at },
  { kind: 'camera_changed', change: 'replaced', camera: 2, at },
  { kind: 'camera_changed', change: 'ended', at },
];

describe("the agent's words for camera risk flags", () => {
  it('words each code and figure in English', () => {
    expect(riskFlagLines(everyFlag, 'en', 'UTC')).toEqual([
      { kind: 'virtual_camera', text: 'Virtual or software camera: device name “fake_device_0” (09:05:07)' },
      { kind: 'unusual_settings', text: 'Settings a physical camera rarely reports: no device ID, 17.33 frames per second, odd frame size 641×479 (09:05:07)' },
      { kind: 'page_hidden', text: "The customer's page was hidden: hidden for 4 s (09:05:07)" },
      { kind: 'window_blur', text: "The customer's window lost focus: 09:05:07" },
      { kind: 'camera_changed', text: 'Camera changed during the call: camera no. 2 of the call took over (09:05:07); the camera stopped (09:05:07)' },
    ]);
  });

  it('shows the Korean and Chinese agent no English: only the quoted device label is Latin', () => {
    for (const locale of ['ko', 'zh'] as const) {
      const lines = riskFlagLines(everyFlag, locale, 'UTC');
      expect(lines.map((l) => l.kind)).toEqual(CameraSignalKind.options);
      for (const { text } of lines) {
        expect(text, text).not.toMatch(/quality\.flag|\{\w+\}/);
        expect(text.replace('“fake_device_0”', '').match(/[A-Za-z]{3,}/g) ?? [], text).toEqual([]);
      }
    }
    expect(signalDetailText({ kind: 'page_hidden', seconds: 4 }, 'ko')).toBe('4초 동안 숨겨짐');
    expect(signalDetailText({ kind: 'camera_changed', change: 'replaced', camera: 3 }, 'zh')).toBe('换成了本次通话的第 3 个摄像头');
  });

  it('keeps the latest three of a kind, in the order the kinds were first raised', () => {
    const hidden = [1, 2, 3, 4, 5].map((seconds): RecordedCameraSignal => ({ kind: 'page_hidden', seconds, at }));
    const lines = riskFlagLines([{ kind: 'window_blur', at }, ...hidden], 'en', 'UTC');
    expect(lines.map((l) => l.kind)).toEqual(['window_blur', 'page_hidden']);
    expect(lines[1]!.text).toBe("The customer's page was hidden: hidden for 3 s (09:05:07); hidden for 4 s (09:05:07); hidden for 5 s (09:05:07)");
  });

  it('words a flag stored before flags were codes by its kind, with no detail', () => {
    const earlier: RecordedCameraSignal[] = [{ kind: 'unusual_settings', earlierFormat: true, at }];
    expect(riskFlagLines(earlier, 'en', 'UTC')).toEqual([
      { kind: 'unusual_settings', text: 'Settings a physical camera rarely reports: recorded in an earlier format, details not shown (09:05:07)' },
    ]);
    expect(riskFlagLines(earlier, 'ko', 'UTC')[0]!.text).toContain('이전 형식');
    expect(riskFlagLines(earlier, 'zh', 'UTC')[0]!.text).toContain('旧格式');
  });

  afterEach(() => vi.restoreAllMocks());
  it('builds no time formatter when there is no flag (the panel renders on every change of the call)', () => {
    const Real = Intl.DateTimeFormat;
    const formatter = vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      return new Real(...args);
    } as typeof Intl.DateTimeFormat);
    expect(riskFlagLines([], 'en')).toEqual([]);
    expect(formatter).not.toHaveBeenCalled();
    riskFlagLines(everyFlag, 'en', 'UTC');
    expect(formatter).toHaveBeenCalled();
  });
});
