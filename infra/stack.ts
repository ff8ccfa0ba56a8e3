/*
 * The whole vident stack on one machine: Janus in its own network namespace (Janus ignores
 * loopback), the media-node sidecar, and the control plane in wrangler's dev server (workerd, started
 * by worker-dev.ts) serving the web app. `npm start`, the e2e tests and the benchmark all start it
 * through here, so they run the same thing (only `npm start` with the developer's tools: devTools).
 *
 * One file past 300 lines on purpose: the start order (keys, Janus hosts, coturn, enrolment,
 * sidecars, workerd) and its teardown in reverse are one sequence; the parts that stand alone live in
 * janus-host.ts and turn-server.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createAdminClient,
  createBankClient,
  generateBankKeyPair,
  generateEd25519KeyPair,
  generateEvidenceSigningKey,
  pemToDer,
  toBase64,
  type BankClient,
} from '@vident/protocol';
import { cleanupStaleJanusHosts, startJanusHost, type JanusHost } from './janus-host.ts';
import { startTurnServer, TURN_PORT, type TurnServer } from './turn-server.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

export interface StackOptions {
  /** Folder for secrets, logs, DO state and recordings (created if missing). */
  stateDir: string;
  /**
   * Where workerd keeps the Durable Objects' SQLite files (default `<stateDir>/wrangler`). The
   * benchmark puts them in memory: locally each object is a file whose commits sync the disk on
   * workerd's one thread (docs/BENCHMARKS.md, session creations).
   */
  controlPlaneStateDir?: string;
  /** Control plane port on 127.0.0.1 (0 = any free port). */
  port?: number;
  /** Sidecar port on 127.0.0.1 (0 = any free port). */
  sidecarPort?: number;
  /** Enable the unauthenticated demo endpoints (local only). */
  demo?: boolean;
  /** Drop all UDP inside Janus's namespace (default true: media must work over TCP alone). */
  dropUdp?: boolean;
  nodeCapacity?: number;
  /** Days evidence is kept after a session ends (decimals allowed; default the control plane's 5 years). */
  evidenceRetentionDays?: number;
  /** The sidecar's upload bandwidth cap in bytes/s (0 = none). */
  uploadMaxBytesPerSecond?: number;
  /** Media nodes to start, each Janus in its own namespace with its own sidecar (default 1). */
  mediaNodes?: number;
  /** The bank's webhook endpoint (WEBHOOK_URL, signed with `secrets.webhookSecret`); absent = webhooks off. */
  webhookUrl?: string;
  /** More Worker variables (e.g. the bench's frame budget); they override the ones above. */
  workerVars?: Record<string, string>;
  /**
   * The developer's tools on the control plane: wrangler's DevTools inspector (its port printed by
   * `npm start`) and a rebuild when a source file changes. Off by default: the tests and the
   * benchmark need neither, and the inspector costs CPU on every console line and node command
   * (infra/worker-dev.ts).
   */
  devTools?: boolean;
}

export interface StackSecrets {
  bankKeyId: string;
  bankSecret: string;
  tokenSecret: string;
  /** The control plane's Ed25519 command-signing key (PKCS#8 base64) and its public half, which every node pins. */
  controlPlaneSigningKey: string;
  controlPlanePublicKey: string;
  janusApiSecret: string;
  janusAdminSecret: string;
  janusAdminKey: string;
  /** The control plane's Ed25519 evidence signing key (PKCS#8 base64). */
  evidenceSigningKey: string;
  /** The bank's evidence key pair. A real bank keeps the private key in its own vault; locally it is here for the CLI. */
  bankEvidencePublicKeyPem: string;
  bankEvidencePrivateKeyPem: string;
  /** The platform team's admin API key (`vident nodes|sessions`). */
  adminKeyId: string;
  adminSecret: string;
  /** coturn's static-auth-secret, shared with the control plane (TURN_SHARED_SECRET). */
  turnSecret: string;
  /** The webhooks' Standard Webhooks signing secret (WEBHOOK_SECRET, `whsec_<base64>`), used when the stack has a webhookUrl. */
  webhookSecret: string;
}

/** One media node of the stack: Janus in its namespace and its supervised sidecar. */
export interface StackNode {
  nodeId: string;
  sidecarUrl: string;
  /** This sidecar's metrics listener (GET /metrics), apart from its command API. */
  metricsUrl: string;
  /** Where this node's Janus records and its sidecar keeps the sealed outbox. */
  recordingsDir: string;
  janus: JanusHost;
  /** File holding Janus's process id. */
  janusPidFile: string;
  /** File holding the current sidecar's process id (it changes when the sidecar is restarted). */
  sidecarPidFile: string;
  /** Starts this node's Janus again (killing it first if it runs), as its systemd unit would. */
  restartJanus(): Promise<void>;
}

export interface Stack {
  baseUrl: string;
  /** The first media node's (see `nodes` for all). */
  sidecarUrl: string;
  /** The first media node's metrics listener. */
  metricsUrl: string;
  nodeId: string;
  recordingsDir: string;
  logDir: string;
  /** The Worker's DevTools inspector (`host:port`, for chrome://inspect), with `devTools` only. */
  inspector: string | null;
  janus: JanusHost;
  /**
   * One coturn per node, each in its node's namespace relaying to that Janus only (all in
   * TURN_URLS, one shared secret): as in production, a page on TURN reaches whichever node its
   * session is on, also after a failover.
   */
  turnServers: TurnServer[];
  bank: BankClient;
  secrets: StackSecrets;
  sidecarPidFile: string;
  /** Every media node, the first one first. */
  nodes: StackNode[];
  stop(): Promise<void>;
}

const secret = () => randomBytes(32).toString('base64url');

/**
 * Secrets persist in the state folder so a restarted stack still accepts its earlier links and opens
 * its earlier evidence. Keys added by later versions are filled into an older file; the shared node
 * secret of older versions is dropped from it (each node has its own key now).
 */
async function loadSecrets(stateDir: string): Promise<StackSecrets> {
  const file = join(stateDir, 'secrets.json');
  const { nodeSecret: _sharedFleetSecret, ...stored } = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets> & { nodeSecret?: string })
    : {};
  const complete = (stored.evidenceSigningKey && stored.bankEvidencePublicKeyPem && stored.bankEvidencePrivateKeyPem) !== undefined;
  const bankKeys = complete ? null : await generateBankKeyPair();
  const commandKey = stored.controlPlaneSigningKey && stored.controlPlanePublicKey ? null : await generateEd25519KeyPair();
  const secrets: StackSecrets = {
    bankKeyId: 'local-bank',
    bankSecret: secret(),
    tokenSecret: secret(),
    controlPlaneSigningKey: commandKey?.privateKey ?? '',
    controlPlanePublicKey: commandKey?.publicKey ?? '',
    janusApiSecret: secret(),
    janusAdminSecret: secret(),
    janusAdminKey: secret(),
    evidenceSigningKey: (await generateEvidenceSigningKey()).privateKey,
    bankEvidencePublicKeyPem: bankKeys?.publicKeyPem ?? '',
    bankEvidencePrivateKeyPem: bankKeys?.privateKeyPem ?? '',
    adminKeyId: 'local-admin',
    adminSecret: secret(),
    turnSecret: secret(),
    webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
    ...stored,
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  writeFileSync(join(stateDir, 'bank-evidence-private.pem'), secrets.bankEvidencePrivateKeyPem, { mode: 0o600 });
  return secrets;
}

/**
 * A media node's Ed25519 key pair as install.sh makes it: the private key a PKCS#8 PEM file (0600),
 * kept across restarts of the stack; the public half (raw, base64) to enrol.
 */
function nodeKeyPair(file: string): { file: string; publicKey: string } {
  if (!existsSync(file)) {
    writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const spki = createPublicKey(readFileSync(file, 'utf8')).export({ type: 'spki', format: 'der' });
  // An Ed25519 SPKI is a fixed 12-byte header and the 32-byte key.
  return { file, publicKey: spki.subarray(spki.length - 32).toString('base64') };
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts a child in its own process group, output appended to a log file. */
function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): ChildProcess {
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(command, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

/** Ends a process group we started: SIGTERM, then SIGKILL if it lingers. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = sleep(5000).then(() => 'timeout' as const);
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) break;
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  const tail = logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
  throw new Error(`${what} did not come up${child?.exitCode != null ? ` (exited ${child.exitCode})` : ''}\n${tail}`);
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const stateDir = resolve(options.stateDir);
  const logDir = join(stateDir, 'logs');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  mkdirSync(logDir, { recursive: true, mode: 0o700 });
  const secrets = await loadSecrets(stateDir);
  const port = options.port || (await freePort());
  const inspectorPort = options.devTools ? await freePort() : null;
  const baseUrl = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const janusHosts: JanusHost[] = [];
  const sidecars = new Map<string, ChildProcess>();
  const turnServers: TurnServer[] = [];
  let stopping = false;

  const stop = async () => {
    stopping = true;
    await Promise.all([...sidecars.values()].map(stopProcess));
    await Promise.all(children.reverse().map(stopProcess));
    await Promise.all(turnServers.map((t) => t.stop()));
    await Promise.all(janusHosts.map((j) => j.stop()));
  };

  try {
    await cleanupStaleJanusHosts();
    const count = Math.max(1, options.mediaNodes ?? 1);
    // Node 1 keeps the folder names of a single-node stack (recordings/, janus.pid, sidecar.pid).
    const suffix = (i: number) => (i === 0 ? '' : `-${i + 1}`);
    for (let i = 0; i < count; i++) {
      const recordingsDir = join(stateDir, `recordings${suffix(i)}`);
      mkdirSync(recordingsDir, { recursive: true, mode: 0o700 });
      janusHosts.push(
        await startJanusHost({
          name: `janus${suffix(i) || '-1'}`,
          recordingsDir,
          apiSecret: secrets.janusApiSecret,
          adminSecret: secrets.janusAdminSecret,
          adminKey: secrets.janusAdminKey,
          dropUdp: options.dropUdp ?? true,
          turnPort: TURN_PORT,
          logDir,
        }),
      );
    }
    for (const [i, host] of janusHosts.entries()) {
      turnServers.push(
        await startTurnServer({ namespace: host.namespace, address: host.janusAddress, secret: secrets.turnSecret, logDir, logName: `coturn${suffix(i)}.log` }),
      );
    }

    // Worker secrets go through an env file (mode 0600), never the command line.
    const envFile = join(stateDir, 'worker.env');
    const workerEnv = {
      BANK_API_KEYS: JSON.stringify({ [secrets.bankKeyId]: secrets.bankSecret }),
      ADMIN_API_KEYS: JSON.stringify({ [secrets.adminKeyId]: secrets.adminSecret }),
      TOKEN_SECRET: secrets.tokenSecret,
      CONTROL_PLANE_SIGNING_KEY: secrets.controlPlaneSigningKey,
      // The sidecars listen on loopback http: the one place commands may travel without TLS.
      ALLOW_HTTP_NODE_URLS: 'true',
      DEMO_MODE: options.demo ? 'true' : 'false',
      PUBLIC_BASE_URL: baseUrl,
      EVIDENCE_SIGNING_KEY: secrets.evidenceSigningKey,
      // One line for the env file: the SPKI as bare base64 (the control plane accepts PEM or base64).
      EVIDENCE_PUBLIC_KEY: toBase64(pemToDer(secrets.bankEvidencePublicKeyPem)),
      TURN_URLS: turnServers.map((t) => t.url).join(','),
      TURN_SHARED_SECRET: secrets.turnSecret,
      ...(options.evidenceRetentionDays === undefined ? {} : { EVIDENCE_RETENTION_DAYS: String(options.evidenceRetentionDays) }),
      ...(options.webhookUrl === undefined ? {} : { WEBHOOK_URL: options.webhookUrl, WEBHOOK_SECRET: secrets.webhookSecret }),
      ...options.workerVars,
    };
    // Single quotes: dotenv takes the value literally (the JSON's double quotes survive).
    writeFileSync(envFile, Object.entries(workerEnv).map(([k, v]) => `${k}='${v}'`).join('\n') + '\n', { mode: 0o600 });

    const offline = {
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_ERROR_REPORTS: 'false',
      WRANGLER_LOG_PATH: join(logDir, 'wrangler-debug'),
    };
    const worker = startProcess(
      'control-plane',
      bin('tsx'),
      ['infra/worker-dev.ts', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', options.controlPlaneStateDir ?? join(stateDir, 'wrangler'), '--env-file', envFile,
        ...(inspectorPort === null ? [] : ['--inspector-port', String(inspectorPort), '--watch'])],
      { ...process.env, ...offline, CI: 'true' },
      logDir,
    );
    children.push(worker);
    await waitFor('control plane', async () => (await fetch(`${baseUrl}/health`)).ok, 60_000, worker, join(logDir, 'control-plane.log'));

    const bank = createBankClient({ baseUrl, keyId: secrets.bankKeyId, secret: secrets.bankSecret });
    const admin = createAdminClient({ baseUrl, keyId: secrets.adminKeyId, secret: secrets.adminSecret });
    const nodes: StackNode[] = [];
    for (const [i, janus] of janusHosts.entries()) {
      const nodeId = `local-${i + 1}`;
      const sidecarPort = (i === 0 && options.sidecarPort) || (await freePort());
      const sidecarUrl = `http://127.0.0.1:${sidecarPort}`;
      const metricsPort = await freePort();
      const metricsUrl = `http://127.0.0.1:${metricsPort}`;
      const recordingsDir = join(stateDir, `recordings${suffix(i)}`);
      const janusPidFile = join(stateDir, `janus${suffix(i)}.pid`);
      const sidecarPidFile = join(stateDir, `sidecar${suffix(i)}.pid`);
      writeFileSync(janusPidFile, String(janus.pid));
      // As the platform team does for a real node: its key pair is made at install, its public half enrolled.
      const nodeKey = nodeKeyPair(join(stateDir, `node-key${suffix(i)}.pem`));
      await admin.enrolNode({ nodeId, publicKey: nodeKey.publicKey, url: sidecarUrl });
      const sidecarEnv = {
        ...process.env,
        CONTROL_PLANE_URL: baseUrl,
        NODE_ID: nodeId,
        NODE_SIGNING_KEY_FILE: nodeKey.file,
        CONTROL_PLANE_PUBLIC_KEY: secrets.controlPlanePublicKey,
        NODE_PUBLIC_URL: sidecarUrl,
        SIDECAR_HOST: '127.0.0.1',
        SIDECAR_PORT: String(sidecarPort),
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(metricsPort),
        NODE_CAPACITY: String(options.nodeCapacity ?? 20),
        JANUS_WS_URL: janus.wsUrl,
        JANUS_API_SECRET: secrets.janusApiSecret,
        JANUS_ADMIN_KEY: secrets.janusAdminKey,
        RECORDINGS_DIR: recordingsDir,
        HEARTBEAT_INTERVAL_MS: '2000',
        UPLOAD_MAX_BYTES_PER_SECOND: String(options.uploadMaxBytesPerSecond ?? 0),
        JANUS_PID_FILE: janusPidFile,
        NODE_MEDIA_ADDRESS: janus.janusAddress,
      };
      const logName = `media-node${suffix(i)}`;
      // Supervised like its systemd unit (Restart=always): a sidecar that dies is started again.
      const startSidecar = (): ChildProcess => {
        const child = startProcess(logName, bin('tsx'), ['media-node/src/main.ts'], sidecarEnv, logDir);
        sidecars.set(nodeId, child);
        writeFileSync(sidecarPidFile, String(child.pid));
        child.once('exit', () => {
          if (stopping) return;
          setTimeout(() => {
            if (!stopping) startSidecar();
          }, 1000).unref();
        });
        return child;
      };
      const sidecar = startSidecar();
      await waitFor(
        `media node ${nodeId} registration`,
        async () => (await bank.status()).nodes.some((n) => n.nodeId === nodeId && n.live && n.janusUp),
        30_000,
        sidecar,
        join(logDir, `${logName}.log`),
      );
      const restartJanus = async () => writeFileSync(janusPidFile, String(await janus.restart()));
      nodes.push({ nodeId, sidecarUrl, metricsUrl, recordingsDir, janus, janusPidFile, sidecarPidFile, restartJanus });
    }
    const node1 = nodes[0]!;
    return {
      baseUrl,
      sidecarUrl: node1.sidecarUrl,
      metricsUrl: node1.metricsUrl,
      nodeId: node1.nodeId,
      recordingsDir: node1.recordingsDir,
      logDir,
      inspector: inspectorPort === null ? null : `127.0.0.1:${inspectorPort}`,
      janus: node1.janus,
      turnServers,
      bank,
      secrets,
      sidecarPidFile: node1.sidecarPidFile,
      nodes,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
