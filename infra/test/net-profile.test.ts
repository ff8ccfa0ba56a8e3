/*
 * infra/net-profile.ts by its effect on real packets, in a network namespace of this test's own (a
 * veth pair 10.214.N.0/30, like the firewall test): each profile applied and removed leaves no qdisc
 * and no nftables table behind (also when applying fails half-way), the loss rule really drops (50 %
 * here, so a few hundred datagrams tell it apart), the 3g cap really caps a download while Janus's
 * API port stays uncapped. Needs root (ip netns, tc, nft).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { applyNetProfile, NET_PROFILES, type NetPath } from '../net-profile.ts';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).toString();
const SHAPED = 8080;
const SPARED = 8188;
const UDP_SINK = 9000;
const BODY_BYTES = 384 * 1024;

/** Inside the namespace: HTTP on both ports answering BODY_BYTES, a UDP sink whose count GET /udp answers. */
const LISTENER = `
const http = require('node:http'), dgram = require('node:dgram');
let udp = 0;
dgram.createSocket('udp4').on('message', () => udp++).bind(${UDP_SINK}, '0.0.0.0');
const body = Buffer.alloc(${BODY_BYTES}, 120);
for (const p of [${SHAPED}, ${SPARED}]) http.createServer((req, res) => {
  if (req.url === '/udp') return res.end(String(udp));
  res.end(body);
}).listen(p, '0.0.0.0');
setTimeout(() => console.log('ready'), 300);
`;

describe('network profiles on a veth pair (infra/net-profile.ts)', () => {
  const id = randomBytes(3).toString('hex');
  // Not "vident-*": infra/janus-host.ts removes idle namespaces of that name.
  const ns = `vnp-${id}`;
  const netPath: NetPath = { namespace: ns, innerInterface: `vnp${id}n`, outerInterface: `vnp${id}h`, sparePorts: [SPARED] };
  let nsAddress = '';
  let listener: ChildProcess | undefined;

  /** What a profile could leave: htb roots on either end, our tables, a lowered GSO size. */
  const leftovers = () => ({
    inner: ip('netns', 'exec', ns, 'tc', 'qdisc', 'show', 'dev', netPath.innerInterface).includes('htb'),
    outer: execFileSync('tc', ['qdisc', 'show', 'dev', netPath.outerInterface]).toString().includes('htb'),
    tables: ip('netns', 'exec', ns, 'nft', 'list', 'tables').match(/vident_np_\w+/g) ?? [],
    gso: [JSON.parse(ip('-n', ns, '-d', '-j', 'link', 'show', netPath.innerInterface))[0].gso_max_size, JSON.parse(ip('-d', '-j', 'link', 'show', netPath.outerInterface))[0].gso_max_size],
  });
  const clean = { inner: false, outer: false, tables: [], gso: [65536, 65536] };

  /** Seconds and Mbit/s of one download of BODY_BYTES from `port` in the namespace, on a new connection. */
  const download = async (port: number) => {
    const started = performance.now();
    const bytes = await new Promise<number>((resolve, reject) => {
      // A connection of its own (no keep-alive): a socket opened before the profile keeps its 64 KB GSO size.
      http.get({ host: nsAddress, port, path: '/', agent: false }, (res) => {
        let n = 0;
        res.on('data', (chunk: Buffer) => (n += chunk.length));
        res.on('end', () => resolve(n));
      }).on('error', reject);
    });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(bytes, BODY_BYTES);
    return { seconds, mbit: (bytes * 8) / seconds / 1e6 };
  };

  /** Datagrams of `count` sent into the namespace (paced) that its sink counted. */
  const udpArriving = async (count: number): Promise<number> => {
    const read = () =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: nsAddress, port: SPARED, path: '/udp', agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.on('end', () => resolve(Number(text)));
        }).on('error', reject);
      });
    const before = await read();
    const socket = dgram.createSocket('udp4');
    for (let i = 0; i < count; i++) {
      await new Promise<void>((r) => socket.send('x', UDP_SINK, nsAddress, () => r()));
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
    }
    socket.close();
    await new Promise((r) => setTimeout(r, 300));
    return (await read()) - before;
  };

  before(async () => {
    const used = ip('-4', '-o', 'addr') + ip('-4', 'route');
    const taken = new Set([...used.matchAll(/\b10\.214\.(\d{1,3})\./g)].map((m) => Number(m[1])));
    const free = Array.from({ length: 254 }, (_, i) => i + 1).filter((n) => !taken.has(n));
    const n = free[Math.floor(Math.random() * free.length)]!;
    nsAddress = `10.214.${n}.1`;
    ip('netns', 'add', ns);
    ip('link', 'add', netPath.outerInterface, 'type', 'veth', 'peer', 'name', netPath.innerInterface, 'netns', ns);
    ip('addr', 'add', `10.214.${n}.2/30`, 'dev', netPath.outerInterface);
    ip('link', 'set', netPath.outerInterface, 'up');
    ip('-n', ns, 'addr', 'add', `${nsAddress}/30`, 'dev', netPath.innerInterface);
    ip('-n', ns, 'link', 'set', netPath.innerInterface, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTENER], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      listener!.once('exit', (code) => reject(new Error(`listener exited (${code})`)));
      listener!.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        if (chunk.includes('ready')) resolve();
      });
    });
  });

  after(() => {
    listener?.kill('SIGKILL');
    try {
      // Deleting the namespace removes the veth pair (both ends) with everything on it.
      ip('netns', 'delete', ns);
    } catch {
      /* never created */
    }
  });

  test('every profile is applied and removed without a qdisc, a table or a GSO change left behind; removing twice is fine', async () => {
    assert.deepEqual(leftovers(), clean);
    for (const [name, profile] of Object.entries(NET_PROFILES)) {
      const applied = await applyNetProfile(netPath, profile);
      try {
        const now = leftovers();
        const rate = 'rateKbit' in profile;
        const loss = 'lossPercent' in profile;
        assert.equal(now.inner, rate, `${name}: htb inside`);
        assert.equal(now.outer, rate, `${name}: htb outside`);
        assert.deepEqual(now.tables, loss ? [applied.nftTable] : [], `${name}: table`);
        if (rate || loss) assert.deepEqual(now.gso, [1500, 1500], `${name}: one wire packet per drop`);
      } finally {
        await applied.remove();
      }
      await applied.remove();
      assert.deepEqual(leftovers(), clean, `${name} left something`);
    }
  });

  test('a profile that fails half-way (an interface that does not exist) removes what it made before it throws', async () => {
    await assert.rejects(applyNetProfile({ ...netPath, outerInterface: `vnp${id}x` }, NET_PROFILES.congested));
    assert.deepEqual(leftovers(), clean);
  });

  test('the loss rule drops about its share (50 % here), and nothing without it', async () => {
    assert.equal(await udpArriving(200), 200, 'the control: every datagram arrives');
    const applied = await applyNetProfile(netPath, { lossPercent: 50 });
    try {
      const arrived = await udpArriving(400);
      assert.ok(arrived > 120 && arrived < 280, `${arrived}/400 arrived with 50 % loss`);
      assert.ok((await applied.dropped()) >= 400 - arrived, 'the counter saw the drops');
    } finally {
      await applied.remove();
    }
    assert.equal(await udpArriving(200), 200, 'after removal every datagram arrives again');
  });

  test('3g caps a download near 1.5 Mbit/s; Janus API port and the unshaped path are not capped', async () => {
    const unshaped = await download(SHAPED);
    assert.ok(unshaped.mbit > 10, `unshaped ${unshaped.mbit.toFixed(1)} Mbit/s`);
    const applied = await applyNetProfile(netPath, NET_PROFILES['3g']);
    try {
      const shaped = await download(SHAPED);
      assert.ok(shaped.mbit > 0.9 && shaped.mbit < 1.7, `3g: ${shaped.mbit.toFixed(2)} Mbit/s`);
      const spared = await download(SPARED);
      assert.ok(spared.mbit > 10, `spared port: ${spared.mbit.toFixed(1)} Mbit/s`);
    } finally {
      await applied.remove();
    }
  });
});
