import { AdminSessionList, EnrolledNode, FleetNode, FleetStatus, SessionTimeline, type ListAdminSessionsQuery, type NodeEnrolment } from './admin-api.ts';
import { signedCaller } from './bank-client.ts';

export interface AdminClientOptions {
  baseUrl: string;
  /** An admin key id from ADMIN_API_KEYS (a bank key is refused). */
  keyId: string;
  secret: string;
  fetch?: typeof fetch;
}

/**
 * The platform team's typed client of the admin API: signs every request like the bank client
 * (with an admin key) and validates every answer; errors are VidentApiError with a stable code.
 */
export function createAdminClient(options: AdminClientOptions) {
  const call = signedCaller(options);
  const node = (nodeId: string) => `/v1/admin/nodes/${encodeURIComponent(nodeId)}`;

  return {
    /** Every registered media node with its load and derived status. */
    nodes: () => call('GET', '/v1/admin/nodes', FleetStatus),
    /** Enrols a media node (id, public key, command URL, region); answers it with the control plane's key to pin. */
    enrolNode: (enrolment: NodeEnrolment) => call('POST', '/v1/admin/nodes', EnrolledNode, enrolment),
    /** Cuts the node off at once; its sessions move elsewhere. Permanent for this id. */
    revokeNode: (nodeId: string) => call('POST', `${node(nodeId)}/revoke`, EnrolledNode),
    /** Stops placing sessions on the node; its calls finish. Answers the node, now draining (or drained). */
    drainNode: (nodeId: string) => call('POST', `${node(nodeId)}/drain`, FleetNode),
    undrainNode: (nodeId: string) => call('POST', `${node(nodeId)}/undrain`, FleetNode),
    /** Live sessions (created, waiting, in_call), newest first. */
    sessions: (query: ListAdminSessionsQuery = {}) => {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
      const qs = params.toString();
      return call('GET', `/v1/admin/sessions${qs ? `?${qs}` : ''}`, AdminSessionList);
    },
    sessionTimeline: (sessionId: string) => call('GET', `/v1/admin/sessions/${encodeURIComponent(sessionId)}/timeline`, SessionTimeline),
  };
}
export type AdminClient = ReturnType<typeof createAdminClient>;
