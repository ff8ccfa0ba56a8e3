import * as z from 'zod/mini';
import { Timestamp } from './common.ts';

/*
 * The call's quality gate and the camera-injection signals (issue 15).
 *
 * Quality: each page measures the customer's video (the agent's page what it receives, the
 * customer's page what it sends) and reports a `quality-sample` at most every QUALITY_SAMPLE_MIN_GAP_MS;
 * the session keeps them (bounded) for the evidence's per-minute summary. The agent's page runs the
 * gate rule (web/src/quality-gate.ts) on what it receives, with the session's thresholds (its
 * `welcome`), and reports each change of the gate (`quality-gate`); the session refuses an approval
 * while the gate is red and audits the changes only.
 *
 * Camera signals: what the customer's page saw that a physical camera in an honest call would not
 * show (a virtual camera's label, settings no camera reports, the page hidden or unfocused, the
 * camera changed mid-call). Signals for the agent, never a block.
 */

/** The least time between two samples of one page (the session ignores faster ones). */
export const QUALITY_SAMPLE_MIN_GAP_MS = 8_000;
/** Samples the session keeps per role (a 30-minute call at one per 10 s is 180). */
export const MAX_QUALITY_SAMPLES = 240;
/** Risk signals the session keeps per session (repeats of a kind and detail are not kept again). */
export const MAX_CAMERA_SIGNALS = 20;

/** The gate's thresholds (QUALITY_* configuration); the agent's page gets them in its `welcome`. */
export const QualityThresholds = z.object({
  minWidth: z.int().check(z.nonnegative()),
  minHeight: z.int().check(z.nonnegative()),
  minFps: z.number().check(z.nonnegative()),
  /** Largest share (0..1) of a window's time the video may spend frozen. */
  maxFreezeShare: z.number().check(z.gte(0), z.lte(1)),
  /** Least mean luma (0..255) of a frame. */
  minBrightness: z.number().check(z.gte(0), z.lte(255)),
  /** Least Laplacian variance of a frame's luma (web/src/frame-measures.ts). */
  minSharpness: z.number().check(z.nonnegative()),
  /** How long a cause must last before the gate turns red, and good video before it turns green again. */
  holdMs: z.int().check(z.positive()),
});
export type QualityThresholds = z.infer<typeof QualityThresholds>;

export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  minWidth: 640,
  minHeight: 360,
  minFps: 10,
  maxFreezeShare: 0.2,
  minBrightness: 40,
  minSharpness: 20,
  holdMs: 10_000,
};

/** Why the gate is red. */
export const QualityCause = z.enum(['resolution', 'frame_rate', 'freezes', 'brightness', 'sharpness']);
export type QualityCause = z.infer<typeof QualityCause>;

/** One measurement of the customer's video by one page. A figure the page could not measure is null. */
export const QualitySample = z.strictObject({
  width: z.nullable(z.int().check(z.nonnegative(), z.lte(10_000))),
  height: z.nullable(z.int().check(z.nonnegative(), z.lte(10_000))),
  fps: z.nullable(z.number().check(z.nonnegative(), z.lte(1000))),
  /** Share (0..1) of the time since the page's previous sample the video was frozen. */
  freezeShare: z.nullable(z.number().check(z.gte(0), z.lte(1))),
  brightness: z.nullable(z.number().check(z.gte(0), z.lte(255))),
  sharpness: z.nullable(z.number().check(z.nonnegative(), z.lte(1e7))),
});
export type QualitySample = z.infer<typeof QualitySample>;

export const QualityGateState = z.enum(['green', 'red']);
export type QualityGateState = z.infer<typeof QualityGateState>;

/** The gate as the agent's page reports it: red names at least one cause, green none. */
export const QualityGate = z
  .strictObject({ state: QualityGateState, causes: z.array(QualityCause).check(z.maxLength(QualityCause.options.length)) })
  .check(
    z.refine((g) => (g.state === 'red') === (g.causes.length > 0), { message: 'red names its causes, green none', path: ['causes'] }),
    z.refine((g) => new Set(g.causes).size === g.causes.length, { message: 'causes must not repeat', path: ['causes'] }),
  );
export type QualityGate = z.infer<typeof QualityGate>;

/** The lowest, the median and the highest of one figure over a minute; null when it was never measured. */
export const FigureSpread = z.nullable(z.object({ min: z.number(), median: z.number(), max: z.number() }));
export type FigureSpread = z.infer<typeof FigureSpread>;

/** One minute of the call as one page measured it (`received`: the agent's page; `sent`: the customer's). */
export const QualityMinute = z.object({
  /** Minutes since the call started (0 = the first). */
  minute: z.int().check(z.nonnegative()),
  side: z.enum(['received', 'sent']),
  samples: z.int().check(z.positive()),
  width: FigureSpread,
  height: FigureSpread,
  fps: FigureSpread,
  freezeShare: FigureSpread,
  brightness: FigureSpread,
  sharpness: FigureSpread,
});
export type QualityMinute = z.infer<typeof QualityMinute>;

/** What the customer's page saw. */
export const CameraSignalKind = z.enum(['virtual_camera', 'unusual_settings', 'page_hidden', 'window_blur', 'camera_changed']);
export type CameraSignalKind = z.infer<typeof CameraSignalKind>;

/** Largest frame side or rate a setting may name (well past any camera; keeps the figures sane). */
const MAX_SETTING = 100_000;

/** One setting no physical camera in an honest call reports (web/src/quality/camera-signals.ts says which). */
export const UnusualCameraSetting = z.discriminatedUnion('code', [
  z.strictObject({ code: z.literal('no_device_id') }),
  /** A frame rate above 240 or not near a usual one. */
  z.strictObject({ code: z.literal('frame_rate'), fps: z.number().check(z.nonnegative(), z.lte(MAX_SETTING)) }),
  /** A frame with an odd width or height. */
  z.strictObject({ code: z.literal('odd_size'), width: z.int().check(z.nonnegative(), z.lte(MAX_SETTING)), height: z.int().check(z.nonnegative(), z.lte(MAX_SETTING)) }),
]);
export type UnusualCameraSetting = z.infer<typeof UnusualCameraSetting>;
export type UnusualCameraSettingCode = UnusualCameraSetting['code'];

/** How the camera changed mid-call: another camera replaced the first, or the camera's track ended. */
export const CameraChange = z.enum(['replaced', 'ended']);
export type CameraChange = z.infer<typeof CameraChange>;

const VirtualCameraSignal = z.strictObject({ kind: z.literal('virtual_camera'), label: z.string().check(z.trim(), z.minLength(1), z.maxLength(120)) });
const UnusualSettingsSignal = z.strictObject({
  kind: z.literal('unusual_settings'),
  settings: z
    .array(UnusualCameraSetting)
    .check(
      z.minLength(1),
      z.maxLength(UnusualCameraSetting.def.options.length),
      z.refine((s) => new Set(s.map((x) => x.code)).size === s.length, { message: 'a setting code must not repeat' }),
    ),
});
/** The page was hidden during the call for this many whole seconds (at least 1). */
const PageHiddenSignal = z.strictObject({ kind: z.literal('page_hidden'), seconds: z.int().check(z.gte(1), z.lte(86_400)) });
const WindowBlurSignal = z.strictObject({ kind: z.literal('window_blur') });
/** `camera`: which camera of the call took over when `replaced` (2 = the second one seen). */
const CameraChangedSignal = z.strictObject({ kind: z.literal('camera_changed'), change: CameraChange, camera: z.optional(z.int().check(z.gte(2), z.lte(100))) });

/**
 * One signal as the customer's page sends it: the kind and what was seen, as codes and figures the
 * agent's page words in its own language (web/locales). The one text from the customer's device is a
 * virtual camera's label (the driver's product name), shown quoted as a value, never as a sentence of ours.
 * Anything else (an unknown kind or setting code, free text) fails the frame (`validation_failed`).
 */
export const CameraSignal = z.discriminatedUnion('kind', [VirtualCameraSignal, UnusualSettingsSignal, PageHiddenSignal, WindowBlurSignal, CameraChangedSignal]);
export type CameraSignal = z.infer<typeof CameraSignal>;

/** A signal as the session kept it, stamped with the server's time. */
const stamped = { at: Timestamp };
/**
 * A flag a session stored before flags were codes (`{kind, detail}` free text, until 2384ae4) whose
 * detail does not read as the codes of its kind (control-plane earlier-camera-signals.ts): the kind
 * and the time stand, what was seen is not shown. Never on the wire from a page (CameraSignal).
 */
const EarlierFormatSignal = z.strictObject({ kind: CameraSignalKind, earlierFormat: z.literal(true), at: Timestamp });
export const RecordedCameraSignal = z.union([
  z.discriminatedUnion('kind', [
    z.extend(VirtualCameraSignal, stamped),
    z.extend(UnusualSettingsSignal, stamped),
    z.extend(PageHiddenSignal, stamped),
    z.extend(WindowBlurSignal, stamped),
    z.extend(CameraChangedSignal, stamped),
  ]),
  EarlierFormatSignal,
]);
export type RecordedCameraSignal = z.infer<typeof RecordedCameraSignal>;

/** The call's quality in the evidence: the per-minute summary, the gate's changes and the risk flags. */
export const CallQualityEvidence = z.object({
  minutes: z.array(QualityMinute),
  /** The gate's thresholds when the first sample came (absent: no page reported a sample). */
  thresholds: z.optional(QualityThresholds),
  /** Every change of the gate the agent's page reported, oldest first. */
  gateChanges: z.array(z.object({ state: QualityGateState, causes: z.array(QualityCause), at: Timestamp })),
  riskFlags: z.array(RecordedCameraSignal),
});
export type CallQualityEvidence = z.infer<typeof CallQualityEvidence>;
