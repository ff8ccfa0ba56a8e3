import type { ArtifactView, CaptureKind, CaptureSource, UploadedPart, UploadStart, UploadStatus } from '@vident/protocol';
import type { Caller } from '../base/caller.ts';
import type { Failure } from '../base/http-error.ts';
import type { StoredPart } from './artifact-store.ts';

/*
 * The evidence calls the Worker makes on a session (media node uploads, agent captures, the
 * bank's evidence API, signed downloads). Types only, so the bindings in env.ts can name them
 * without importing the session's code.
 */

/**
 * A started upload: where to resume, and while it is uploading the R2 upload its parts go to (the
 * Worker signs it into the part URLs, upload-url.ts).
 */
export type StartedUpload = { ok: true; status: UploadStatus; uploadId: string | null };

/** What completing needs: the R2 upload and its parts, or the artifact when already stored. */
export type CompletePlan =
  | { ok: true; done: ArtifactView }
  | { ok: true; done: null; objectKey: string; uploadId: string; parts: R2UploadedPart[] };

/** A capture (the agent's, or the customer's still it asked for), as the Worker stored and hashed it. */
export interface CaptureInput {
  artifactId: string;
  capture: CaptureKind;
  /** Who took it: the agent (`received_video`) or the customer's page (`customer_camera`). */
  source: CaptureSource;
  /** customer_camera: the agent's request it answers (still-requests.ts); null for the agent's own. */
  requestId: string | null;
  /** The pixel size the page declared (null: not given, the agent's page before issue 17). */
  width: number | null;
  height: number | null;
  contentType: string;
  size: number;
  sha256: string;
  bankKeyId: string;
  from: string | null;
}

export type ArtifactsResult = { ok: true; artifacts: ArtifactView[] } | Failure;

/**
 * The evidence calls on a session (`stub.evidence()`, an RpcTarget): the Worker streams the bytes,
 * these decide what counts.
 */
export interface EvidenceRpc extends Rpc.RpcTargetBranded {
  /** A node starts (or resumes) a recording upload. */
  startUpload(nodeId: string, start: UploadStart): Promise<StartedUpload | Failure>;
  /** A part is in R2 with this hash and size (the one session call of a part). */
  partReceived(nodeId: string, artifactId: string, uploadId: string, part: StoredPart): Promise<{ ok: true; part: UploadedPart } | Failure>;
  /** The R2 upload was lost: start the parts over. */
  restartUpload(nodeId: string, artifactId: string, uploadId: string): Promise<{ ok: true } | Failure>;
  /** What completing needs (or the artifact when already stored). */
  prepareComplete(nodeId: string, artifactId: string): Promise<CompletePlan | Failure>;
  /** The completed object's re-read hash and size (null: completing failed). */
  finishComplete(nodeId: string, artifactId: string, actual: { sha256: string; size: number } | null): Promise<{ ok: true; artifact: ArtifactView } | Failure>;
  /** Whether the customer may upload a still for this request now (checked again, and used up, by addCapture). */
  stillRequestOpen(requestId: string, capture: CaptureKind): Promise<{ ok: true } | Failure>;
  /** A capture was stored. */
  addCapture(input: CaptureInput): Promise<{ ok: true; artifact: ArtifactView } | Failure>;
  /** The bank lists the session's artifacts. */
  list(caller?: Caller): Promise<ArtifactsResult>;
  /** The signed evidence pack as JSON text (see EvidenceLifecycle.pack). */
  pack(baseUrl: string, caller?: Caller): Promise<{ ok: true; json: string } | Failure>;
  /** The bank deletes the session's evidence. */
  remove(caller?: Caller): Promise<ArtifactsResult>;
  /** A signed download link was followed: which object to stream. */
  downloadTarget(artifactId: string, from: string | null): Promise<{ ok: true; objectKey: string; fileName: string; size: number } | Failure>;
}
