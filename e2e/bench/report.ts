/* The benchmark report: docs/BENCHMARKS.md, with the machine, the date and the command. */
import { cpus, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface BenchRow {
  /** What was measured. */
  figure: string;
  value: string;
  /** The baseline measured in the same run, and the ratio to it. */
  baseline: string;
  ratio: string;
  notes?: string;
}

export interface BenchSection {
  title: string;
  method: string;
  rows: BenchRow[];
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let os = 'Linux';
  try {
    os = execFileSync('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'], { encoding: 'utf8' }).trim();
  } catch {
    /* keep the generic name */
  }
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${os}, Node ${process.version}`;
}

export function writeReport(file: string, sections: BenchSection[], command: string): string {
  const lines = [
    '# Benchmarks',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine()}`,
    `- Command: \`${command}\``,
    '- Every figure is compared with a baseline measured in the same run on the same machine.',
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section.title}`, '', section.method, '', '| figure | value | baseline (same run) | ratio | notes |', '|---|---|---|---|---|');
    for (const r of section.rows) lines.push(`| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.notes ?? ''} |`);
    lines.push('');
  }
  const text = lines.join('\n');
  writeFileSync(file, text);
  return text;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
