/*
 * Every janode request the facade makes goes through `bounded`: janode's plugin requests have no
 * timeout of their own, and janode rejects with several shapes (Errors, ws event objects, Janus
 * error responses) that become one JanusError here.
 */
import { JanusError } from './janus-error.ts';

/** Any janode rejection as a JanusError, with Janus's code when it gave one. */
export function toJanusError(err: unknown): JanusError {
  if (err instanceof JanusError) return err;
  // janode sometimes rejects with ws event objects rather than Errors.
  const raw = typeof err === 'object' && err !== null && 'message' in err ? (err as { message: unknown }).message : err;
  const message = typeof raw === 'string' && raw !== '' ? raw : 'janus unreachable';
  const code = (err as { _code?: unknown } | null)?._code;
  const leading = /^(\d{3})\s/.exec(message);
  const janusCode = typeof code === 'number' ? code : leading ? Number(leading[1]) : undefined;
  return new JanusError(message.slice(0, 500), janusCode);
}

/** Awaits one janode request for at most `timeoutMs`; any failure is a JanusError. */
export async function bounded<T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new JanusError(`janus ${what} timed out after ${timeoutMs} ms`, undefined)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    throw toJanusError(err);
  } finally {
    clearTimeout(timer);
  }
}
