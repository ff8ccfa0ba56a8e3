import { SessionId, Timestamp } from '@vident/protocol';
import { z } from 'zod';

/**
 * Opaque page cursors of `GET /v1/sessions`: the sort key (createdAt, sessionId) of the last item
 * of the page, base64url JSON. Opaque to banks so the encoding may change; not secret (it only
 * names a session the caller has already seen), so it is not signed.
 */
export interface SessionCursor {
  createdAt: string;
  sessionId: string;
}

const CursorBody = z.strictObject({ c: Timestamp, s: SessionId });

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function encodeCursor(cursor: SessionCursor): string {
  return base64url(JSON.stringify({ c: cursor.createdAt, s: cursor.sessionId }));
}

/** The cursor's sort key, or null for anything that is not a cursor this module produced. */
export function decodeCursor(text: string): SessionCursor | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    const json: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    const parsed = CursorBody.safeParse(json);
    return parsed.success ? { createdAt: parsed.data.c, sessionId: parsed.data.s } : null;
  } catch {
    return null;
  }
}

/** ISO timestamps as the directory stores them (Date#toISOString), so they compare as strings. */
export function normalizeTimestamp(iso: string): string {
  return new Date(iso).toISOString();
}
