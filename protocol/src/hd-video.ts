/*
 * The bitrate ceiling of one published video (issue 17), shared by the two places that enforce it:
 * the media node's room tells each publisher's browser never to send more (Janus REMB with
 * `bitrate_cap`), and the customer's page sets it as its video encoding's `maxBitrate`. The second
 * matters: without it Chromium caps the encoder by the resolution it is sending at (1.7 Mbit/s up
 * to 640x480, 600 kbit/s up to 320x240), so a sender that scaled down while its bandwidth estimate
 * was still ramping never gets the bits to scale back up (docs/BENCHMARKS.md, network profiles).
 */

/** Bits per second one published video may use: Chromium's own ceiling for VP8 at 1280x720. */
export const HD_VIDEO_MAX_BITRATE = 2_500_000;
