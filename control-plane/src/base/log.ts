/**
 * One structured log line. Callers pass identifiers and outcomes only: never a secret, a token,
 * an SDP or a candidate (they carry addresses).
 */
export function log(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...fields }));
}
