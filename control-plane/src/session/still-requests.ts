import { STILL_REQUEST_TTL_MS, type CaptureKind } from '@vident/protocol';

/*
 * The agent's outstanding requests for a still from the customer's own camera (issue 17). The
 * customer's page may upload a capture only against one of these: without it, a customer's page
 * (or anyone holding the customer's link) could fill the evidence with images nobody asked for.
 * One request per kind (a newer one replaces it), each valid STILL_REQUEST_TTL_MS, each used once.
 * Pure: the relay and the evidence uploads keep the list in the session's record.
 */

export interface StillRequest {
  requestId: string;
  kind: CaptureKind;
  /** When the agent asked (ms since epoch). */
  at: number;
}

/** Whether a request still admits an upload at `now`. */
export function isOpen(request: StillRequest, now: number): boolean {
  return now - request.at < STILL_REQUEST_TTL_MS && now >= request.at;
}

/** The list after the agent asked for `kind`: lapsed requests and an earlier one of that kind are gone. */
export function addStillRequest(pending: readonly StillRequest[] | undefined, request: StillRequest): StillRequest[] {
  return [...(pending ?? []).filter((p) => p.kind !== request.kind && isOpen(p, request.at)), request];
}

/**
 * The open request an upload names, or null. The kind must match too: a request for the face
 * does not admit an ID side.
 */
export function openStillRequest(pending: readonly StillRequest[] | undefined, requestId: string, kind: CaptureKind | null, now: number): StillRequest | null {
  const found = (pending ?? []).find((p) => p.requestId === requestId);
  if (!found || !isOpen(found, now)) return null;
  if (kind !== null && found.kind !== kind) return null;
  return found;
}

/** The list without `requestId` (delivered or given up). */
export function withoutStillRequest(pending: readonly StillRequest[] | undefined, requestId: string): StillRequest[] {
  return (pending ?? []).filter((p) => p.requestId !== requestId);
}
