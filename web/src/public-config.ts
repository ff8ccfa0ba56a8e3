import { PublicConfig } from '@vident/protocol';
import type { ConfigAnswer } from './config-answer.ts';

/** What the page takes from `GET /v1/config`. */
export interface PageConfig {
  iceTransportPolicy: RTCIceTransportPolicy;
  /** The bank's public key (SPKI PEM) that seals the agent's captures; null when not configured. */
  evidencePublicKey: string | null;
}

/** Used when the config cannot be read: calls still work, captures are disabled (no key). */
export const FALLBACK_CONFIG: PageConfig = { iceTransportPolicy: 'all', evidencePublicKey: null };

/** Interprets the config answer; anything odd falls back so a call can still start. */
export function interpretConfig(status: number, body: unknown): { config: PageConfig; problem: string | null } {
  if (status < 200 || status >= 300) return { config: FALLBACK_CONFIG, problem: `HTTP ${status}` };
  const parsed = PublicConfig.safeParse(body);
  if (!parsed.success) return { config: FALLBACK_CONFIG, problem: 'answer not understood' };
  const { iceTransportPolicy, evidencePublicKey } = parsed.data;
  return { config: { iceTransportPolicy, evidencePublicKey }, problem: null };
}

/** The config from `GET /v1/config` as it came (config-answer.ts); a missing or odd answer falls back to defaults (logged, not shown). */
export function readConfig(answer: ConfigAnswer): PageConfig {
  if (answer.failure !== undefined) {
    console.warn('vident: /v1/config unavailable; using defaults', answer.failure);
    return FALLBACK_CONFIG;
  }
  const { config, problem } = interpretConfig(answer.status, answer.body);
  if (problem !== null) console.warn(`vident: /v1/config ${problem}; using defaults`);
  return config;
}
