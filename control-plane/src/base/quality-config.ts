import { DEFAULT_QUALITY_THRESHOLDS, type QualityThresholds } from '@vident/protocol';
import { z } from 'zod';

/*
 * The quality gate's thresholds (issue 15): QUALITY_MIN_WIDTH, QUALITY_MIN_HEIGHT, QUALITY_MIN_FPS,
 * QUALITY_MAX_FREEZE_SHARE, QUALITY_MIN_BRIGHTNESS, QUALITY_MIN_SHARPNESS, QUALITY_HOLD_SECONDS.
 * Unset or empty: the defaults of protocol's call-quality.ts. 0 turns a figure's check off.
 */

/** A non-negative decimal no larger than `max`; unset or empty = `fallback`. */
const decimal = (fallback: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+(\.\d+)?$/, `must be a number from 0 to ${max}`).transform(Number))
    .pipe(z.number().max(max, `must be a number from 0 to ${max}`));

const d = DEFAULT_QUALITY_THRESHOLDS;

/** The variables' schemas, spread into config.ts's fields. */
export const QUALITY_FIELDS = {
  QUALITY_MIN_WIDTH: decimal(d.minWidth, 10_000).pipe(z.number().int('must be a whole number of pixels')),
  QUALITY_MIN_HEIGHT: decimal(d.minHeight, 10_000).pipe(z.number().int('must be a whole number of pixels')),
  QUALITY_MIN_FPS: decimal(d.minFps, 120),
  QUALITY_MAX_FREEZE_SHARE: decimal(d.maxFreezeShare, 1),
  QUALITY_MIN_BRIGHTNESS: decimal(d.minBrightness, 255),
  QUALITY_MIN_SHARPNESS: decimal(d.minSharpness, 100_000),
  QUALITY_HOLD_SECONDS: decimal(d.holdMs / 1000, 600).pipe(z.number().min(1, 'must be at least 1 second')),
} as const;

type Parsed = { [K in keyof typeof QUALITY_FIELDS]: z.output<(typeof QUALITY_FIELDS)[K]> };

/** The thresholds from the parsed variables. */
export function qualityThresholds(v: Parsed): QualityThresholds {
  return {
    minWidth: v.QUALITY_MIN_WIDTH,
    minHeight: v.QUALITY_MIN_HEIGHT,
    minFps: v.QUALITY_MIN_FPS,
    maxFreezeShare: v.QUALITY_MAX_FREEZE_SHARE,
    minBrightness: v.QUALITY_MIN_BRIGHTNESS,
    minSharpness: v.QUALITY_MIN_SHARPNESS,
    holdMs: Math.round(v.QUALITY_HOLD_SECONDS * 1000),
  };
}
