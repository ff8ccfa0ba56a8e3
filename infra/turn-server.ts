/*
 * coturn for the local stack: started inside a Janus host's network namespace, listening for
 * TURN over TCP on the namespace's address, relaying to Janus over UDP on the namespace's
 * loopback. This is the shape of production (infra/coturn/turnserver.conf): participants reach the
 * TURN server over TCP only, and only the TURN -> media node leg is UDP, inside the operator's
 * network. Credentials: the TURN REST API shared secret, minted per participant by the control
 * plane (control-plane/src/session/turn-credentials.ts). Needs root (ip netns exec).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitForPort } from './janus-host.ts';

/** The port participants reach TURN on: 443, as in production (a proxy that allows only 443). */
export const TURN_PORT = 443;

export interface TurnServerOptions {
  /** The Janus host's namespace and address (its veth end). */
  namespace: string;
  address: string;
  /** coturn's static-auth-secret; the control plane's TURN_SHARED_SECRET. */
  secret: string;
  logDir: string;
  /** Log file name in logDir (default coturn.log). */
  logName?: string;
}

export interface TurnServer {
  /** For TURN_URLS: `turn:<address>:443?transport=tcp`. */
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/** The rendered configuration (pure): TCP only towards participants, relays only to `address`. */
export function turnServerConfig(address: string, secret: string, logFile: string): string {
  return [
    `listening-ip=${address}`,
    `listening-port=${TURN_PORT}`,
    // Participants never send UDP; TLS is left to production's certificate (turnserver.conf).
    'no-udp',
    'no-dtls',
    'no-tls',
    'no-rfc5780',
    'no-stun-backward-compatibility',
    'response-origin-only-with-rfc5780',
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    'realm=vident.local',
    'fingerprint',
    'stale-nonce=600',
    'user-quota=8',
    // Browsers request UDP allocations only (see turnserver.conf); the relay leg is the namespace's lo.
    'no-tcp-relay',
    `relay-ip=${address}`,
    'min-port=49152',
    'max-port=49407',
    // Relays to Janus only.
    'denied-peer-ip=0.0.0.0-255.255.255.255',
    'denied-peer-ip=::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    `allowed-peer-ip=${address}`,
    'no-multicast-peers',
    'no-software-attribute',
    'no-cli',
    `log-file=${logFile}`,
    'simple-log',
    '',
  ].join('\n');
}

export async function startTurnServer(opts: TurnServerOptions): Promise<TurnServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vident-turn-'));
  await chmod(dir, 0o700);
  const logFile = path.join(opts.logDir, opts.logName ?? 'coturn.log');
  const config = path.join(dir, 'turnserver.conf');
  await writeFile(config, turnServerConfig(opts.address, opts.secret, logFile), { mode: 0o600 });
  const out = openSync(logFile, 'a');
  let child;
  try {
    child = spawn('ip', ['netns', 'exec', opts.namespace, 'turnserver', '-c', config, '--pidfile', path.join(dir, 'turnserver.pid')], {
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  const spawned = child;
  const kill = () => {
    if (spawned.exitCode === null && spawned.signalCode === null) spawned.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', kill);
  try {
    await new Promise<void>((resolve, reject) => {
      spawned.once('spawn', () => resolve());
      spawned.once('error', reject);
    });
    await waitForPort(opts.address, TURN_PORT, 10_000, () => spawned.exitCode === null);
  } catch (err) {
    kill();
    throw new Error(`coturn did not start (see ${logFile}): ${err instanceof Error ? err.message : String(err)}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `turn:${opts.address}:${TURN_PORT}?transport=tcp`,
    pid: spawned.pid!,
    logFile,
    stop: () =>
      (stopped ??= (async () => {
        process.removeListener('exit', kill);
        if (spawned.exitCode === null && spawned.signalCode === null) {
          const exited = new Promise<void>((r) => spawned.once('exit', () => r()));
          spawned.kill('SIGTERM');
          const timer = setTimeout(() => spawned.kill('SIGKILL'), 3_000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })()),
  };
}
