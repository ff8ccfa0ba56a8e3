/*
 * Probes shared by the real-Janus tests: waiting, the page's PeerConnections, and ffprobe
 * views of recordings (codecs, packet times), plus opening a sealed artifact with the bank key.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { openBytes } from '@vident/protocol';

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function candidateLines(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
}

/** Presentation times (s) of one stream's packets in a media file. */
export async function packetTimes(file: string, stream: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n').map(Number).filter(Number.isFinite);
}

/** Opens a sealed artifact with the bank's private key into a plaintext file in `outDir` (for ffprobe). */
export async function openSealed(privateKey: CryptoKey, file: string, outDir: string): Promise<{ file: string; contentType: string }> {
  const { plain, header } = await openBytes(privateKey, await readFile(file));
  const out = path.join(outDir, `${path.basename(file)}.opened`);
  await writeFile(out, plain);
  return { file: out, contentType: header.contentType };
}

export async function codecs(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n').sort();
}

/** A new sending PeerConnection in the page (`window[name]`) with fake camera + microphone; returns its full offer. */
export async function pagePublisherOffer(page: Page, name: string): Promise<string> {
  return page.evaluate(async (name) => {
    const w = window as any;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
    const pc = new RTCPeerConnection();
    w[name] = pc;
    for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
    return pc.localDescription!.sdp;
  }, name);
}

/**
 * How far the agent's subscriber PeerConnection (`window.sub`) advances during `windowMs`:
 * decoded video frames and received audio packets.
 */
export async function inboundProgress(page: Page, windowMs: number): Promise<{ framesDecoded: number; audioPackets: number }> {
  return page.evaluate(async (ms) => {
    const read = async () => {
      const report: any = await (window as any).sub.getStats();
      const totals = { framesDecoded: 0, audioPackets: 0 };
      report.forEach((s: any) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') totals.framesDecoded += s.framesDecoded ?? 0;
        if (s.kind === 'audio') totals.audioPackets += s.packetsReceived ?? 0;
      });
      return totals;
    };
    const start = await read();
    await new Promise((r) => setTimeout(r, ms));
    const end = await read();
    return { framesDecoded: end.framesDecoded - start.framesDecoded, audioPackets: end.audioPackets - start.audioPackets };
  }, windowMs);
}
