/*
 * The bitrate ceiling of one published video (issue 17), shared by the two places that enforce it:
 * the media node's room tells each publisher's browser never to send more (Janus REMB with
 * `bitrate_cap`), and the customer's page sets it as its video encoding's `maxBitrate`. The second
 * matters: without it Chromium caps the encoder by the resolution it is sending at (1.7 Mbit/s up
 * to 640x480, 600 kbit/s up to 320x240), so a sender that scaled down while its bandwidth estimate
 * was still ramping never gets the bits to scale back up (docs/BENCHMARKS.md, network profiles).
 */

/**
 * Bits per second one published video may use. 4 Mbit/s, measured: at 2.5 Mbit/s (maxBitrate set)
 * the bench's clean call sat at the cap with the encoder at 960x540 and 30 fps (a noisy 720p camera
 * needs more for VP8 at 1280x720 in face mode); at 4 Mbit/s it sent 1280x720 at 27 fps, about
 * 3.3 Mbit/s (docs/BENCHMARKS.md, network profiles, 2026-12-03 13:50Z). Worse paths go lower by the
 * browser's own congestion control; the cost is node bandwidth and recording size (docs/OPERATIONS.md).
 */
export const HD_VIDEO_MAX_BITRATE = 4_000_000;
