/*
 * Renders infra/media-node/nftables.conf for one media node. Pure: the caller reads the ports
 * from the node's files (see configure-node.ts), this only validates and substitutes.
 */
import { isIP } from 'node:net';
import type { PortRange } from './janus-config.ts';

export interface FirewallSettings {
  /** Janus's rtp_port_range: the ICE-TCP media ports. */
  rtpPorts: PortRange;
  /** Janus's websocket API ports: named in a comment only (they stay closed). */
  janusWsPorts: number[];
  sshPort: number;
  sidecarPort: number;
  /** Addresses (CIDR or single IP) allowed to reach the sidecar; empty = any. */
  controlPlaneSources: string[];
  /**
   * The TURN servers' relay addresses (coturn's relay-ip): the only sources whose UDP may reach,
   * and the only destinations UDP may leave for, Janus's media ports. Browsers relay through TURN
   * over UDP on that leg only; participants themselves never send UDP. Empty = no UDP at all.
   */
  turnRelaySources?: string[];
}

/** Splits and validates a list of sources such as CONTROL_PLANE_SOURCES ("203.0.113.0/24, 2001:db8::/32"). */
export function parseSources(text: string, variable = 'CONTROL_PLANE_SOURCES'): string[] {
  const sources = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const source of sources) {
    const [address = '', prefix, extra] = source.split('/');
    const family = isIP(address);
    const maxPrefix = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || extra !== undefined || !prefixOk) {
      throw new Error(`${variable}: "${source}" is not an IP address or CIDR`);
    }
  }
  return sources;
}

function checkPort(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${what}: ${n} is not a TCP port`);
  return n;
}

/** The nft rule lines that open the sidecar's port (only to the control plane when sources are given). */
export function sidecarRules(port: number, sources: string[]): string[] {
  const indent = '\t\t';
  if (sources.length === 0) return [`${indent}tcp dport ${port} accept`];
  const v4 = sources.filter((s) => isIP(s.split('/')[0]!) === 4);
  const v6 = sources.filter((s) => isIP(s.split('/')[0]!) === 6);
  const rules: string[] = [];
  if (v4.length) rules.push(`${indent}tcp dport ${port} ip saddr { ${v4.join(', ')} } accept`);
  if (v6.length) rules.push(`${indent}tcp dport ${port} ip6 saddr { ${v6.join(', ')} } accept`);
  return rules;
}

/** Rules admitting the TURN relay leg: UDP between the relays and Janus's media ports, nothing else. */
export function turnRelayRules(rtp: string, sources: string[]): { inbound: string[]; outbound: string[] } {
  const indent = '\t\t';
  const inbound: string[] = [];
  const outbound: string[] = [];
  for (const [family, match] of [[4, 'ip'], [6, 'ip6']] as const) {
    const set = sources.filter((s) => isIP(s.split('/')[0]!) === family);
    if (set.length === 0) continue;
    inbound.push(`${indent}udp dport ${rtp} ${match} saddr { ${set.join(', ')} } accept`);
    outbound.push(`${indent}udp sport ${rtp} ${match} daddr { ${set.join(', ')} } accept`);
  }
  return { inbound, outbound };
}

/** Substitutes the template's {{PLACEHOLDERS}}; an unknown one is an error. */
export function renderFirewall(template: string, s: FirewallSettings): string {
  const rtp = `${checkPort(s.rtpPorts.min, 'rtp_port_range')}-${checkPort(s.rtpPorts.max, 'rtp_port_range')}`;
  const sidecar = checkPort(s.sidecarPort, 'SIDECAR_PORT');
  const ssh = checkPort(s.sshPort, 'SSH_PORT');
  if (sidecar === ssh || (sidecar >= s.rtpPorts.min && sidecar <= s.rtpPorts.max)) {
    throw new Error(`SIDECAR_PORT ${sidecar} collides with the ssh port or Janus's media ports`);
  }
  const values: Record<string, string> = {
    RTP_PORTS: rtp,
    SSH_PORT: String(ssh),
    JANUS_WS_PORTS: s.janusWsPorts.join(', '),
    SIDECAR_RULES: sidecarRules(sidecar, parseSources(s.controlPlaneSources.join(','))).join('\n'),
  };
  const relay = turnRelayRules(rtp, parseSources((s.turnRelaySources ?? []).join(','), 'TURN_RELAY_SOURCES'));
  values.TURN_RELAY_IN = relay.inbound.length ? relay.inbound.join('\n') : '\t\t# (no TURN_RELAY_SOURCES: no UDP at all)';
  values.TURN_RELAY_OUT = relay.outbound.length ? relay.outbound.join('\n') : '\t\t# (no TURN_RELAY_SOURCES: no UDP at all)';
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`nftables template uses unknown {{${key}}}`);
    return value;
  });
}
