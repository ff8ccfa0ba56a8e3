/*
 * The load generator's media: ONE ffmpeg process encodes a test pattern to VP8 (640x480, 20 fps,
 * ~500 kbps) and a tone to Opus, once, as RTP to two loopback UDP ports read here. Every publisher
 * gets each packet (fanned out by the caller with its own SSRC), so the encode cost does not grow
 * with the number of calls and the generator can load the node further on 2 cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { isRtp } from './capacity-math.ts';

export type MediaKind = 'video' | 'audio';
export type PacketListener = (kind: MediaKind, packet: Buffer) => void;

/** Under a TCP-framed SRTP packet's budget with room for Janus's header extensions. */
const RTP_PACKET_BYTES = 1100;

async function boundSocket(): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return { socket, port: socket.address().port };
}

export class RtpSource {
  private readonly listeners = new Set<PacketListener>();
  readonly packets: Record<MediaKind, number> = { video: 0, audio: 0 };
  private stderr = '';

  private constructor(
    private readonly ffmpeg: ChildProcess,
    private readonly sockets: Socket[],
  ) {
    ffmpeg.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-2000)));
  }

  /** Starts ffmpeg and waits until both streams deliver packets. */
  static async start(timeoutMs = 10_000): Promise<RtpSource> {
    const video = await boundSocket();
    const audio = await boundSocket();
    // ffmpeg sends its RTCP to port+1; a stray one landing here is dropped by isRtp.
    const args = [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=20',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-map', '0:v', '-c:v', 'libvpx', '-b:v', '500k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '40',
      '-auto-alt-ref', '0', '-payload_type', '96', '-ssrc', '1', '-f', 'rtp', `rtp://127.0.0.1:${video.port}?pkt_size=${RTP_PACKET_BYTES}`,
      '-map', '1:a', '-c:a', 'libopus', '-b:a', '32k', '-ac', '2', '-application', 'voip', '-frame_duration', '20',
      '-payload_type', '111', '-ssrc', '2', '-f', 'rtp', `rtp://127.0.0.1:${audio.port}?pkt_size=${RTP_PACKET_BYTES}`,
    ];
    const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const source = new RtpSource(ffmpeg, [video.socket, audio.socket]);
    video.socket.on('message', (packet) => source.emit('video', packet));
    audio.socket.on('message', (packet) => source.emit('audio', packet));
    const deadline = Date.now() + timeoutMs;
    while (source.packets.video === 0 || source.packets.audio === 0) {
      if (ffmpeg.exitCode !== null || Date.now() > deadline) {
        await source.stop();
        throw new Error(`ffmpeg produced no RTP (exit ${ffmpeg.exitCode ?? 'none'}): ${source.stderr.trim().slice(-300)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return source;
  }

  get pid(): number | undefined {
    return this.ffmpeg.pid;
  }

  /** Adds a listener; returns its removal. */
  listen(listener: PacketListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(kind: MediaKind, packet: Buffer): void {
    if (!isRtp(packet)) return;
    this.packets[kind]++;
    for (const listener of this.listeners) listener(kind, packet);
  }

  /** Stops ffmpeg (SIGTERM, then SIGKILL) and closes the sockets. Safe to call twice. */
  async stop(): Promise<void> {
    this.listeners.clear();
    for (const socket of this.sockets.splice(0)) socket.close();
    const ffmpeg = this.ffmpeg;
    if (ffmpeg.exitCode !== null || ffmpeg.signalCode !== null) return;
    const exited = new Promise<void>((done) => ffmpeg.once('exit', () => done()));
    ffmpeg.kill('SIGTERM');
    const timer = setTimeout(() => ffmpeg.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}
