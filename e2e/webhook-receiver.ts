/*
 * The bank's webhook endpoint for the e2e stack: a loopback HTTP server that keeps every delivery
 * exactly as it arrived (headers and the raw body) and answers 204. The tests read them back with
 * GET /deliveries: they run in workers, apart from the global setup that owns this server.
 */
import { createServer, type Server } from 'node:http';
import { WEBHOOK_HEADERS } from '@vident/protocol';

/** One POST the control plane made: the three Standard Webhooks headers and the body as sent. */
export interface WebhookDelivery {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
}

export interface WebhookReceiver {
  /** Where the control plane posts (WEBHOOK_URL). */
  url: string;
  /** Where the tests read what arrived. */
  deliveriesUrl: string;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : (value ?? ''));
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/deliveries') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(deliveries));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({
        id: header(request.headers[WEBHOOK_HEADERS.id]),
        timestamp: header(request.headers[WEBHOOK_HEADERS.timestamp]),
        signature: header(request.headers[WEBHOOK_HEADERS.signature]),
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('webhook receiver has no address');
  const base = `http://127.0.0.1:${address.port}`;
  return {
    url: `${base}/webhooks`,
    deliveriesUrl: `${base}/deliveries`,
    stop: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
