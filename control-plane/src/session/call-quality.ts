import {
  canonicalJson,
  MAX_CAMERA_SIGNALS,
  MAX_QUALITY_SAMPLES,
  QUALITY_SAMPLE_MIN_GAP_MS,
  type CallQualityEvidence,
  type CameraSignal,
  type FigureSpread,
  type QualityCause,
  type QualityGate,
  type QualityGateState,
  type QualityMinute,
  type QualitySample,
  type QualityThresholds,
  type RecordedCameraSignal,
  type Role,
} from '@vident/protocol';
import type { Refusal } from './document-review.ts';

/*
 * The call's quality gate and camera signals as the session keeps them (issue 15; the wire types are
 * protocol's call-quality.ts). Pure: call-quality-recorder.ts stores, audits and delivers.
 * The gate rule runs on the agent's page (web/src/quality-gate.ts): the session trusts the agent's
 * report of it the way it trusts the agent's checklist, and refuses an approval while it is red.
 */

/** A sample as kept: the figures and when the session received it (ms since epoch). */
export type StoredQualitySample = QualitySample & { at: number };

/** One change of the gate, stamped with the server's time. */
export type GateChange = { state: QualityGateState; causes: QualityCause[]; at: string };

/** Gate changes kept for the audit and the evidence; later ones still set the state. */
export const MAX_GATE_CHANGES = 200;

export interface CallQualityRecord {
  /** The thresholds in force when the record began (the evidence names them). */
  thresholds: QualityThresholds;
  samples: Record<Role, StoredQualitySample[]>;
  /** The latest gate the agent's page reported (null: none yet, which counts as green). */
  gate: GateChange | null;
  gateChanges: GateChange[];
}

export function emptyQuality(thresholds: QualityThresholds): CallQualityRecord {
  return { thresholds, samples: { customer: [], agent: [] }, gate: null, gateChanges: [] };
}

/**
 * Keeps `sample` from `role` received at `now` when the call is on, the role's previous one is at
 * least QUALITY_SAMPLE_MIN_GAP_MS old and the role has room left; false otherwise (dropped unanswered:
 * samples are a page's background chatter, not something to correct).
 */
export function keepSample(q: CallQualityRecord, role: Role, sample: QualitySample, now: number, inCall: boolean): boolean {
  if (!inCall) return false;
  const mine = q.samples[role];
  const last = mine[mine.length - 1];
  if (last !== undefined && now - last.at < QUALITY_SAMPLE_MIN_GAP_MS) return false;
  if (mine.length >= MAX_QUALITY_SAMPLES) return false;
  mine.push({ ...sample, at: now });
  return true;
}

/**
 * The agent's page reported the gate: whether it changed (state or causes), and whether the change
 * is kept for the audit (MAX_GATE_CHANGES). The latest state always counts for the approval.
 */
export function gateStep(q: CallQualityRecord, role: Role, gate: QualityGate, at: string, inCall: boolean): Refusal | { ok: true; changed: boolean; recorded: boolean } {
  if (role !== 'agent') return { ok: false, code: 'forbidden', message: 'only the agent reports the quality gate' };
  if (!inCall) return { ok: false, code: 'invalid_transition', message: 'the quality gate is reported during the call' };
  const causes = [...gate.causes].sort();
  const before = q.gate ?? { state: 'green', causes: [] };
  if (before.state === gate.state && before.causes.join() === causes.join()) return { ok: true, changed: false, recorded: false };
  const change: GateChange = { state: gate.state, causes, at };
  q.gate = change;
  const recorded = q.gateChanges.length < MAX_GATE_CHANGES;
  if (recorded) q.gateChanges.push(change);
  return { ok: true, changed: true, recorded };
}

/** An approval may stand only while the agent's gate is not red. */
export function qualityApprovalGate(q: CallQualityRecord | undefined): { ok: true } | Refusal {
  if (q?.gate?.state !== 'red') return { ok: true };
  return { ok: false, code: 'quality_gate_red', message: `the quality gate is red (${q.gate.causes.join(', ')}): no approval until it is green again` };
}

/**
 * A camera signal from the customer's page: kept when it is new (the same kind, codes and figures not
 * seen before) and there is room; `keep: null` for a repeat or past MAX_CAMERA_SIGNALS.
 */
export function signalStep(kept: RecordedCameraSignal[] | undefined, role: Role, signal: CameraSignal, at: string): Refusal | { ok: true; keep: RecordedCameraSignal | null } {
  if (role !== 'customer') return { ok: false, code: 'forbidden', message: "camera signals come from the customer's page" };
  const list = kept ?? [];
  const key = signalKey(signal);
  if (list.length >= MAX_CAMERA_SIGNALS || list.some((s) => signalKey(s) === key)) return { ok: true, keep: null };
  return { ok: true, keep: { ...signal, at } };
}

/** What a signal says without its time: the audit row's detail, and what makes two signals the same. */
export function signalSeen(signal: CameraSignal | RecordedCameraSignal): Record<string, unknown> {
  return Object.fromEntries(Object.entries(signal).filter(([field]) => field !== 'at'));
}

/** The same signal gives the same key whatever order its fields came in. */
function signalKey(signal: CameraSignal | RecordedCameraSignal): string {
  return canonicalJson(signalSeen(signal));
}

/** Lowest, median (lower of the two middles) and highest of the measured values; null when none. */
export function spread(values: readonly (number | null)[]): FigureSpread {
  const v = values.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { min: round(v[0]!), median: round(v[Math.floor((v.length - 1) / 2)]!), max: round(v[v.length - 1]!) };
}

/** The per-minute summary of the call: each page's samples grouped by minute since `startedAt`. */
export function qualityMinutes(q: CallQualityRecord, startedAt: string | null): QualityMinute[] {
  if (startedAt === null) return [];
  const start = Date.parse(startedAt);
  const out: QualityMinute[] = [];
  for (const [role, side] of [['agent', 'received'], ['customer', 'sent']] as const) {
    const byMinute = new Map<number, StoredQualitySample[]>();
    for (const s of q.samples[role]) {
      const minute = Math.max(0, Math.floor((s.at - start) / 60_000));
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), s]);
    }
    for (const [minute, samples] of [...byMinute].sort((a, b) => a[0] - b[0])) {
      out.push({
        minute,
        side,
        samples: samples.length,
        width: spread(samples.map((s) => s.width)),
        height: spread(samples.map((s) => s.height)),
        fps: spread(samples.map((s) => s.fps)),
        freezeShare: spread(samples.map((s) => s.freezeShare)),
        brightness: spread(samples.map((s) => s.brightness)),
        sharpness: spread(samples.map((s) => s.sharpness)),
      });
    }
  }
  return out;
}

/** The call's quality for the evidence; undefined when no page reported anything. */
export function qualityEvidence(r: { quality?: CallQualityRecord; cameraSignals?: RecordedCameraSignal[]; startedAt: string | null }): CallQualityEvidence | undefined {
  const q = r.quality;
  const signals = r.cameraSignals ?? [];
  if (!q && signals.length === 0) return undefined;
  return {
    minutes: q ? qualityMinutes(q, r.startedAt) : [],
    ...(q ? { thresholds: q.thresholds } : {}),
    gateChanges: q?.gateChanges ?? [],
    riskFlags: signals,
  };
}

/** A count that changes with every kept sample, gate change and signal (the sealed assessment's version). */
export function qualityVersion(r: { quality?: CallQualityRecord; cameraSignals?: RecordedCameraSignal[] }): string {
  const q = r.quality;
  return q || r.cameraSignals ? `q${(q?.samples.agent.length ?? 0) + (q?.samples.customer.length ?? 0)}.${q?.gateChanges.length ?? 0}.${r.cameraSignals?.length ?? 0}` : '';
}
