import { toHex } from '@vident/protocol';
import { ApiError } from '../base/http-error.ts';

/*
 * The Worker's byte work on evidence objects: streaming upload parts into R2 while hashing them,
 * and re-reading a completed object to hash what R2 actually holds. Streams throughout: a part may
 * be 64 MiB and an object many GiB, far beyond what an isolate may buffer.
 */

/** What R2 took of one part. `r2Refused`: the bytes arrived whole but R2 would not take them. */
export type StreamedPart = { ok: true; etag: string; sha256: string; size: number } | { ok: false; r2Refused: true };

/**
 * Streams `body` into part `partNumber` of an R2 multipart upload, hashing it on the way. The body
 * must be exactly `expectedSize` bytes (400 otherwise). The hash is only returned: the caller
 * decides whether it matches before the part counts for anything.
 */
export async function streamPart(
  bucket: R2Bucket,
  target: { objectKey: string; uploadId: string; expectedSize: number },
  partNumber: number,
  body: ReadableStream<Uint8Array>,
): Promise<StreamedPart> {
  const wrongSize = () => new ApiError('validation_failed', 400, `part ${partNumber} must be exactly ${target.expectedSize} bytes`);
  // R2 needs a stream of known length; FixedLengthStream also refuses any other length.
  const fixed = new FixedLengthStream(target.expectedSize);
  const toR2 = fixed.writable.getWriter();
  const digest = new crypto.DigestStream('SHA-256');
  const toDigest = digest.getWriter();
  const uploading = bucket.resumeMultipartUpload(target.objectKey, target.uploadId).uploadPart(partNumber, fixed.readable);
  // Observed now so an early R2 refusal is never an unhandled rejection while the body streams.
  const settled = uploading.then(
    (part) => ({ ok: true as const, part }),
    () => ({ ok: false as const }),
  );
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > target.expectedSize) throw wrongSize();
      await Promise.all([toR2.write(value), toDigest.write(value)]);
    }
    if (size !== target.expectedSize) throw wrongSize();
  } catch (err) {
    await Promise.allSettled([toR2.abort(err), toDigest.abort(err), reader.cancel()]);
    await settled;
    if (err instanceof ApiError) throw err;
    throw new ApiError('bad_request', 400, `part ${partNumber} did not arrive whole`);
  }
  await Promise.allSettled([toR2.close(), toDigest.close()]);
  const r2 = await settled;
  if (!r2.ok) return { ok: false, r2Refused: true };
  return { ok: true, etag: r2.part.etag, sha256: toHex(await digest.digest), size };
}

/**
 * Completes a multipart upload and hashes the object R2 now holds: what the evidence is, rather
 * than what was sent. A complete that already happened (a retry) is not an error; null when there
 * is no object afterwards (R2 refused to assemble the parts).
 */
export async function completeAndDigest(
  bucket: R2Bucket,
  objectKey: string,
  uploadId: string,
  parts: R2UploadedPart[],
): Promise<{ sha256: string; size: number } | null> {
  try {
    await bucket.resumeMultipartUpload(objectKey, uploadId).complete(parts);
  } catch {
    // Completed by an earlier attempt whose answer was lost, or refused: the object tells which.
  }
  const object = await bucket.get(objectKey);
  if (!object) return null;
  return { sha256: await sha256OfStream(object.body), size: object.size };
}

/** Lowercase hex SHA-256 of a stream, without buffering it. */
export async function sha256OfStream(stream: ReadableStream): Promise<string> {
  const digest = new crypto.DigestStream('SHA-256');
  await stream.pipeTo(digest);
  return toHex(await digest.digest);
}

