/*
 * Starts the media-node sidecar: HTTP API, the Janus connection (reconnected with backoff,
 * since janode does not reconnect), registration with the control plane (retried until it
 * answers; its answer carries the bank key recordings are sealed with), heartbeats, and the
 * evidence upload loop over the durable outbox.
 */
import { importBankPublicKey, type BankPublicKey } from '@vident/protocol';
import { buildApp, LOG_REDACT_PATHS } from './app.ts';
import { ConfigError, loadConfig, type MediaNodeConfig } from './config.ts';
import { ControlPlaneClient, ControlPlaneError } from './control-plane-client.ts';
import { ByteRateLimiter } from './evidence/byte-rate-limiter.ts';
import { outboxDir } from './evidence/outbox-entry.ts';
import { UploadOutbox } from './evidence/upload-outbox.ts';
import { janusRefusedConnection } from './janus/janus-error.ts';
import { JanusGateway } from './janus/janus-gateway.ts';
import { estimateBitrateKbps } from './metrics/bitrate-estimate.ts';
import { countingUploadApi } from './metrics/counting-upload-api.ts';
import { JanusCpuSampler } from './metrics/janus-cpu.ts';
import { NodeMetrics } from './metrics/node-metrics.ts';
import { sealSegment } from './recording/seal-segment.ts';
import { findLeftoverSegments } from './recording/segment-recovery.ts';
import { MediaCommands } from './sessions/media-commands.ts';
import { loadSidecarState, segmentsInState, stateFile, StateWriter } from './sessions/sidecar-state.ts';

const VERSION = '0.1.0';

function backoff(attempt: number): number {
  return Math.min(10_000, 250 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

async function start(config: MediaNodeConfig): Promise<void> {
  let gateway: JanusGateway | null = null;
  let bankKey: BankPublicKey | null = null;
  let stopping = false;
  // What the previous run held: its Janus session and legs, to be claimed (the calls go on).
  const previous = await loadSidecarState(stateFile(config.RECORDINGS_DIR));
  // Listed before anything can publish: the segments on disk now were ended by our previous run's
  // death, except those its legs still write (they are the previous run's legs' to finish).
  const writing = segmentsInState(previous.state);
  const leftovers = (await findLeftoverSegments(config.RECORDINGS_DIR)).filter((seg) => !writing.has(`${seg.sessionId}/${seg.base}`));

  const controlPlane = new ControlPlaneClient({
    baseUrl: config.CONTROL_PLANE_URL,
    nodeId: config.NODE_ID,
    nodeSecret: config.NODE_SECRET,
    uploadLimiter: config.UPLOAD_MAX_BYTES_PER_SECOND > 0 ? new ByteRateLimiter(config.UPLOAD_MAX_BYTES_PER_SECOND) : undefined,
  });
  const log = { info: (o: object, m: string) => app.log.info(o, m), warn: (o: object, m: string) => app.log.warn(o, m) };
  const cpu = new JanusCpuSampler(config.JANUS_PID_FILE);
  // Heartbeats and scrapes both want Janus's CPU; one sampler, its latest rate shared.
  let janusCpuPercent = 0;
  const metrics: NodeMetrics = new NodeMetrics({
    counts: () => commands.registry.counts(),
    janusUp: () => gateway?.up ?? false,
    janusCpuPercent: async () => (janusCpuPercent = await cpu.sample()),
    uploadsPending: (): number => outbox.pending,
  });
  const outbox: UploadOutbox = new UploadOutbox({
    dir: outboxDir(config.RECORDINGS_DIR),
    api: countingUploadApi(controlPlane, metrics),
    log,
    scanIntervalMs: config.OUTBOX_SCAN_INTERVAL_MS,
  });

  const commands: MediaCommands = new MediaCommands({
    gateway: () => gateway,
    recordingsDir: config.RECORDINGS_DIR,
    reportEvent: (event) => {
      void (async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          try {
            await controlPlane.postEvent(event);
            return;
          } catch (err) {
            if (err instanceof ControlPlaneError && err.status >= 400 && err.status < 500) break;
            await sleep(backoff(attempt));
          }
        }
        app.log.warn({ event: event.type, sessionId: event.sessionId }, 'could not deliver node event');
      })();
    },
    processRecording: (segment) =>
      sealSegment(segment, {
        recordingsDir: config.RECORDINGS_DIR,
        partSize: config.UPLOAD_PART_SIZE,
        bankKey: () => bankKey,
        onEntry: () => {
          metrics.recordingSealed();
          outbox.notify();
        },
      }),
    log,
    stateChanged: () => void stateWriter.changed(),
  });
  const stateWriter = new StateWriter(stateFile(config.RECORDINGS_DIR), () => commands.continuity.state(), (err) =>
    app.log.error({ err: err.message }, 'could not write the sidecar state file: a restart would lose its calls'),
  );
  commands.continuity.load(previous.state);

  const app = buildApp({
    commands,
    nodeSecret: config.NODE_SECRET,
    janusUp: () => gateway?.up ?? false,
    metrics,
    logger: { level: config.LOG_LEVEL, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } },
  });

  const connectJanus = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        const connected = await JanusGateway.connect({
          url: config.JANUS_WS_URL,
          apiSecret: config.JANUS_API_SECRET,
          adminKey: config.JANUS_ADMIN_KEY,
          reclaimSessionId: commands.continuity.reclaimSessionId,
        });
        connected.onClose((reason) => {
          if (gateway === connected) gateway = null;
          // Janus keeps the session for its reclaim window, unless Janus itself died: known on reconnection.
          commands.continuity.janusConnectionLost();
          app.log.warn({ reason }, 'janus connection lost, reconnecting');
          // Tell the control plane now, not at the next beat: it moves this node's calls elsewhere.
          beatNow();
          if (!stopping) void connectJanus();
        });
        app.log.info({ url: config.JANUS_WS_URL, reclaimed: connected.reclaimed }, 'connected to janus');
        // Legs first: no command may reach a room before its legs are taken over (or reset).
        await commands.continuity.resume(connected);
        if (connected.up) gateway = connected;
        beatNow();
        return;
      } catch (err) {
        // Janus is not running: the calls' legs died with it, no reclaim to wait for.
        if (janusRefusedConnection(err)) commands.continuity.janusNotRunning();
        const delay = backoff(Math.min(attempt, 6));
        app.log.warn({ err: (err as Error).message, retryInMs: Math.round(delay) }, 'janus connect failed');
        await sleep(delay);
      }
    }
  };

  let heartbeatMs = config.HEARTBEAT_INTERVAL_MS;
  const register = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        const answer = await controlPlane.register({
          nodeId: config.NODE_ID,
          url: config.NODE_PUBLIC_URL,
          capacity: config.NODE_CAPACITY,
          version: VERSION,
          region: config.NODE_REGION,
          ...(config.NODE_MEDIA_ADDRESS ? { mediaAddress: config.NODE_MEDIA_ADDRESS } : {}),
        });
        heartbeatMs = Math.max(100, Math.min(answer.heartbeatIntervalMs, config.HEARTBEAT_INTERVAL_MS));
        bankKey = await useBankKey(answer.evidencePublicKey);
        app.log.info({ controlPlane: config.CONTROL_PLANE_URL, nodeId: config.NODE_ID }, 'registered with the control plane');
        return;
      } catch (err) {
        const delay = backoff(Math.min(attempt, 6));
        app.log.warn({ err: (err as Error).message, retryInMs: Math.round(delay) }, 'registration failed');
        await sleep(delay);
      }
    }
  };

  let fleetStatus = 'live';
  let wakeHeartbeat: (() => void) | null = null;
  const beatNow = () => wakeHeartbeat?.();
  const heartbeatLoop = async (): Promise<void> => {
    while (!stopping) {
      await Promise.race([sleep(heartbeatMs), new Promise<void>((wake) => (wakeHeartbeat = wake))]);
      wakeHeartbeat = null;
      if (stopping) return;
      try {
        const counts = commands.registry.counts();
        janusCpuPercent = await cpu.sample();
        const { status, release } = await controlPlane.heartbeat({
          ...counts,
          janusUp: gateway?.up ?? false,
          uploadsPending: outbox.pending,
          bitrateKbps: estimateBitrateKbps(counts),
          cpuPercent: janusCpuPercent,
          rooms: commands.rooms(),
        });
        // Rooms of sessions that ended or moved off while we could not hear it: none is left behind.
        if (gateway?.up) commands.release(release);
        if (status !== fleetStatus) {
          fleetStatus = status;
          // The operator's cue: a drained node has no session left and may be stopped.
          if (status === 'drained') app.log.info({ nodeId: config.NODE_ID }, 'drained: safe to stop');
          else app.log.info({ nodeId: config.NODE_ID, status }, `fleet status: ${status}`);
        }
      } catch (err) {
        app.log.warn({ err: (err as Error).message }, 'heartbeat failed');
        // The control plane lost our registration (e.g. restarted without state): register again.
        if (err instanceof ControlPlaneError && err.status === 404) await register();
      }
    }
  };

  const useBankKey = async (pem: string | null): Promise<BankPublicKey | null> => {
    if (pem === null) {
      app.log.warn({}, 'the control plane has no bank public key: recordings cannot be sealed and stay on this node');
      return null;
    }
    try {
      const key = await importBankPublicKey(pem);
      app.log.info({ bankKeyId: key.keyId }, 'sealing evidence with the bank key');
      return key;
    } catch (err) {
      app.log.error({ err: (err as Error).message }, 'the bank public key from the control plane is unusable');
      return null;
    }
  };

  await app.listen({ host: config.SIDECAR_HOST, port: config.SIDECAR_PORT });
  void connectJanus();
  void register().then(() => {
    if (stopping) return;
    // Uploads and left-over segments need the control plane to know this node (and its bank key).
    outbox.start();
    if (leftovers.length) app.log.info({ segments: leftovers.length }, 'sealing recording segments left by the previous run');
    commands.recorder.recoverLeftovers(leftovers);
    return heartbeatLoop();
  });

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close().catch(() => undefined);
    await Promise.allSettled([...commands.pendingRecordings]);
    // Mid-part is fine: the next start resumes from the parts the control plane holds.
    await outbox.stop();
    // Live calls keep their Janus session: the next run claims it (systemd restarts us within seconds).
    const { publishers, subscribers } = commands.registry.counts();
    await stateWriter.changed();
    await gateway?.close({ keepSession: publishers + subscribers > 0 });
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
