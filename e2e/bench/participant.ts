/*
 * A vident participant without a browser: the WebSocket a join page opens (subprotocols
 * `vident.v1` and `vident-token.<token from the link's #token= fragment>`), server frames checked
 * against the protocol's ServerMessage schema.
 */
import { ServerMessage } from '@vident/protocol';
import { JsonSocket, type Arrival } from './json-socket.ts';

export function tokenOf(joinUrl: string): string {
  const token = new URL(joinUrl).hash.replace(/^#token=/, '');
  if (!token) throw new Error('join link without a token');
  return token;
}

/** Matches a valid server frame of one type (and optionally more). */
export function serverFrame(type: ServerMessage['type'], also: (m: ServerMessage) => boolean = () => true) {
  return (data: unknown): boolean => {
    const parsed = ServerMessage.safeParse(data);
    return parsed.success && parsed.data.type === type && also(parsed.data);
  };
}

export interface Joined {
  socket: JsonSocket;
  welcome: Arrival;
}

/** Connects a participant to its session's Durable Object and waits for `welcome`. */
export async function joinSession(baseUrl: string, sessionId: string, joinUrl: string, timeoutMs = 10_000): Promise<Joined> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/v1/sessions/${encodeURIComponent(sessionId)}/ws`;
  const socket = await JsonSocket.connect(url, ['vident.v1', `vident-token.${tokenOf(joinUrl)}`], timeoutMs);
  if (socket.ws.protocol !== 'vident.v1') throw new Error(`server chose subprotocol "${socket.ws.protocol}"`);
  const welcome = await socket.next(serverFrame('welcome'), 'welcome', timeoutMs);
  return { socket, welcome };
}

/** `error` frames a participant got and nobody waited for: each one is a benchmark error. */
export function errorFrames(socket: JsonSocket): string[] {
  return socket.untaken().flatMap((data) => {
    const parsed = ServerMessage.safeParse(data);
    if (!parsed.success) return ['an invalid server frame'];
    return parsed.data.type === 'error' ? [`${parsed.data.code}: ${parsed.data.message}`] : [];
  });
}
