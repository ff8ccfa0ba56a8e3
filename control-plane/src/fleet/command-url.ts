import type { Config } from '../base/config.ts';

/**
 * Why a node's command URL may not be used, or null: commands carry SDP (DTLS fingerprints,
 * candidates), so they travel over https except on a local stack (ALLOW_HTTP_NODE_URLS).
 */
export function commandUrlProblem(url: string, config: Pick<Config, 'allowHttpNodeUrls'>): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && config.allowHttpNodeUrls) return null;
  return 'must be an https URL (http only on a local stack with ALLOW_HTTP_NODE_URLS=true)';
}
