import { DEFAULT_QUALITY_THRESHOLDS } from '@vident/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import type { Env } from './env.ts';

const secrets = {
  BANK_API_KEYS: JSON.stringify({ bank: 'bank-secret-0123456789abcdef' }),
  TOKEN_SECRET: 'token-secret-0123456789abcdef',
  CONTROL_PLANE_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIKosGzOxtF1Fxr3YEbrFQtAD5xI5QZr7iK9ElL90f9Bg',
};
const env = (vars: Record<string, string | undefined>) => vars as unknown as Env;

describe('the quality gate configuration (issue 15)', () => {
  it('defaults to protocol\'s thresholds, unset or empty', () => {
    expect(loadConfig(env({ ...secrets })).qualityThresholds).toEqual(DEFAULT_QUALITY_THRESHOLDS);
    expect(loadConfig(env({ ...secrets, QUALITY_MIN_FPS: ' ', QUALITY_HOLD_SECONDS: '' })).qualityThresholds).toEqual(DEFAULT_QUALITY_THRESHOLDS);
  });

  it('takes each variable, 0 turning a check off, the hold in seconds', () => {
    const t = loadConfig(
      env({
        ...secrets,
        QUALITY_MIN_WIDTH: '1280',
        QUALITY_MIN_HEIGHT: '720',
        QUALITY_MIN_FPS: '12.5',
        QUALITY_MAX_FREEZE_SHARE: '0.05',
        QUALITY_MIN_BRIGHTNESS: '0',
        QUALITY_MIN_SHARPNESS: '35',
        QUALITY_HOLD_SECONDS: '4.5',
      }),
    ).qualityThresholds;
    expect(t).toEqual({ minWidth: 1280, minHeight: 720, minFps: 12.5, maxFreezeShare: 0.05, minBrightness: 0, minSharpness: 35, holdMs: 4500 });
  });

  it.each([
    [{ QUALITY_MIN_WIDTH: '640.5' }, 'QUALITY_MIN_WIDTH'],
    [{ QUALITY_MIN_HEIGHT: '-1' }, 'QUALITY_MIN_HEIGHT'],
    [{ QUALITY_MIN_FPS: 'ten' }, 'QUALITY_MIN_FPS'],
    [{ QUALITY_MAX_FREEZE_SHARE: '1.5' }, 'QUALITY_MAX_FREEZE_SHARE'],
    [{ QUALITY_MIN_BRIGHTNESS: '300' }, 'QUALITY_MIN_BRIGHTNESS'],
    [{ QUALITY_HOLD_SECONDS: '0' }, 'QUALITY_HOLD_SECONDS'],
  ])('refuses a bad value naming its variable %#', (override, variable) => {
    expect(() => loadConfig(env({ ...secrets, ...override }))).toThrow(new RegExp(`^config: ${variable} `));
  });
});
