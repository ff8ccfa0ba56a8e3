import type { EvidenceUploadApi } from '../evidence/upload-outbox.ts';
import type { NodeMetrics } from './node-metrics.ts';

/** The upload API with every accepted part's bytes counted (vident_upload_bytes_total). */
export function countingUploadApi(api: EvidenceUploadApi, metrics: NodeMetrics): EvidenceUploadApi {
  return {
    startUpload: (start, signal) => api.startUpload(start, signal),
    putPart: async (target, partNumber, bytes, sha256, signal) => {
      const part = await api.putPart(target, partNumber, bytes, sha256, signal);
      metrics.uploadedBytes(bytes.length);
      return part;
    },
    completeUpload: (target, signal) => api.completeUpload(target, signal),
  };
}
