import type { MediaGateway } from '../../src/janus/media-gateway.ts';
import { MediaCommands } from '../../src/sessions/media-commands.ts';

/**
 * A command layer for HTTP-level tests: no Janus (the gateway answers null, i.e. unreachable, unless
 * given), no recordings, no logs.
 */
export function commandsWithoutJanus(gateway: () => MediaGateway | null = () => null): MediaCommands {
  return new MediaCommands({
    gateway,
    recordingsDir: '/tmp/vident-unused',
    reportEvent: () => undefined,
    processRecording: () => Promise.reject(new Error('not in this test')),
    log: { info: () => undefined, warn: () => undefined },
  });
}
