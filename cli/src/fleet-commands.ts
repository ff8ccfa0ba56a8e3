import { createAdminClient, describeIssues, NodeEnrolment, NodeId, SessionId, type FleetNode } from '@vident/protocol';
import { UsageError } from './cli-error.ts';
import { emit, type CliIo } from './cli-io.ts';
import { adminCredentials } from './credentials.ts';
import { formatNodes, formatSessions, formatTimeline } from './fleet-table.ts';

export interface FleetArgs {
  group: 'nodes' | 'sessions';
  command: string | undefined;
  target: string | undefined;
  stateDir: string | undefined;
  node: string | undefined;
  /** enrol: the node's Ed25519 public key (install.sh prints it), its command URL and region. */
  publicKey?: string | undefined;
  url?: string | undefined;
  region?: string | undefined;
}

/** Checks a nodes/sessions command line before any credential or network is touched. */
export function checkFleetArgs(a: FleetArgs): void {
  const known = a.group === 'nodes' ? ['list', 'enrol', 'revoke', 'drain', 'undrain'] : ['list', 'timeline'];
  if (!a.command || !known.includes(a.command)) throw new UsageError(`vident ${a.group}: one of ${known.join(', ')}`);
  const needsTarget = a.command !== 'list';
  if (needsTarget && !a.target) throw new UsageError(`vident ${a.group} ${a.command} needs an id`);
  if (!needsTarget && a.target) throw new UsageError(`vident ${a.group} list takes no argument (got ${a.target})`);
  if (a.group === 'nodes' && needsTarget && !NodeId.safeParse(a.target).success) throw new UsageError(`not a node id: ${a.target}`);
  if (a.group === 'sessions' && needsTarget && !SessionId.safeParse(a.target).success) throw new UsageError(`not a session id: ${a.target}`);
  if (a.node !== undefined && !(a.group === 'sessions' && a.command === 'list')) throw new UsageError('--node goes with vident sessions list');
  const enrolling = a.group === 'nodes' && a.command === 'enrol';
  if (!enrolling && (a.publicKey ?? a.url ?? a.region) !== undefined) throw new UsageError('--public-key, --url and --region go with vident nodes enrol');
  if (enrolling) enrolmentOf(a);
}

function enrolmentOf(a: FleetArgs): NodeEnrolment {
  if (!a.publicKey || !a.url) throw new UsageError('vident nodes enrol needs --public-key and --url');
  const parsed = NodeEnrolment.safeParse({ nodeId: a.target, publicKey: a.publicKey, url: a.url, ...(a.region ? { region: a.region } : {}) });
  if (!parsed.success) throw new UsageError(`vident nodes enrol: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** `vident nodes ...` and `vident sessions ...` against the admin API (with --json: the API's answer). */
export async function runFleet(a: FleetArgs, io: CliIo): Promise<number> {
  checkFleetArgs(a);
  const client = createAdminClient({ ...adminCredentials(a.stateDir, io.env), ...(io.fetch ? { fetch: io.fetch } : {}) });
  const target = a.target!;
  if (a.group === 'nodes') {
    if (a.command === 'list') {
      const fleet = await client.nodes();
      emit(io, fleet, () => [formatNodes(fleet.nodes)]);
    } else if (a.command === 'enrol') {
      const node = await client.enrolNode(enrolmentOf(a));
      emit(io, node, () => [
        `${node.nodeId} enrolled: commands go to ${node.url} (region ${node.region}); it may register now`,
        `pin the control plane's key on the node: CONTROL_PLANE_PUBLIC_KEY=${node.controlPlanePublicKey}`,
      ]);
    } else if (a.command === 'revoke') {
      const node = await client.revokeNode(target);
      emit(io, node, () => [`${node.nodeId} revoked at ${node.revokedAt}: its requests are refused and its sessions move to other nodes`]);
    } else {
      const node = a.command === 'drain' ? await client.drainNode(target) : await client.undrainNode(target);
      emit(io, node, () => drainText(node));
    }
    return 0;
  }
  if (a.command === 'list') {
    const live = await client.sessions(a.node ? { nodeId: a.node } : {});
    emit(io, live, () => [formatSessions(live.sessions)]);
  } else {
    const timeline = await client.sessionTimeline(target);
    emit(io, timeline, () => [formatTimeline(timeline)]);
  }
  return 0;
}

function drainText(node: FleetNode): string[] {
  const lines = [formatNodes([node])];
  if (node.status === 'draining') lines.push(`${node.nodeId} takes no new sessions; it is drained (safe to stop) once its ${node.assignedSessions} session(s) end`);
  if (node.status === 'drained') lines.push(`${node.nodeId} is drained: safe to stop`);
  return lines;
}
