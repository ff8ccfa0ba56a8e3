/*
 * Starts one Janus "host": Janus inside its own network namespace, reachable from the root
 * namespace over a veth pair, with UDP dropped by nftables so media can only flow over ICE-TCP.
 *
 * Why a namespace: Janus skips loopback interfaces when gathering ICE candidates, and a dummy
 * interface cannot be created here; a veth pair gives Janus a real interface (see FIELD-NOTES).
 *
 * Used by media-node's tests, the e2e suite and `npm start`. Also a CLI:
 *   tsx infra/janus-host.ts      # random secrets, prints addresses, Ctrl-C stops it
 * Needs root (ip netns, nft).
 *
 * One file past 300 lines on purpose: creating the namespace, the veth pair, the firewall table and
 * Janus, and removing every one of them again even when a step fails, is one sequence that must be
 * read (and undone) in one place.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { openSync, closeSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export interface JanusHostOptions {
  /** Label used in Janus's server_name and the log file name. */
  name?: string;
  /** Where VideoRoom may write recordings; created if missing. */
  recordingsDir: string;
  apiSecret: string;
  adminSecret: string;
  /** VideoRoom admin_key (needed to create rooms). */
  adminKey: string;
  /** Drop every UDP packet in and out of the namespace (default true); UDP inside it (lo) still flows. */
  dropUdp?: boolean;
  /** A TCP port to open for a TURN server started in the namespace (see turn-server.ts). */
  turnPort?: number;
  /** Folder for janus-<name>.log (default: the temp config dir's parent, os.tmpdir()). */
  logDir?: string;
  /** How long to wait for Janus's ws port (default 15 s). */
  startTimeoutMs?: number;
}

export interface JanusHost {
  name: string;
  /** Network namespace name (vident-xxxxxx). */
  namespace: string;
  /** Its nftables table (inet family), with the named counter `udp_dropped`. */
  nftTable: string;
  /** Janus's end of the veth, inside the namespace (e.g. 10.213.7.1). */
  janusAddress: string;
  /** The root-namespace end of the veth (e.g. 10.213.7.2): the only address Janus's API accepts. */
  hostAddress: string;
  wsUrl: string;
  adminWsUrl: string;
  logFile: string;
  /** The running Janus's process id (a new one after restart()). */
  readonly pid: number;
  stop(): Promise<void>;
  /** Kills Janus if it still runs and starts it again; answers the new process id. */
  restart(): Promise<number>;
}

const NS_PREFIX = 'vident-';
const WS_PORT = 8188;
const ADMIN_WS_PORT = 7188;
const RTP_PORTS = '20000-20100';
const TEMPLATE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../janus-config');
const TEMPLATES = ['janus.jcfg', 'janus.plugin.videoroom.jcfg', 'janus.plugin.echotest.jcfg', 'janus.transport.websockets.jcfg'] as const;

async function run(cmd: string, args: string[], input?: string): Promise<string> {
  if (input === undefined) {
    const { stdout } = await execFileAsync(cmd, args, { timeout: 10_000 });
    return stdout;
  }
  // nft -f - reads its ruleset from stdin.
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(input);
  });
}

/** Quotes a value for a libconfig (jcfg) string literal. */
function jcfgString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** Picks N so that 10.213.N.0/30 overlaps no address or route on the machine. */
async function pickSubnet(): Promise<number> {
  const used = new Set<number>();
  const text = (await run('ip', ['-4', '-o', 'addr'])) + (await run('ip', ['-4', 'route']));
  for (const m of text.matchAll(/\b10\.213\.(\d{1,3})\.\d{1,3}/g)) used.add(Number(m[1]));
  const free: number[] = [];
  for (let n = 1; n < 255; n++) if (!used.has(n)) free.push(n);
  if (free.length === 0) throw new Error('no free 10.213.N.0/30 subnet');
  // Random rather than lowest: two hosts started at the same moment should not pick the same N.
  return free[Math.floor(Math.random() * free.length)]!;
}

/**
 * The namespace's firewall. Traffic inside the namespace (lo) is accepted first: a TURN server
 * started in it relays to Janus over UDP on lo, as a TURN host would over the operator's network;
 * every UDP packet crossing the veth is dropped (and counted: `udp_dropped`).
 */
function nftRuleset(table: string, hostAddress: string, dropUdp: boolean, turnPort: number | undefined): string {
  const udp = dropUdp ? ['    meta l4proto udp counter name udp_dropped drop'] : [];
  return [
    `table inet ${table} {`,
    '  counter udp_dropped {',
    '  }',
    '  chain input {',
    '    type filter hook input priority 0; policy drop;',
    '    iif "lo" accept',
    ...udp,
    '    ct state established,related accept',
    `    tcp dport { ${WS_PORT}, ${ADMIN_WS_PORT} } ip saddr ${hostAddress} accept`,
    `    tcp dport ${RTP_PORTS} accept`,
    ...(turnPort !== undefined ? [`    tcp dport ${turnPort} accept`] : []),
    '    meta l4proto { icmp, ipv6-icmp } accept',
    '  }',
    '  chain output {',
    '    type filter hook output priority 0; policy accept;',
    '    oif "lo" accept',
    ...udp,
    '  }',
    '}',
    '',
  ].join('\n');
}

async function renderConfig(dir: string, values: Record<string, string>): Promise<void> {
  for (const name of TEMPLATES) {
    const template = await readFile(path.join(TEMPLATE_DIR, `${name}.template`), 'utf8');
    const rendered = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`janus-config template ${name} uses unknown {{${key}}}`);
      return jcfgString(value);
    });
    const file = path.join(dir, name);
    await writeFile(file, rendered, { mode: 0o600 });
    await chmod(file, 0o600);
  }
}

/** Resolves when host:port accepts a TCP connection, rejects after timeoutMs or if `alive` turns false. */
export async function waitForPort(host: string, port: number, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('the process exited during startup');
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      const done = (result: boolean) => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing accepted connections on ${host}:${port} within ${timeoutMs} ms`);
}

const liveHosts = new Set<() => void>();
let exitHooksInstalled = false;

/** Synchronous last-resort cleanup: process 'exit' handlers cannot await. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.once('exit', () => {
    for (const cleanup of liveHosts) cleanup();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const cleanup of liveHosts) cleanup();
      liveHosts.clear();
      // Only exit if nobody else handles the signal (a caller may run its own graceful stop).
      if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Starts Janus in a fresh network namespace. Everything created is removed again on failure. */
export async function startJanusHost(opts: JanusHostOptions): Promise<JanusHost> {
  const id = randomBytes(3).toString('hex');
  const name = opts.name ?? `janus-${id}`;
  const namespace = `${NS_PREFIX}${id}`;
  const vethHost = `vjh${id}h`;
  const vethJanus = `vjh${id}j`;
  const table = `vident_${id}`;
  const dropUdp = opts.dropUdp ?? true;

  let configDir: string | undefined;
  let child: ChildProcess | undefined;
  let nsCreated = false;

  const syncCleanup = () => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (nsCreated) {
      for (const args of [['link', 'delete', vethHost], ['netns', 'delete', namespace]]) {
        try {
          execFileSync('ip', args, { stdio: 'ignore', timeout: 5_000 });
        } catch {
          /* already gone */
        }
      }
    }
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  };

  try {
    installExitHooks();
    liveHosts.add(syncCleanup);
    const n = await pickSubnet();
    const janusAddress = `10.213.${n}.1`;
    const hostAddress = `10.213.${n}.2`;

    await run('ip', ['netns', 'add', namespace]);
    nsCreated = true;
    await run('ip', ['link', 'add', vethHost, 'type', 'veth', 'peer', 'name', vethJanus, 'netns', namespace]);
    await run('ip', ['addr', 'add', `${hostAddress}/30`, 'dev', vethHost]);
    await run('ip', ['link', 'set', vethHost, 'up']);
    await run('ip', ['-n', namespace, 'addr', 'add', `${janusAddress}/30`, 'dev', vethJanus]);
    await run('ip', ['-n', namespace, 'link', 'set', vethJanus, 'up']);
    await run('ip', ['-n', namespace, 'link', 'set', 'lo', 'up']);
    await run('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], nftRuleset(table, hostAddress, dropUdp, opts.turnPort));

    await mkdir(opts.recordingsDir, { recursive: true });
    configDir = await mkdtemp(path.join(os.tmpdir(), 'vident-janus-'));
    await chmod(configDir, 0o700);
    await renderConfig(configDir, {
      CONFIG_DIR: configDir,
      SERVER_NAME: name,
      API_SECRET: opts.apiSecret,
      ADMIN_SECRET: opts.adminSecret,
      ADMIN_KEY: opts.adminKey,
      ICE_INTERFACE: vethJanus,
      JANUS_ADDRESS: janusAddress,
      // Janus's APIs on the namespace's private end only (the sidecar is on the host's end).
      JANUS_API_ADDRESS: janusAddress,
    });

    const logDir = opts.logDir ?? os.tmpdir();
    await mkdir(logDir, { recursive: true });
    const logFile = path.join(logDir, `janus-${name}.log`);
    const renderedConfig = configDir;
    const spawnJanus = async (): Promise<ChildProcess> => {
      const logFd = openSync(logFile, 'a');
      let spawned: ChildProcess;
      try {
        spawned = spawn('ip', ['netns', 'exec', namespace, 'janus', '-F', renderedConfig, '-o', '-N', '-L', logFile], {
          stdio: ['ignore', logFd, logFd],
        });
      } finally {
        closeSync(logFd);
      }
      child = spawned;
      await new Promise<void>((resolve, reject) => {
        spawned.once('spawn', () => resolve());
        spawned.once('error', reject);
      });
      await waitForPort(janusAddress, WS_PORT, opts.startTimeoutMs ?? 15_000, () => spawned.exitCode === null);
      return spawned;
    };
    const ended = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
    const kill = async (c: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
      if (ended(c)) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill(signal);
      const timer = setTimeout(() => c.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    };
    let current = await spawnJanus();

    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        liveHosts.delete(syncCleanup);
        await kill(current, 'SIGTERM');
        // The veth first, by name: `ip netns delete` leaves the pair to the kernel's deferred
        // namespace cleanup, so its host end could vanish after stop() resolved, under the next
        // test's browser (Chromium then fails its loads with net::ERR_NETWORK_CHANGED).
        await run('ip', ['link', 'delete', vethHost]).catch(() => undefined);
        await run('ip', ['netns', 'delete', namespace]).catch(() => undefined);
        if (configDir) await rm(configDir, { recursive: true, force: true });
      })();
      return stopped;
    };
    // What systemd's Restart=always does for the unit: a Janus that died (or is killed now) starts
    // again with the same configuration, in the same namespace, with nothing of its state.
    const restart = async (): Promise<number> => {
      await kill(current, 'SIGKILL');
      current = await spawnJanus();
      return current.pid!;
    };

    return {
      name,
      namespace,
      nftTable: table,
      janusAddress,
      hostAddress,
      wsUrl: `ws://${janusAddress}:${WS_PORT}`,
      adminWsUrl: `ws://${janusAddress}:${ADMIN_WS_PORT}`,
      logFile,
      get pid() {
        return current.pid!;
      },
      stop,
      restart,
    };
  } catch (err) {
    syncCleanup();
    liveHosts.delete(syncCleanup);
    throw err;
  }
}

/**
 * Removes `vident-*` namespaces left by crashed runs: those in which no process runs any more
 * (a live Janus host always has its janus process inside). Returns the names removed.
 */
export async function cleanupStaleJanusHosts(): Promise<string[]> {
  const list = await run('ip', ['netns', 'list']);
  const removed: string[] = [];
  for (const line of list.split('\n')) {
    const ns = line.trim().split(/\s+/)[0];
    if (!ns || !ns.startsWith(NS_PREFIX)) continue;
    const pids = (await run('ip', ['netns', 'pids', ns]).catch(() => 'unknown')).trim();
    if (pids !== '') continue;
    await run('ip', ['netns', 'delete', ns]).catch(() => undefined);
    removed.push(ns);
  }
  return removed;
}

async function main(): Promise<void> {
  const removed = await cleanupStaleJanusHosts();
  if (removed.length) console.log(`removed stale namespaces: ${removed.join(', ')}`);
  const secret = () => randomBytes(24).toString('hex');
  const recordingsDir = process.env.RECORDINGS_DIR ?? path.join(os.tmpdir(), 'vident-recordings');
  const host = await startJanusHost({
    recordingsDir,
    apiSecret: process.env.JANUS_API_SECRET ?? secret(),
    adminSecret: process.env.JANUS_ADMIN_SECRET ?? secret(),
    adminKey: process.env.JANUS_ADMIN_KEY ?? secret(),
    dropUdp: process.env.JANUS_DROP_UDP !== 'false',
  });
  // Secrets are deliberately not printed: pass them in through the env if a client needs them.
  console.log(
    JSON.stringify(
      {
        name: host.name,
        namespace: host.namespace,
        janusAddress: host.janusAddress,
        hostAddress: host.hostAddress,
        wsUrl: host.wsUrl,
        adminWsUrl: host.adminWsUrl,
        pid: host.pid,
        logFile: host.logFile,
        recordingsDir,
      },
      null,
      2,
    ),
  );
  console.log('Ctrl-C stops it.');
  await new Promise<never>(() => undefined);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
