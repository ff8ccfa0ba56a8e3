/*
 * Serves the bare Janus page on 127.0.0.1 (a secure context, so getUserMedia works). The Janus
 * secrets come from /config.json rather than the URL, so they never show up in an error message
 * that quotes a page address. Only the room creator's page gets the admin key.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface BareJanusConfig {
  wsUrl: string;
  apiSecret: string;
  adminKey: string;
}

export interface BareJanusServer {
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/bare-janus.js': { file: 'bare-janus.js', type: 'text/javascript; charset=utf-8' },
};

export async function startBareJanusServer(config: BareJanusConfig): Promise<BareJanusServer> {
  const bodies = new Map(Object.entries(FILES).map(([path, f]) => [path, { body: readFileSync(join(import.meta.dirname, f.file)), type: f.type }]));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.setHeader('cache-control', 'no-store');
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === '/config.json') {
      const creator = url.searchParams.get('create') === '1';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ wsUrl: config.wsUrl, apiSecret: config.apiSecret, ...(creator ? { adminKey: config.adminKey } : {}) }));
      return;
    }
    const page = bodies.get(url.pathname);
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': page.type });
    res.end(page.body);
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => listening());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('bare Janus server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}
