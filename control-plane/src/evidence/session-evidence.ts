import type { ArtifactView, CaptureKind, UploadedPart, UploadStart } from '@vident/protocol';
import { RpcTarget } from 'cloudflare:workers';
import type { Caller } from '../base/caller.ts';
import type { Failure } from '../base/http-error.ts';
import { actorOf } from '../session/audit-input.ts';
import type { StoredPart } from './artifact-store.ts';
import type { BankCall, EvidenceLifecycle } from './evidence-lifecycle.ts';
import type { ArtifactsResult, CaptureInput, CompletePlan, EvidenceRpc, StartedUpload } from './evidence-rpc.ts';
import type { EvidenceUploads } from './evidence-uploads.ts';

/** What the evidence calls need of their session: its evidence logic and its one-at-a-time queue. */
export interface EvidenceHost {
  readonly uploads: EvidenceUploads;
  readonly evidence: EvidenceLifecycle;
  /** Evidence steps must not interleave with the session's other operations. */
  serialized<T>(fn: () => Promise<T>): Promise<T>;
}

const bankCall = (caller: Caller | undefined): BankCall => ({ actor: actorOf(caller), from: caller?.from ?? null });

/**
 * A session's evidence calls, as the session's Durable Object hands them out (`stub.evidence()`).
 * Each runs in the session's one-at-a-time queue; the decisions are EvidenceUploads' and
 * EvidenceLifecycle's, the bytes stream in the Worker.
 */
export class SessionEvidence extends RpcTarget implements EvidenceRpc {
  constructor(private readonly session: EvidenceHost) {
    super();
  }

  startUpload(nodeId: string, start: UploadStart): Promise<StartedUpload | Failure> {
    return this.session.serialized(() => this.session.uploads.start(nodeId, start));
  }

  partReceived(nodeId: string, artifactId: string, uploadId: string, part: StoredPart): Promise<{ ok: true; part: UploadedPart } | Failure> {
    return this.session.serialized(() => this.session.uploads.partReceived(nodeId, artifactId, uploadId, part));
  }

  restartUpload(nodeId: string, artifactId: string, uploadId: string): Promise<{ ok: true } | Failure> {
    return this.session.serialized(() => this.session.uploads.restartUpload(nodeId, artifactId, uploadId));
  }

  prepareComplete(nodeId: string, artifactId: string): Promise<CompletePlan | Failure> {
    return this.session.serialized(() => this.session.uploads.prepareComplete(nodeId, artifactId));
  }

  finishComplete(nodeId: string, artifactId: string, actual: { sha256: string; size: number } | null): Promise<{ ok: true; artifact: ArtifactView } | Failure> {
    return this.session.serialized(() => this.session.uploads.finishComplete(nodeId, artifactId, actual));
  }

  stillRequestOpen(requestId: string, capture: CaptureKind): Promise<{ ok: true } | Failure> {
    return this.session.serialized(async () => this.session.uploads.stillRequestOpen(requestId, capture));
  }

  addCapture(input: CaptureInput): Promise<{ ok: true; artifact: ArtifactView } | Failure> {
    return this.session.serialized(() => this.session.uploads.addCapture(input));
  }

  list(caller?: Caller): Promise<ArtifactsResult> {
    return this.session.serialized(() => this.session.evidence.list(bankCall(caller)));
  }

  pack(baseUrl: string, caller?: Caller): Promise<{ ok: true; json: string } | Failure> {
    return this.session.serialized(() => this.session.evidence.pack(bankCall(caller), baseUrl));
  }

  remove(caller?: Caller): Promise<ArtifactsResult> {
    return this.session.serialized(() => this.session.evidence.removeByBank(bankCall(caller)));
  }

  downloadTarget(artifactId: string, from: string | null): Promise<{ ok: true; objectKey: string; fileName: string; size: number } | Failure> {
    return this.session.serialized(() => this.session.evidence.download(artifactId, from));
  }
}
