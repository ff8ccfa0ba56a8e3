import type { Locale, QualityThresholds, RecordedCameraSignal, Role } from '@vident/protocol';
import type { CallController } from '../call-controller.ts';
import type { CallView } from '../call-view.ts';
import { byTestId } from '../ui/dom.ts';
import { QualityPanel } from '../ui/quality-panel.ts';
import { CallQualityMonitor } from './call-quality-monitor.ts';
import { CameraWatch } from './camera-watch.ts';

/*
 * The call page's quality gate and camera signals (issue 15), wired to one CallController: on the
 * agent's page the measurement of the received video with the gate and the panel (quality and risk
 * flags); on the customer's page the measurement of what it sends and the camera watch. Test hook:
 * `window.vident.qualityGate()` (the agent page's gate now).
 */
export class CallQualityWiring {
  private thresholds: QualityThresholds | null = null;
  private inCall = false;
  private readonly monitor: CallQualityMonitor;
  private readonly panel: QualityPanel | null;
  private readonly watch: CameraWatch | null;
  private localStream: MediaStream | null = null;

  constructor(role: Role, locale: () => Locale, controller: () => CallController | null) {
    this.panel =
      role === 'agent'
        ? new QualityPanel({
            before: byTestId('decision-panel'),
            locale,
            abort: () => void controller()?.sendQualityFrame({ type: 'abort', reason: 'POOR_QUALITY', note: '' }),
          })
        : null;
    this.monitor = new CallQualityMonitor({
      side: role === 'agent' ? 'received' : 'sent',
      video: () => byTestId<HTMLVideoElement>(role === 'agent' ? 'remote-video' : 'local-video'),
      stats: () => controller()?.stats() ?? Promise.reject(new Error('no call')),
      inCall: () => this.inCall,
      thresholds: () => (role === 'agent' ? this.thresholds : null),
      send: (frame) => controller()?.sendQualityFrame(frame) ?? false,
      onGate: (gate) => this.panel?.gateChanged(gate),
    });
    this.watch =
      role === 'customer'
        ? new CameraWatch({
            stream: () => this.localStream,
            inCall: () => this.inCall,
            send: (signal) => controller()?.sendQualityFrame({ type: 'camera-signal', signal }) ?? false,
          })
        : null;
    const api = window.vident as typeof window.vident & { qualityGate?: () => unknown };
    api.qualityGate = () => this.monitor.gate;
  }

  /** From the controller: the welcome's thresholds and flags, then each new flag. */
  quality(q: { thresholds?: QualityThresholds; riskFlags: RecordedCameraSignal[] }): void {
    if (q.thresholds) this.thresholds = q.thresholds;
    this.panel?.flagsChanged(q.riskFlags);
  }

  update(view: CallView): void {
    this.localStream = view.localStream;
    this.inCall = view.startedAt !== null && view.ended === null;
    if (view.ended) {
      this.monitor.stop();
      this.watch?.stop();
      this.panel?.end();
      return;
    }
    if (view.localStream !== null || view.remoteStream !== null) {
      this.monitor.start();
      this.watch?.start();
    }
  }
}
