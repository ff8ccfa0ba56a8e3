import type { FleetNode, FleetStatus, NodeEnrolment, NodeHeartbeat, NodeHeartbeatAccepted, NodeRegistration, NodeRegistrationAccepted, NodeStatus } from '@vident/protocol';
import type { Failure } from '../base/http-error.ts';
import type { Enrolment } from './node-enrolments.ts';

/** Where a session was placed. */
export interface Placement {
  nodeId: string;
  url: string;
}

export type FleetNodeResult = { ok: true; node: FleetNode } | Failure;
export type EnrolmentResult = { ok: true; enrolment: Enrolment } | Failure;
export type RegistrationResult = ({ ok: true } & NodeRegistrationAccepted) | Failure;

/**
 * What the Worker and the sessions may call on the MediaNodeRegistry. An interface apart from the
 * class so env.ts can type the binding without importing the Durable Object (which imports env.ts).
 */
export interface MediaNodeRegistryRpc extends Rpc.DurableObjectBranded {
  /** The platform team enrols a node: its id, public key, command URL and region. */
  enrol(e: Required<NodeEnrolment>, now?: number): Promise<EnrolmentResult>;
  /** Cuts a node off at once (its sessions move as for a dead node). */
  revoke(nodeId: string, now?: number): Promise<EnrolmentResult>;
  /** A usable node's enrolment (key, pinned URL), or node_not_enrolled / key_revoked. */
  enrolment(nodeId: string): Promise<EnrolmentResult>;
  /** An enrolled media node (re)registers at its enrolled URL. */
  register(reg: NodeRegistration, now?: number): Promise<RegistrationResult>;
  /** Records the node's reported load; the answer tells a draining node whether it is empty yet. */
  heartbeat(nodeId: string, beat: NodeHeartbeat, now?: number): Promise<NodeHeartbeatAccepted | Failure>;
  /** Places a new session on a live node with a free slot (null: none has room). */
  place(sessionId: string, now?: number, region?: string): Promise<Placement | null>;
  /** Moves a session off `fromNodeId` to another node (null: none has room). */
  reassign(sessionId: string, fromNodeId: string, cause?: string, now?: number, region?: string): Promise<Placement | null>;
  /** Frees the session's slot. Idempotent. */
  release(sessionId: string): Promise<void>;
  /** Marks the node draining: no new sessions; the ones it has finish where they are. */
  drain(nodeId: string, now?: number): Promise<FleetNodeResult>;
  /** Puts a draining (or drained) node back in service. */
  undrain(nodeId: string, now?: number): Promise<FleetNodeResult>;
  /** The bank's summary (GET /v1/status): no addresses, no reported load. */
  status(now?: number): Promise<NodeStatus[]>;
  /** Everything the platform team sees about the fleet (GET /v1/admin/nodes). */
  fleet(now?: number): Promise<FleetStatus>;
}
