/*
 * `npm run bench`: bounded benchmarks on this machine (loopback and the project's own network
 * namespaces only), each against a baseline measured in the same run; writes docs/BENCHMARKS.md.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startStack } from '../../infra/stack.ts';
import { launchChromium } from '../src/browser.ts';
import { benchEvidence } from './evidence.ts';
import { writeReport, type BenchSection } from './report.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'vident-bench-'));
console.log(`[bench] starting the stack in ${stateDir}`);
const stack = await startStack({ stateDir, demo: false, dropUdp: true });
const chromium = await launchChromium();
const sections: BenchSection[] = [];
try {
  console.log('[bench] evidence: call end to pack ready');
  sections.push(await benchEvidence(stack, chromium, [30, 60]));
} finally {
  await chromium.close();
  await stack.stop();
}
const out = resolve(import.meta.dirname, '..', '..', 'docs', 'BENCHMARKS.md');
console.log(writeReport(out, sections, 'npm run bench'));
console.log(`[bench] written to ${out}`);
