import { DEFAULT_QUALITY_THRESHOLDS, type QualityThresholds } from '@vident/protocol';

/**
 * The quality gate's thresholds on the shared e2e stack. Resolution and frame rate are set below the
 * production defaults: on a loaded 2-core CI machine Chromium may send the fake camera's face at
 * 640x360 and under 10 fps for a while, which would turn the gate red and refuse the approvals other
 * tests make. The quality test's 160x120 near-black camera stays far below these.
 */
export const E2E_QUALITY_THRESHOLDS: QualityThresholds = {
  ...DEFAULT_QUALITY_THRESHOLDS,
  minWidth: 320,
  minHeight: 180,
  minFps: 4,
  maxFreezeShare: 0.5,
};

/** The Worker variables that set them (README, "Configuration"). */
export function qualityWorkerVars(t: QualityThresholds): Record<string, string> {
  return {
    QUALITY_MIN_WIDTH: String(t.minWidth),
    QUALITY_MIN_HEIGHT: String(t.minHeight),
    QUALITY_MIN_FPS: String(t.minFps),
    QUALITY_MAX_FREEZE_SHARE: String(t.maxFreezeShare),
    QUALITY_MIN_BRIGHTNESS: String(t.minBrightness),
    QUALITY_MIN_SHARPNESS: String(t.minSharpness),
    QUALITY_HOLD_SECONDS: String(t.holdMs / 1000),
  };
}
