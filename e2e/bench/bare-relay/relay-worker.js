/*
 * Bench fixture, never deployed: a Worker and a Durable Object that only forward frames between the
 * sockets of one room, with the same hibernation API the session object uses (ctx.acceptWebSocket,
 * webSocketMessage). The signaling bench's baseline: what a Durable Object relay costs by itself.
 */
import { DurableObject } from 'cloudflare:workers';

export class Relay extends DurableObject {
  async fetch(request) {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    const offered = request.headers.get('sec-websocket-protocol');
    const headers = offered ? { 'sec-websocket-protocol': offered.split(',')[0].trim() } : {};
    return new Response(null, { status: 101, webSocket: pair[0], headers });
  }

  webSocketMessage(ws, message) {
    for (const other of this.ctx.getWebSockets()) if (other !== ws) other.send(message);
  }

  webSocketClose(ws, code) {
    ws.close(code, 'bye');
  }
}

export default {
  /** /<room>: the room's relay object. */
  fetch(request, env) {
    const room = new URL(request.url).pathname.slice(1) || 'room';
    return env.RELAY.get(env.RELAY.idFromName(room)).fetch(request);
  },
};
