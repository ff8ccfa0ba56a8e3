/*
 * TCP-only media: Janus always offers UDP host candidates and browsers always gather UDP ones.
 * Stripping only one direction was not enough (Janus still probed the browser's UDP candidates
 * and Chromium picked a peer-reflexive UDP pair), so UDP candidates are removed in BOTH
 * directions: SDP bodies and trickled candidates. Pure functions, no I/O.
 */

/**
 * Transport of an ICE candidate line, or null if the text is not a candidate.
 * Accepts `candidate:...` (trickle form) and `a=candidate:...` (SDP form).
 * Grammar (RFC 8839): candidate:<foundation> <component> <transport> <priority> <address> <port> typ ...
 */
export function candidateTransport(candidate: string): 'udp' | 'tcp' | 'other' | null {
  const text = candidate.trim().replace(/^a=/i, '');
  const match = /^candidate:\S+\s+\d+\s+(\S+)\s/i.exec(text);
  if (!match) return null;
  const transport = match[1]!.toLowerCase();
  if (transport === 'udp') return 'udp';
  if (transport === 'tcp') return 'tcp';
  return 'other';
}

/** True if the candidate (trickle or SDP form) is a UDP candidate. */
export function isUdpCandidate(candidate: string): boolean {
  return candidateTransport(candidate) === 'udp';
}

/**
 * Whether a trickled candidate may go to Janus: only TCP candidates. UDP, unknown transports and
 * unparsable text are dropped (media is TCP-only, so nothing is lost). The empty string is the
 * browser's end-of-candidates marker; callers treat it like `null` (trickle completed).
 */
export function shouldForwardCandidate(candidate: string): boolean {
  return candidateTransport(candidate) === 'tcp';
}

/** Result of {@link stripUdpCandidates}. */
export interface StrippedSdp {
  sdp: string;
  /** How many `a=candidate` lines were removed. */
  removed: number;
  /** How many `a=candidate` lines were kept. */
  kept: number;
}

/**
 * Removes every non-TCP `a=candidate` line from an SDP. Keeps all other lines untouched,
 * including `a=end-of-candidates`, and preserves the line endings (CRLF or LF) as found.
 */
export function stripUdpCandidates(sdp: string): StrippedSdp {
  return filterSdpCandidates(sdp, (candidate) => candidateTransport(candidate) === 'tcp');
}

/**
 * Keeps the `a=candidate` lines `keep` accepts and every other line untouched, preserving the
 * line endings (CRLF or LF) as found.
 */
export function filterSdpCandidates(sdp: string, keep: (candidateLine: string) => boolean): StrippedSdp {
  let removed = 0;
  let kept = 0;
  // Split keeping each line's own terminator so CRLF / LF are preserved exactly.
  const lines = sdp.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
  const out: string[] = [];
  for (const line of lines) {
    const content = line.replace(/[\r\n]+$/, '');
    if (/^a=candidate:/i.test(content)) {
      if (keep(content)) {
        kept++;
      } else {
        removed++;
        continue;
      }
    }
    out.push(line);
  }
  return { sdp: out.join(''), removed, kept };
}
