import type { MediaGateway } from '../janus/media-gateway.ts';
import { ensureRawRecordingDir, rawRecordingDir } from '../recording/post-process.ts';

/**
 * Makes the session's VideoRoom exist in Janus (idempotent there: `created: false` when it already
 * did), with the folder Janus records into when the session is recorded. Room id = session id.
 */
export async function ensureVideoRoom(gateway: MediaGateway, recordingsDir: string, sessionId: string, record: boolean): Promise<{ created: boolean }> {
  const recDir = rawRecordingDir(recordingsDir, sessionId);
  if (record) await ensureRawRecordingDir(recordingsDir, sessionId);
  return gateway.createRoom({ room: sessionId, record, recDir, publishers: 2 });
}
