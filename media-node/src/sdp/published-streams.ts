/*
 * Janus 1.x VideoRoom is multistream: a publisher's `configure` addresses each stream by its
 * `mid` (`streams: [{ mid, send }]`). The mids are the ones the browser put in its offer and
 * Janus echoed in its answer, so they are read from Janus's answer SDP. Pure, no I/O.
 */

/** The mids of a publisher's live audio and video m-lines, in SDP order. */
export interface PublishedStreams {
  audio: string[];
  video: string[];
}

/**
 * Reads the mids of the audio and video m-lines of an SDP. Rejected m-lines (port 0, which
 * Janus uses for streams it refused, e.g. a codec the room does not allow) are left out: Janus
 * has no stream for them and answers "No such mid" if one is configured. m-lines without a mid
 * and other kinds (application = data channel) are ignored.
 */
export function publishedStreams(sdp: string): PublishedStreams {
  const result: PublishedStreams = { audio: [], video: [] };
  let kind: 'audio' | 'video' | null = null;
  for (const line of sdp.split(/\r\n|\n|\r/)) {
    const mline = /^m=(\S+)\s+(\d+)/.exec(line);
    if (mline) {
      const media = mline[1]!.toLowerCase();
      const rejected = mline[2] === '0';
      kind = !rejected && (media === 'audio' || media === 'video') ? media : null;
      continue;
    }
    const mid = /^a=mid:(\S+)/.exec(line);
    if (mid && kind) {
      result[kind].push(mid[1]!);
      // One mid per m-line: ignore anything after it in this section.
      kind = null;
    }
  }
  return result;
}

/** One entry of a VideoRoom publisher `configure` request's `streams` array. */
export interface StreamSendChange {
  mid: string;
  send: boolean;
  /** Ask the publisher for a keyframe (PLI) so subscribers can decode right away. */
  keyframe?: boolean;
}

/**
 * The `streams` array that turns relaying of a publisher's audio and video on or off.
 * Video that is (re)enabled also asks for a keyframe: after a pause the subscribers' decoders
 * (and the recording) would otherwise wait for the publisher's next periodic keyframe.
 */
export function sendChanges(streams: PublishedStreams, want: { audio: boolean; video: boolean }): StreamSendChange[] {
  return [
    ...streams.audio.map((mid) => ({ mid, send: want.audio })),
    ...streams.video.map((mid) => (want.video ? { mid, send: true, keyframe: true } : { mid, send: false })),
  ];
}
