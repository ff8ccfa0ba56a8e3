import type { Locale, Role } from '@vident/protocol';
import type { Config } from '../base/config.ts';
import { mintToken } from './participant-token.ts';

/*
 * The participants' join links: what the bank hands out and the desk gives an agent. Apart from
 * create-session.ts so the desk can mint a link without pulling in session creation.
 */

/**
 * A join link. The token travels in the fragment: browsers never send fragments to servers, so
 * it stays out of every access log between the participant and us. `lang` (not secret) lets the
 * page speak the session's language before it has connected.
 */
export async function joinUrl(
  config: Config,
  baseUrl: string,
  sessionId: string,
  role: Role,
  expiresAt: number,
  locale: Locale,
  /** A desk agent's link names the agent and its assignment (agent-assignment.ts); the bank's does not. */
  agent?: { aid: string; asg: string },
): Promise<string> {
  const token = await mintToken(config.tokenSecret, { sid: sessionId, role, exp: Math.floor(expiresAt / 1000), ...agent });
  return `${baseUrl}/join?lang=${locale}#token=${token}`;
}

/** Both participants' join links of a session. */
export async function participantLinks(
  config: Config,
  baseUrl: string,
  sessionId: string,
  expiresAt: number,
  locale: Locale,
): Promise<{ customerUrl: string; agentUrl: string }> {
  return {
    customerUrl: await joinUrl(config, baseUrl, sessionId, 'customer', expiresAt, locale),
    agentUrl: await joinUrl(config, baseUrl, sessionId, 'agent', expiresAt, locale),
  };
}

/** PUBLIC_BASE_URL when set, else the origin the request came in on. */
export function baseUrlFor(config: Config, requestUrl: string): string {
  return config.publicBaseUrl ?? new URL(requestUrl).origin;
}
