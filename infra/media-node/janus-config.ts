/*
 * Renders the janus-config/*.template files: the one substitution used for a production media
 * node (install.sh, through configure-node.ts) and meant for the local Janus host too
 * (infra/janus-host.ts has the same logic privately; it can import this instead).
 * Pure: text in, text out. No I/O here, so it is tested directly.
 */

/** The Janus configuration files vident ships, as named in janus-config/ without `.template`. */
export const JANUS_CONFIG_FILES = ['janus.jcfg', 'janus.plugin.videoroom.jcfg', 'janus.plugin.echotest.jcfg', 'janus.transport.websockets.jcfg'] as const;
export type JanusConfigFile = (typeof JANUS_CONFIG_FILES)[number];

/** Every {{PLACEHOLDER}} the templates use. */
export interface JanusConfigValues {
  /** Where the rendered files live at run time (Janus's configs_folder), e.g. /etc/vident/janus. */
  CONFIG_DIR: string;
  SERVER_NAME: string;
  API_SECRET: string;
  ADMIN_SECRET: string;
  /** VideoRoom admin_key: needed to create rooms. */
  ADMIN_KEY: string;
  /** The only interface ICE gathers candidates on (ice_enforce_list). */
  ICE_INTERFACE: string;
  /** The address in SDP c= lines (the public one). */
  JANUS_ADDRESS: string;
  /** The only address the websocket API and admin API bind to: loopback, or a private one. */
  JANUS_API_ADDRESS: string;
}

/** Quotes a value for a libconfig (jcfg) string literal. */
export function jcfgString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Substitutes every {{KEY}} of one template. An unknown placeholder is an error rather than an
 * empty string: a template that grew a placeholder must not render into a silently broken config.
 */
export function renderJanusTemplate(name: string, template: string, values: JanusConfigValues): string {
  const known = values as unknown as Record<string, string | undefined>;
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = known[key];
    if (value === undefined) throw new Error(`janus-config template ${name} uses unknown {{${key}}}`);
    // A newline would end the jcfg string and open the door to injected settings.
    if (/[\r\n]/.test(value)) throw new Error(`janus-config value for {{${key}}} contains a line break`);
    return jcfgString(value);
  });
}

/** An inclusive port range, as in Janus's `rtp_port_range = "20000-20100"`. */
export interface PortRange {
  min: number;
  max: number;
}

function port(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${what}: ${text} is not a TCP/UDP port`);
  return n;
}

/**
 * Reads `rtp_port_range` from janus.jcfg. It bounds the ICE-TCP passive ports too, so it is the
 * only media range the firewall opens: read it from the config rather than repeating it.
 */
export function rtpPortRange(janusJcfg: string): PortRange {
  const m = /^\s*rtp_port_range\s*=\s*"(\d+)-(\d+)"/m.exec(janusJcfg);
  if (!m) throw new Error('janus.jcfg has no rtp_port_range = "min-max"');
  const range = { min: port(m[1]!, 'rtp_port_range'), max: port(m[2]!, 'rtp_port_range') };
  if (range.min > range.max) throw new Error(`rtp_port_range ${range.min}-${range.max} is empty`);
  return range;
}

/** The websocket API ports of janus.transport.websockets.jcfg (kept closed by the firewall). */
export function websocketPorts(websocketsJcfg: string): { ws: number; adminWs: number } {
  const find = (key: string): number => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*(\\d+)`, 'm').exec(websocketsJcfg);
    if (!m) throw new Error(`janus.transport.websockets.jcfg has no ${key}`);
    return port(m[1]!, key);
  };
  return { ws: find('ws_port'), adminWs: find('admin_ws_port') };
}
