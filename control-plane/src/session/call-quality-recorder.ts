import type { CameraSignal, ErrorCode, QualityGate, QualitySample, Role } from '@vident/protocol';
import { log } from '../base/log.ts';
import type { ConductContext } from './conduct-context.ts';
import { emptyQuality, gateStep, keepSample, signalSeen, signalStep } from './call-quality.ts';

/*
 * The quality gate and the camera signals as they happen (issue 15): samples kept for the evidence,
 * the gate's changes audited (`quality.gate`), each new camera signal audited (`camera.signal`) and
 * shown to the agent (`risk-flag`). The rules are pure (call-quality.ts). Holds no state of its own.
 */
export class CallQualityRecorder {
  constructor(private readonly ctx: ConductContext) {}

  /** A page's measurement: kept when due (see keepSample), never answered. */
  async sample(role: Role, sample: QualitySample): Promise<void> {
    const r = this.ctx.record;
    const q = r.quality ?? emptyQuality(this.ctx.ports.qualityThresholds());
    if (!keepSample(q, role, sample, this.ctx.ports.now(), r.state === 'in_call')) return;
    r.quality = q;
    await this.ctx.ports.save(r);
  }

  /** The agent's page reported its gate: the latest state kept (approval reads it), a change audited. */
  async gate(role: Role, gate: QualityGate, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const q = r.quality ?? emptyQuality(this.ctx.ports.qualityThresholds());
    const step = gateStep(q, role, gate, new Date(this.ctx.ports.now()).toISOString(), r.state === 'in_call');
    if (!step.ok) return this.refuse(role, step.code, step.message);
    if (!step.changed) return;
    r.quality = q;
    await this.ctx.ports.save(r);
    if (step.recorded) await this.ctx.ports.audit({ actor: role, action: 'quality.gate', detail: { state: q.gate!.state, causes: q.gate!.causes }, from });
    log('quality_gate', { sessionId: r.sessionId, state: q.gate!.state, causes: q.gate!.causes.join(',') });
  }

  /** The customer's page saw something of its camera: a new signal is kept, audited and flagged to the agent. */
  async signal(role: Role, signal: CameraSignal, from: string | null): Promise<void> {
    const r = this.ctx.record;
    const step = signalStep(r.cameraSignals, role, signal, new Date(this.ctx.ports.now()).toISOString());
    if (!step.ok) return this.refuse(role, step.code, step.message);
    if (step.keep === null) return;
    r.cameraSignals = [...(r.cameraSignals ?? []), step.keep];
    await this.ctx.ports.save(r);
    await this.ctx.ports.audit({ actor: role, action: 'camera.signal', detail: signalSeen(step.keep), from });
    log('camera_signal', { sessionId: r.sessionId, kind: step.keep.kind });
    this.ctx.ports.send('agent', { type: 'risk-flag', signal: step.keep });
  }

  private refuse(role: Role, code: ErrorCode, message: string): void {
    this.ctx.ports.send(role, { type: 'error', code, message });
  }
}
