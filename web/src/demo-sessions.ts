import * as z from 'zod/mini';
import { CreateSessionResponse, ErrorBody, SessionId } from '@vident/protocol';

/** One open session offered on the demo role-selection screen. */
export const DemoSession = z.object({
  sessionId: SessionId,
  customerName: z.optional(z.string()),
  state: z.optional(z.string()),
  customerUrl: z.string().check(z.minLength(1)),
  agentUrl: z.string().check(z.minLength(1)),
  expiresAt: z.optional(z.string()),
});
export type DemoSession = z.infer<typeof DemoSession>;

/** `GET /v1/demo/sessions` answers a bare array or `{ sessions: [...] }`; both are accepted. */
const DemoSessionList = z.union([z.array(DemoSession), z.object({ sessions: z.array(DemoSession) })]);

export type DemoListResult =
  | { kind: 'ok'; sessions: DemoSession[] }
  | { kind: 'disabled' }
  | { kind: 'error'; message: string };

/** Interprets the list response; 404 means demo mode is off on this deployment. */
export function interpretDemoList(status: number, body: unknown): DemoListResult {
  if (status === 404) return { kind: 'disabled' };
  if (status < 200 || status >= 300) return { kind: 'error', message: errorMessage(status, body) };
  const parsed = DemoSessionList.safeParse(body);
  if (!parsed.success) return { kind: 'error', message: 'unexpected response' };
  return { kind: 'ok', sessions: Array.isArray(parsed.data) ? parsed.data : parsed.data.sessions };
}

export type DemoCreateResult = { kind: 'ok'; session: CreateSessionResponse } | { kind: 'error'; message: string };

/** Interprets `POST /v1/demo/sessions` (a CreateSessionResponse on success). */
export function interpretDemoCreate(status: number, body: unknown): DemoCreateResult {
  if (status < 200 || status >= 300) return { kind: 'error', message: errorMessage(status, body) };
  const parsed = CreateSessionResponse.safeParse(body);
  return parsed.success ? { kind: 'ok', session: parsed.data } : { kind: 'error', message: 'unexpected response' };
}

/**
 * Where a participant URL leads on this page's own origin: the demo runs on whatever host the
 * browser used (127.0.0.1 vs localhost), which need not match the server's configured public URL.
 * Null for anything that is not an http(s) URL.
 */
export function sameOriginTarget(url: string, origin: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  return new URL(`${parsed.pathname}${parsed.search}${parsed.hash}`, origin).toString();
}

function errorMessage(status: number, body: unknown): string {
  const parsed = ErrorBody.safeParse(body);
  return parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : `HTTP ${status}`;
}
