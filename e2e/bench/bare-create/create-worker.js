/*
 * Bench fixture, never deployed: the least a session creation can cost in workerd. Each POST makes
 * one new named SQLite-backed Durable Object (as a session is: idFromName of a fresh UUID), which
 * stores one row and arms one alarm, and answers; GET /health answers at once. The session-creation
 * bench's floor: what a new object per creation costs by itself, against a trivial route.
 */
import { DurableObject } from 'cloudflare:workers';

export class Bare extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS session (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL)');
  }

  async init(record) {
    this.ctx.storage.sql.exec('INSERT INTO session (id, data) VALUES (1, ?)', JSON.stringify(record));
    await this.ctx.storage.setAlarm(Date.now() + 3_600_000);
    return { ok: true };
  }

  async alarm() {}
}

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/health') return new Response('ok');
    const sessionId = crypto.randomUUID();
    await env.BARE.get(env.BARE.idFromName(sessionId)).init({ sessionId, createdAt: Date.now() });
    return Response.json({ sessionId }, { status: 201 });
  },
};
