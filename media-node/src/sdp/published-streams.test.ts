import { describe, expect, it } from 'vitest';
import { publishedStreams, sendChanges } from './published-streams.ts';

// Shaped like Janus 1.1.2's answer to a Chromium offer (audio + video, BUNDLE).
const JANUS_ANSWER = [
  'v=0',
  'o=- 1700000000000000 1 IN IP4 10.213.7.1',
  's=VideoRoom 1234',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=ice-lite',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 10.213.7.1',
  'a=recvonly',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=candidate:1 1 tcp 1518280447 10.213.7.1 20001 typ host tcptype passive',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 10.213.7.1',
  'a=recvonly',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

describe('publishedStreams', () => {
  it('reads the audio and video mids of a Janus answer (CRLF)', () => {
    expect(publishedStreams(JANUS_ANSWER)).toEqual({ audio: ['0'], video: ['1'] });
  });

  it('works with LF line endings', () => {
    expect(publishedStreams(JANUS_ANSWER.replace(/\r\n/g, '\n'))).toEqual({ audio: ['0'], video: ['1'] });
  });

  it('leaves out rejected (port 0) m-lines', () => {
    const sdp = JANUS_ANSWER.replace('m=video 9 ', 'm=video 0 ');
    expect(publishedStreams(sdp)).toEqual({ audio: ['0'], video: [] });
  });

  it('ignores data channels, m-lines without a mid, and lines outside m-sections', () => {
    const sdp = [
      'v=0',
      'a=mid:session-level',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'a=mid:2',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=rtpmap:111 opus/48000/2',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=mid:v1',
      'a=mid:duplicate',
    ].join('\n');
    expect(publishedStreams(sdp)).toEqual({ audio: [], video: ['v1'] });
  });

  it('keeps several streams of one kind in SDP order, with non-numeric mids', () => {
    const sdp = ['v=0', 'm=video 9 X 96', 'a=mid:cam', 'm=audio 9 X 111', 'a=mid:mic', 'm=video 9 X 96', 'a=mid:screen'].join('\r\n');
    expect(publishedStreams(sdp)).toEqual({ audio: ['mic'], video: ['cam', 'screen'] });
  });

  it('returns nothing for an SDP without media', () => {
    expect(publishedStreams('v=0\r\ns=-\r\n')).toEqual({ audio: [], video: [] });
    expect(publishedStreams('')).toEqual({ audio: [], video: [] });
  });
});

describe('sendChanges', () => {
  const streams = { audio: ['0'], video: ['1'] };

  it('turns both off', () => {
    expect(sendChanges(streams, { audio: false, video: false })).toEqual([
      { mid: '0', send: false },
      { mid: '1', send: false },
    ]);
  });

  it('asks for a keyframe whenever video is on, never for audio', () => {
    expect(sendChanges(streams, { audio: true, video: true })).toEqual([
      { mid: '0', send: true },
      { mid: '1', send: true, keyframe: true },
    ]);
    expect(sendChanges(streams, { audio: false, video: true })).toEqual([
      { mid: '0', send: false },
      { mid: '1', send: true, keyframe: true },
    ]);
  });

  it('addresses every stream of a kind, and nothing when nothing is published', () => {
    expect(sendChanges({ audio: ['a', 'b'], video: [] }, { audio: true, video: false })).toEqual([
      { mid: 'a', send: true },
      { mid: 'b', send: true },
    ]);
    expect(sendChanges({ audio: [], video: [] }, { audio: true, video: true })).toEqual([]);
  });
});
