/*
 * Starts the media-node sidecar by composing its parts: the HTTP API (app.ts), the command layer
 * with its legs' continuity (sessions/), the Janus connection (janus/janus-connection.ts, which
 * reconnects since janode does not), the control-plane link (control-plane/control-plane-link.ts:
 * registration, heartbeats, event delivery) and the evidence upload loop over the durable outbox.
 */
import { useEnglishIssueMessages } from '@vident/protocol';
import { buildApp, buildMetricsApp, LOG_REDACT_PATHS } from './app.ts';
import { ConfigError, loadConfig, type MediaNodeConfig } from './config.ts';
import { ControlPlaneClient } from './control-plane/control-plane-client.ts';
import { ControlPlaneLink } from './control-plane/control-plane-link.ts';
import { loadNodeKeys } from './control-plane/node-keys.ts';
import { ByteRateLimiter } from './evidence/byte-rate-limiter.ts';
import { outboxDir } from './evidence/outbox-entry.ts';
import { UploadOutbox } from './evidence/upload-outbox.ts';
import { JanusConnection } from './janus/janus-connection.ts';
import { estimateBitrateKbps } from './metrics/bitrate-estimate.ts';
import { countingUploadApi } from './metrics/counting-upload-api.ts';
import { JanusCpuSampler } from './metrics/janus-cpu.ts';
import { NodeMetrics } from './metrics/node-metrics.ts';
import { processSegment } from './recording/unconverted-segment.ts';
import { findLeftoverSegments } from './recording/segment-recovery.ts';
import { MediaCommands } from './sessions/media-commands.ts';
import { loadSidecarState, segmentsInState, stateFile, StateWriter } from './sessions/sidecar-state.ts';

useEnglishIssueMessages();

const VERSION = '0.1.0';

async function start(config: MediaNodeConfig): Promise<void> {
  let stopping = false;
  // Aborted at shutdown: conversions waiting to be retried give up, their files stay for the next run.
  const stopped = new AbortController();
  const keys = await loadNodeKeys(config);
  // What the previous run held: its Janus session and legs, to be claimed (the calls go on).
  const previous = await loadSidecarState(stateFile(config.RECORDINGS_DIR));
  // Listed before anything can publish: the segments on disk now were ended by our previous run's
  // death, except those its legs still write (they are the previous run's legs' to finish).
  const writing = segmentsInState(previous.state);
  const leftovers = (await findLeftoverSegments(config.RECORDINGS_DIR)).filter((seg) => !writing.has(`${seg.sessionId}/${seg.base}`));

  const controlPlane = new ControlPlaneClient({
    baseUrl: config.CONTROL_PLANE_URL,
    nodeId: config.NODE_ID,
    signingKey: keys.nodeKey,
    uploadLimiter: config.UPLOAD_MAX_BYTES_PER_SECOND > 0 ? new ByteRateLimiter(config.UPLOAD_MAX_BYTES_PER_SECOND) : undefined,
  });
  // The app (and its logger) is built last: it serves the parts built here.
  const log = {
    info: (o: object, m: string) => app.log.info(o, m),
    warn: (o: object, m: string) => app.log.warn(o, m),
    error: (o: object, m: string) => app.log.error(o, m),
  };
  // Heartbeats and scrapes both read Janus's CPU from one sampler: each gets the rate since the other's sample.
  const cpu = new JanusCpuSampler(config.JANUS_PID_FILE);
  const metrics: NodeMetrics = new NodeMetrics({
    counts: () => commands.registry.counts(),
    janusUp: () => janus.up,
    janusCpuPercent: () => cpu.sample(),
    uploadsPending: (): number => outbox.pending,
  });
  const outbox: UploadOutbox = new UploadOutbox({
    dir: outboxDir(config.RECORDINGS_DIR),
    api: countingUploadApi(controlPlane, metrics),
    log,
    scanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });

  const commands: MediaCommands = new MediaCommands({
    gateway: () => janus.gateway,
    recordingsDir: config.RECORDINGS_DIR,
    reportEvent: (event) => link.reportEvent(event),
    processRecording: (segment) =>
      processSegment(segment, {
        recordingsDir: config.RECORDINGS_DIR,
        partSize: config.UPLOAD_PART_SIZE,
        bankKey: () => link.bankKey,
        onEntry: () => {
          metrics.recordingSealed();
          outbox.notify();
        },
        retry: { attempts: config.RECORDING_CONVERT_ATTEMPTS, firstDelayMs: config.RECORDING_RETRY_DELAY_MS },
        signal: stopped.signal,
        onUnconverted: (outcome) => metrics.recordingUnconverted(outcome),
      }),
    log,
    stateChanged: () => void stateWriter.changed(),
  });
  const stateWriter = new StateWriter(stateFile(config.RECORDINGS_DIR), () => commands.continuity.state(), (err) =>
    log.error({ err: err.message }, 'could not write the sidecar state file: a restart would lose its calls'),
  );
  commands.continuity.load(previous.state);

  const janus: JanusConnection = new JanusConnection({
    url: config.JANUS_WS_URL,
    apiSecret: config.JANUS_API_SECRET,
    adminKey: config.JANUS_ADMIN_KEY,
    continuity: commands.continuity,
    onChange: () => link.beatNow(),
    log,
  });
  const link: ControlPlaneLink = new ControlPlaneLink({
    client: controlPlane,
    registration: {
      nodeId: config.NODE_ID,
      url: config.NODE_PUBLIC_URL,
      capacity: config.NODE_CAPACITY,
      version: VERSION,
      region: config.NODE_REGION,
      ...(config.NODE_MEDIA_ADDRESS ? { mediaAddress: config.NODE_MEDIA_ADDRESS } : {}),
    },
    controlPlaneUrl: config.CONTROL_PLANE_URL,
    heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
    heartbeat: async () => {
      const counts = commands.registry.counts();
      const cpuPercent = await cpu.sample();
      return {
        ...counts,
        janusUp: janus.up,
        uploadsPending: outbox.pending,
        bitrateKbps: estimateBitrateKbps(counts),
        cpuPercent,
        rooms: commands.rooms(),
      };
    },
    release: (sessionIds) => {
      if (janus.up) commands.release(sessionIds);
    },
    log,
  });

  const app = buildApp({
    commands,
    keys,
    janusUp: () => janus.up,
    metrics,
    logger: { level: config.LOG_LEVEL, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } },
  });

  const metricsApp = buildMetricsApp({ metrics, logger: { level: config.LOG_LEVEL } });

  await app.listen({ host: config.SIDECAR_HOST, port: config.SIDECAR_PORT });
  await metricsApp.listen({ host: config.METRICS_HOST, port: config.METRICS_PORT });
  void janus.connect();
  void link.run(() => {
    // Uploads and left-over segments need the control plane to know this node (and its bank key).
    outbox.start();
    if (leftovers.length) log.info({ segments: leftovers.length }, 'sealing recording segments left by the previous run');
    commands.recorder.recoverLeftovers(leftovers);
  });

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    janus.stop();
    link.stop();
    log.info({ signal }, 'shutting down');
    stopped.abort();
    await Promise.all([app.close().catch(() => undefined), metricsApp.close().catch(() => undefined)]);
    await Promise.allSettled([...commands.pendingRecordings]);
    // Mid-part is fine: the next start resumes from the parts the control plane holds.
    await outbox.stop();
    // Live calls keep their Janus session: the next run claims it (systemd restarts us within seconds).
    const { publishers, subscribers } = commands.registry.counts();
    await stateWriter.changed();
    await janus.close({ keepSession: publishers + subscribers > 0 });
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

try {
  await start(loadConfig());
} catch (err) {
  // Config errors name the variable and never contain values; anything else is a start failure.
  console.error(err instanceof ConfigError ? err.message : `media-node failed to start: ${(err as Error).message}`);
  process.exit(1);
}
