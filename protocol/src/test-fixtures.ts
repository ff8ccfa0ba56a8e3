/*
 * Fixtures the packages' tests share, imported as `@vident/protocol/test-fixtures`. Not exported
 * from index.ts: no runtime code imports this module, so no bundle (the pages, the Worker) holds it.
 */

/**
 * The shape of Chromium's offer for `pc.createDataChannel('probe')` with candidates gathered: the
 * customer's page sends it for its network check (`ProbeRequest`, `probeOfferProblem`).
 */
export const PROBE_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2113937151 10.213.7.2 50000 typ host generation 0',
  'a=candidate:2 1 tcp 1518280447 10.213.7.2 9 typ host tcptype active generation 0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 AA:BB',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  '',
].join('\r\n');
