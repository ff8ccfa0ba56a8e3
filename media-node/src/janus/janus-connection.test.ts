/*
 * Connecting to Janus: telling "Janus is not running" from "Janus is slow" on a real janode
 * connection attempt. The sidecar finishes a dead Janus's recordings at once on the first, and
 * waits out the reclaim window on the second (sessions/janus-continuity.ts); JanusConnection
 * passes the first on to it.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JanusConnection } from './janus-connection.ts';
import { janusRefusedConnection } from './janus-error.ts';
import { JanusGateway } from './janus-gateway.ts';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A loopback port that was just free: nothing listens there now. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function connectError(url: string): Promise<unknown> {
  return JanusGateway.connect({ url, apiSecret: 's', adminKey: 'k', requestTimeoutMs: 500 }).then(
    () => new Error('connected'),
    (err: unknown) => err,
  );
}

describe('janusRefusedConnection', () => {
  it('is true when nothing listens on the Janus address', async () => {
    const err = await connectError(`ws://127.0.0.1:${await closedPort()}`);
    expect(janusRefusedConnection(err)).toBe(true);
  });

  it('is false when something accepts the connection but Janus never answers', async () => {
    const server = net.createServer((socket) => sockets.push(socket));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const err = await connectError(`ws://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/timed out/);
    expect(janusRefusedConnection(err)).toBe(false);
  });
});

describe('JanusConnection', () => {
  it('tells the continuity that Janus is not running when the connection is refused, and keeps retrying until stopped', async () => {
    let notRunning = 0;
    let changes = 0;
    const connection = new JanusConnection({
      url: `ws://127.0.0.1:${await closedPort()}`,
      apiSecret: 's',
      adminKey: 'k',
      continuity: {
        reclaimSessionId: null,
        janusConnectionLost: () => undefined,
        janusNotRunning: () => void notRunning++,
        resume: async () => undefined,
      },
      onChange: () => void changes++,
      log: { info: () => undefined, warn: () => undefined },
    });
    const loop = connection.connect();
    for (let i = 0; i < 100 && notRunning < 2; i++) await new Promise((r) => setTimeout(r, 20));
    connection.stop();
    await loop;
    expect(notRunning).toBeGreaterThanOrEqual(2);
    expect(connection.up).toBe(false);
    expect(connection.gateway).toBeNull();
    expect(changes).toBe(0);
  });
});
