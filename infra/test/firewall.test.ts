/*
 * The media node firewall, by its effect on real packets: infra/media-node/nftables.conf rendered
 * with the Janus config's port range and loaded into a network namespace of our own (a veth pair
 * 10.214.N.0/30), with listeners inside it. Every port is first shown reachable without the table,
 * so a "dropped" below is the table's doing. Needs root (ip netns, nft).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { renderFirewall, type FirewallSettings } from '../media-node/firewall.ts';
import { rtpPortRange, websocketPorts } from '../media-node/janus-config.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const TEMPLATE = readFileSync(path.join(REPO, 'infra/media-node/nftables.conf'), 'utf8');
const RTP = rtpPortRange(readFileSync(path.join(REPO, 'janus-config/janus.jcfg.template'), 'utf8'));
const WS = websocketPorts(readFileSync(path.join(REPO, 'janus-config/janus.transport.websockets.jcfg.template'), 'utf8'));
const SIDECAR = 7400;
const MEDIA = RTP.min + 7;
/** A media port nothing listens on, to send UDP from (the listener holds MEDIA). */
const MEDIA_OUT = RTP.min + 11;
const CLOSED = 9999;
const TCP_PORTS = [22, SIDECAR, MEDIA, WS.ws, WS.adminWs, CLOSED];
const UDP_PORTS = [MEDIA, 5000];

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

/** Listens inside the namespace; prints "ready", then "udp <port>" per datagram received. */
const LISTENER = `
const net = require('node:net'), dgram = require('node:dgram');
for (const p of ${JSON.stringify(TCP_PORTS)}) net.createServer((s) => s.end()).listen(p, '0.0.0.0');
for (const p of ${JSON.stringify(UDP_PORTS)}) dgram.createSocket('udp4').on('message', () => console.log('udp ' + p)).bind(p, '0.0.0.0');
setTimeout(() => console.log('ready'), 300);
`;

function tcpReachable(host: string, port: number, timeoutMs = 1200): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

describe('media node firewall (nftables.conf in a network namespace)', () => {
  const id = randomBytes(3).toString('hex');
  // Not "vident-*": infra/janus-host.ts removes idle namespaces of that name.
  const ns = `vfw-${id}`;
  const vethHost = `vfw${id}h`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vident-fw-'));
  let nsAddress = '';
  let hostAddress = '';
  let listener: ChildProcess | undefined;
  const udpSeen: string[] = [];

  const load = (settings: Partial<FirewallSettings>) => {
    const file = path.join(dir, 'nftables.conf');
    const rules = renderFirewall(TEMPLATE, { rtpPorts: RTP, janusWsPorts: [WS.ws, WS.adminWs], sshPort: 22, sidecarPort: SIDECAR, controlPlaneSources: [], ...settings });
    writeFileSync(file, rules);
    ip('netns', 'exec', ns, 'nft', '-f', file);
  };

  const udpArrives = async (port: number): Promise<boolean> => {
    const before = udpSeen.length;
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.send('probe', port, nsAddress, () => r()));
    socket.close();
    await new Promise((r) => setTimeout(r, 400));
    return udpSeen.slice(before).includes(`udp ${port}`);
  };

  /** Sends one datagram from each source port inside the namespace; answers the ports that arrived. */
  const udpSentFrom = async (ports: number[]): Promise<number[]> => {
    const received: number[] = [];
    const sink = dgram.createSocket('udp4').on('message', (_, rinfo) => received.push(rinfo.port));
    await new Promise<void>((r) => sink.bind(0, hostAddress, () => r()));
    const to = sink.address().port;
    const script = `const d = require('node:dgram');
      for (const from of ${JSON.stringify(ports)}) { const s = d.createSocket('udp4'); s.bind(from, '${nsAddress}', () => s.send('x', ${to}, '${hostAddress}', () => s.close())); }`;
    ip('netns', 'exec', ns, process.execPath, '-e', script);
    await new Promise((r) => setTimeout(r, 400));
    sink.close();
    return received.sort((a, b) => a - b);
  };

  before(async () => {
    const used = ip('-4', '-o', 'addr').toString() + ip('-4', 'route').toString();
    const taken = new Set([...used.matchAll(/\b10\.214\.(\d{1,3})\./g)].map((m) => Number(m[1])));
    const free = Array.from({ length: 254 }, (_, i) => i + 1).filter((n) => !taken.has(n));
    const n = free[Math.floor(Math.random() * free.length)]!;
    nsAddress = `10.214.${n}.1`;
    hostAddress = `10.214.${n}.2`;
    ip('netns', 'add', ns);
    ip('link', 'add', vethHost, 'type', 'veth', 'peer', 'name', `vfw${id}n`, 'netns', ns);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', vethHost);
    ip('link', 'set', vethHost, 'up');
    ip('-n', ns, 'addr', 'add', `${nsAddress}/30`, 'dev', `vfw${id}n`);
    ip('-n', ns, 'link', 'set', `vfw${id}n`, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      listener!.once('exit', (code) => reject(new Error(`listener exited (${code})`)));
      listener!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) {
          if (line === 'ready') resolve();
          else if (line.startsWith('udp ')) udpSeen.push(line);
        }
      });
    });
  });

  after(() => {
    listener?.kill('SIGKILL');
    // Deleting the namespace removes the veth pair and the table with it.
    try {
      ip('netns', 'delete', ns);
    } catch {
      /* never created */
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('without the table every probe gets through (the control)', async () => {
    for (const port of TCP_PORTS) assert.equal(await tcpReachable(nsAddress, port), true, `tcp ${port}`);
    for (const port of UDP_PORTS) assert.equal(await udpArrives(port), true, `udp ${port}`);
    assert.deepEqual(await udpSentFrom([MEDIA_OUT, 40000]), [MEDIA_OUT, 40000], 'udp out');
  });

  test('with the table: ssh, ICE-TCP media and the sidecar open; Janus APIs, other TCP and all UDP dropped', async () => {
    load({});
    for (const port of [22, SIDECAR, MEDIA]) assert.equal(await tcpReachable(nsAddress, port), true, `tcp ${port} open`);
    for (const port of [WS.ws, WS.adminWs, CLOSED]) assert.equal(await tcpReachable(nsAddress, port), false, `tcp ${port} dropped`);
    for (const port of UDP_PORTS) assert.equal(await udpArrives(port), false, `udp ${port} dropped`);
  });

  test('loading again replaces the table: the sidecar port follows CONTROL_PLANE_SOURCES', async () => {
    load({ controlPlaneSources: ['192.0.2.1'] });
    assert.equal(await tcpReachable(nsAddress, SIDECAR), false, 'other sources dropped');
    assert.equal(await tcpReachable(nsAddress, MEDIA), true, 'media still open');
    load({ controlPlaneSources: [`${hostAddress}/32`] });
    assert.equal(await tcpReachable(nsAddress, SIDECAR), true, 'the control plane admitted');
    const tables = ip('netns', 'exec', ns, 'nft', 'list', 'tables').toString().trim().split('\n');
    assert.deepEqual(tables, ['table inet vident_media_node'], 'one table, reloaded in place');
  });

  test('no UDP leaves from the media ports', async () => {
    load({});
    assert.deepEqual(await udpSentFrom([MEDIA_OUT, 40000]), [40000]);
  });

  test('TURN_RELAY_SOURCES admits UDP media with those relays only, both ways', async () => {
    load({ turnRelaySources: ['192.0.2.1'] });
    assert.equal(await udpArrives(MEDIA), false, 'UDP from another source still dropped');
    assert.deepEqual(await udpSentFrom([MEDIA_OUT]), [], 'UDP to another destination still dropped');
    load({ turnRelaySources: [`${hostAddress}/32`] });
    assert.equal(await udpArrives(MEDIA), true, 'UDP from the relay reaches a media port');
    assert.equal(await udpArrives(5000), false, 'but no other port');
    assert.deepEqual(await udpSentFrom([MEDIA_OUT]), [MEDIA_OUT], 'Janus may answer the relay');
    assert.throws(() => load({ turnRelaySources: ['not-an-address'] }), /TURN_RELAY_SOURCES: "not-an-address"/);
  });
});
