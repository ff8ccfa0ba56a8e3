/*
 * Wire constants both ends of a connection must agree on, kept once: WebSocket subprotocols,
 * the control plane's signing key id, and the paths one process calls on another.
 */

/** The participant socket's subprotocol; the server selects it, the browser offers it with its token. */
export const SIGNALING_SUBPROTOCOL = 'vident.v1';
/** Prefix of the subprotocol that carries a participant token (never in a query string: access logs). */
export const PARTICIPANT_TOKEN_PROTOCOL_PREFIX = 'vident-token.';
/** The agent console's socket subprotocol. */
export const DESK_SUBPROTOCOL = 'vident-desk.v1';
/** Prefix of the subprotocol that carries a desk token. */
export const DESK_TOKEN_PROTOCOL_PREFIX = 'vident-desk-token.';

/** The subprotocols a browser offers for its session socket. */
export function sessionSocketProtocols(token: string): string[] {
  return [SIGNALING_SUBPROTOCOL, `${PARTICIPANT_TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** The subprotocols an agent console offers for its desk socket. */
export function deskSocketProtocols(token: string): string[] {
  return [DESK_SUBPROTOCOL, `${DESK_TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** The key id the control plane signs its commands to media nodes with. */
export const CONTROL_PLANE_KEY_ID = 'control-plane';

/** Paths of the media node's command API (control plane -> sidecar). */
export const NODE_COMMANDS_PATH = '/v1/commands';

/** Paths of the control plane's node API (sidecar -> control plane), mounted under `/v1/nodes`. */
export const NodeApiPaths = {
  register: '/v1/nodes/register',
  heartbeat: (nodeId: string) => `/v1/nodes/${encodeURIComponent(nodeId)}/heartbeat`,
  events: (nodeId: string) => `/v1/nodes/${encodeURIComponent(nodeId)}/events`,
  uploads: (nodeId: string) => `/v1/nodes/${encodeURIComponent(nodeId)}/uploads`,
  uploadPart: (nodeId: string, artifactId: string, partNumber: number) =>
    `/v1/nodes/${encodeURIComponent(nodeId)}/uploads/${encodeURIComponent(artifactId)}/parts/${partNumber}`,
  uploadComplete: (nodeId: string, artifactId: string) =>
    `/v1/nodes/${encodeURIComponent(nodeId)}/uploads/${encodeURIComponent(artifactId)}/complete`,
} as const;

/** The query parameter that opens a participant's socket on standby (SessionBrowserPaths.standbySocket). */
export const STANDBY_QUERY = 'standby';

/** Browser routes of a session (authenticated by a token in Authorization). */
export const SessionBrowserPaths = {
  socket: (sessionId: string) => `/v1/sessions/${encodeURIComponent(sessionId)}/ws`,
  /**
   * The socket opened before the participant joins (issue 16, connect-then-join): the session
   * accepts it without announcing the participant and relays nothing to it until it sends `join`.
   */
  standbySocket: (sessionId: string) => `/v1/sessions/${encodeURIComponent(sessionId)}/ws?${STANDBY_QUERY}=1`,
  captures: (sessionId: string) => `/v1/sessions/${encodeURIComponent(sessionId)}/captures`,
  probe: (sessionId: string) => `/v1/sessions/${encodeURIComponent(sessionId)}/probe`,
  probeResult: (sessionId: string, probeId: string) =>
    `/v1/sessions/${encodeURIComponent(sessionId)}/probe/${encodeURIComponent(probeId)}/result`,
  /** The customer's pre-call signals for the funnel (link opened, permission refused). */
  precheck: (sessionId: string) => `/v1/sessions/${encodeURIComponent(sessionId)}/precheck`,
} as const;
