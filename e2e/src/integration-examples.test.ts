/*
 * The bank's integration examples (examples/: Java 17 with the JDK only, Python 3 with its standard
 * library, bash with curl + openssl + jq) run as an integrator would run them, against the running
 * stack: each checks itself against the published vectors (and fails on a changed one), signs real
 * requests (create, read back, list by a signed query, end, outcome, audit, evidence, delete the
 * evidence), and verifies webhooks the stack really signed and delivered, refusing tampered ones.
 * What the examples claim is checked again here through the TypeScript client.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { createBankClient, verifyAuditChain, VidentApiError, type WebhookEvent } from '@vident/protocol';
import type { WebhookDelivery } from '../webhook-receiver.ts';
import { waitUntil } from './call-page.ts';

const stack = inject('stack');
const bank = createBankClient({ baseUrl: stack.baseUrl, keyId: stack.bankKeyId, secret: stack.bankSecret });
const repoRoot = resolve(import.meta.dirname, '../..');
const vectorsFile = join(repoRoot, 'protocol/test-vectors/signing.json');
const scratch = mkdtempSync(join(tmpdir(), 'vident-examples-'));

const examples = [
  { language: 'java', command: 'java', args: [join(repoRoot, 'examples/java/VidentExample.java')] },
  { language: 'python', command: 'python3', args: [join(repoRoot, 'examples/python/vident_example.py')] },
  { language: 'bash', command: 'bash', args: [join(repoRoot, 'examples/bash/vident-example.sh')] },
] as const;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs an example to its end; never throws on a non-zero exit (the caller asserts the code). */
async function run(example: (typeof examples)[number], args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(example.command, [...example.args, ...args], {
      cwd: scratch,
      // A UTF-8 locale: Java 17 decodes its arguments (a Korean customer name) with the locale's charset.
      env: { ...process.env, LC_ALL: 'C.UTF-8', VIDENT_BASE_URL: stack.baseUrl, VIDENT_KEY_ID: stack.bankKeyId, VIDENT_SECRET: stack.bankSecret, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The vectors with one expected request signature changed by one hex digit. */
function tamperedVectorsFile(): string {
  const vectors = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { requestSigning: { cases: { signature: string; headers: Record<string, string> }[] } };
  const target = vectors.requestSigning.cases[0]!;
  const flipped = target.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  target.signature = flipped;
  target.headers['X-Vident-Signature'] = flipped;
  const file = join(scratch, 'tampered-vectors.json');
  writeFileSync(file, JSON.stringify(vectors));
  return file;
}

/** The stack's deliveries of `type` for one session, as they arrived. */
async function deliveriesOf(sessionId: string, type: WebhookEvent['type']): Promise<WebhookDelivery[]> {
  const all = (await (await fetch(stack.webhookDeliveriesUrl)).json()) as WebhookDelivery[];
  return all.filter((d) => {
    const event = JSON.parse(d.body) as WebhookEvent;
    return event.data.sessionId === sessionId && event.type === type;
  });
}

describe.each(examples)('the $language example', (example) => {
  it('matches every published vector and fails on a changed one', async () => {
    const good = await run(example, ['vectors', vectorsFile]);
    expect(good.stderr).toBe('');
    expect(good).toMatchObject({ code: 0, stdout: expect.stringContaining('all 17 vectors match') });

    const bad = await run(example, ['vectors', tamperedVectorsFile()]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/MISMATCH create-session-korean/);
    expect(bad.stdout).toMatch(/mismatch\(es\) in 17 vectors/);
  });

  it('creates, reads, lists and ends a session, reads its outcome, audit and evidence and deletes the evidence, all signed', async () => {
    const externalRef = `e2e-example-${example.language}-${Date.now()}`;
    const customerName = `홍길동 ${example.language}`;
    const demo = await run(example, ['demo', externalRef, customerName]);
    // Nothing on stderr but the shell example's note that it asks for the pack again (its stdout is the pack).
    expect(demo.stderr.replace(/^evidence not ready yet, asking again in 2 s\n/gm, '')).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/^done$/m);
    const sessionId = /^sessionId=([0-9a-f-]{36})$/m.exec(demo.stdout)?.[1];
    expect(sessionId).toBeDefined();

    // What the server holds, read through the TypeScript client. The audit first: the reads below are audited too.
    const trail = await bank.sessionAudit(sessionId!);
    expect(await verifyAuditChain(trail.entries, trail.head)).toEqual({ ok: true, head: trail.head });
    const actions = trail.entries.map((e) => e.action);
    expect(actions[0]).toBe('session.created');
    expect(actions.filter((a) => a === 'api.session.get')).toHaveLength(2); // read back, then the outcome
    expect(actions.filter((a) => a === 'api.audit.get')).toHaveLength(2); // the example's, then this one
    expect(actions).toEqual(expect.arrayContaining(['api.session.delete', 'evidence.accessed', 'evidence.deleted']));
    const session = await bank.getSession(sessionId!);
    expect(session).toMatchObject({
      externalRef,
      customerName,
      locale: 'ko',
      metadata: { channel: `example-${example.language}`, branch: '강남지점' },
      state: 'cancelled',
      outcome: { state: 'cancelled' },
    });
    await expect(bank.evidence(sessionId!)).rejects.toSatisfy((e) => e instanceof VidentApiError && e.code === 'evidence_deleted');

    // Webhooks the stack signed and delivered for this session: verified; tampered, stale or another secret refused.
    let created: WebhookDelivery[] = [];
    let cancelled: WebhookDelivery[] = [];
    await waitUntil('session.created and session.cancelled delivered', async () => {
      created = await deliveriesOf(sessionId!, 'session.created');
      cancelled = await deliveriesOf(sessionId!, 'session.cancelled');
      return created.length > 0 && cancelled.length > 0;
    }, 30_000);
    const secret = { VIDENT_WEBHOOK_SECRET: stack.webhookSecret };
    for (const [delivery, type] of [[created[0]!, 'session.created'], [cancelled[0]!, 'session.cancelled']] as const) {
      const bodyFile = join(scratch, `${example.language}-${type}.json`);
      writeFileSync(bodyFile, delivery.body);
      const verified = await run(example, ['verify-webhook', delivery.id, delivery.timestamp, delivery.signature, bodyFile], secret);
      expect(verified).toMatchObject({ code: 0, stdout: `ok ${type} ${sessionId}\n` });
    }
    const delivery = cancelled[0]!;
    const tamperedFile = join(scratch, `${example.language}-tampered.json`);
    writeFileSync(tamperedFile, delivery.body.replace(externalRef, `${externalRef}-x`));
    const tampered = await run(example, ['verify-webhook', delivery.id, delivery.timestamp, delivery.signature, tamperedFile], secret);
    expect(tampered).toMatchObject({ code: 1, stdout: 'refused: bad_signature\n' });
    const bodyFile = join(scratch, `${example.language}-session.cancelled.json`);
    const stale = await run(example, ['verify-webhook', delivery.id, String(Number(delivery.timestamp) - 301), delivery.signature, bodyFile], secret);
    expect(stale).toMatchObject({ code: 1, stdout: 'refused: stale_timestamp\n' });
    const otherSecret = { VIDENT_WEBHOOK_SECRET: `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}` };
    const wrongKey = await run(example, ['verify-webhook', delivery.id, delivery.timestamp, delivery.signature, bodyFile], otherSecret);
    expect(wrongKey).toMatchObject({ code: 1, stdout: 'refused: bad_signature\n' });
  });
});
