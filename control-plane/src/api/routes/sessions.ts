import { BankCheckRequest, CreateSessionRequest, ListSessionsQuery, SessionId, UpdateSessionRequest, type SessionList } from '@vident/protocol';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { callerOf } from '../request-caller.ts';
import { createSession, settled } from '../../session/create-session.ts';
import { baseUrlFor } from '../../session/session-link.ts';
import { directoryStub, sessionStub } from '../../base/env.ts';
import { ApiError, fromFailure, parseInput, parseJsonBody } from '../../base/http-error.ts';
import { createIdempotently, IDEMPOTENCY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from '../idempotent-create.ts';
import { decodeCursor, encodeCursor, normalizeTimestamp } from '../../session/session-cursor.ts';
import { bankAuth, bankAuthDeferredClaim, claimReplay } from '../../base/signed-request.ts';
import type { ReplayTicket } from '../../base/replay-guard-rpc.ts';
import { sessionEvidenceRoutes } from './session-evidence.ts';

/** The bank's session API, mounted at /v1/sessions. Every route is signed with a bank key. */
export const sessionRoutes = new Hono<AppEnv>()
  // Creation claims its signature alongside its own work (create-session.ts); every other route before.
  .use('*', (c, next) => (c.req.method === 'POST' && /^\/v1\/sessions\/?$/.test(c.req.path) ? bankAuthDeferredClaim : bankAuth)(c, next))
  .post('/', async (c) => {
    const ticket = c.var.replayTicket;
    if (!ticket) throw new Error('session creation without a replay ticket');
    const body = parseJsonBody(CreateSessionRequest, c.var.rawBody);
    const create = (replay?: ReplayTicket) => createSession(c.env, c.var.config, body, baseUrlFor(c.var.config, c.req.url), Date.now(), callerOf(c), replay);
    const idempotencyKey = c.req.header(IDEMPOTENCY_HEADER);
    // The session object claims the ticket while it places itself.
    if (idempotencyKey === undefined) return c.json(await create(ticket), 201);
    // With an Idempotency-Key the ledger may answer instead of a new session: the claim is the
    // Worker's, alongside the ledger's, and a session is created only once it succeeded.
    const claimed = claimReplay(c.env, ticket);
    claimed.catch(() => undefined);
    const [created] = await settled(
      createIdempotently(c.env, { bankKeyId: c.var.keyId, idempotencyKey, rawBody: c.var.rawBody }, async () => {
        await claimed;
        return create();
      }),
      // An earlier answer is repeated only to a request that is not itself a replay.
      claimed,
    );
    const { response, replayed } = created;
    // A retry gets the first answer again, status included, so a bank treats both alike.
    if (replayed) c.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return c.json(response, 201);
  })
  .get('/', async (c) => {
    const query = parseInput(ListSessionsQuery, c.req.query());
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after === null) throw new ApiError('validation_failed', 400, 'cursor: not a cursor this API issued');
    // One extra row tells whether another page exists.
    const rows = await directoryStub(c.env).list({
      ...(query.state ? { states: [query.state] } : {}),
      ...(query.createdAfter ? { createdAfter: normalizeTimestamp(query.createdAfter) } : {}),
      ...(query.createdBefore ? { createdBefore: normalizeTimestamp(query.createdBefore) } : {}),
      ...(query.externalRef ? { externalRef: query.externalRef } : {}),
      ...(after ? { after } : {}),
      limit: query.limit + 1,
    });
    const sessions = rows.slice(0, query.limit);
    const last = sessions.at(-1);
    const nextCursor = rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, sessionId: last.sessionId }) : null;
    return c.json({ sessions, nextCursor } satisfies SessionList);
  })
  .get('/:id', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await sessionStub(c.env, id).get(callerOf(c));
    if (!result.ok) throw fromFailure(result);
    return c.json(result.view);
  })
  .patch('/:id', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const patch = parseJsonBody(UpdateSessionRequest, c.var.rawBody);
    const result = await sessionStub(c.env, id).update(patch, callerOf(c));
    if (!result.ok) throw fromFailure(result);
    return c.json(result.view);
  })
  .get('/:id/audit', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await sessionStub(c.env, id).audit(callerOf(c));
    if (!result.ok) throw fromFailure(result);
    return c.body(result.json, 200, { 'content-type': 'application/json' });
  })
  .get('/:id/document', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await sessionStub(c.env, id).document(callerOf(c));
    if (!result.ok) throw fromFailure(result);
    return c.body(result.json, 200, { 'content-type': 'application/json' });
  })
  .get('/:id/one-time-code', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await sessionStub(c.env, id).oneTimeCode(callerOf(c));
    if (!result.ok) throw fromFailure(result);
    // The code is a credential of the customer's: nothing on the way may keep it.
    return c.body(result.json, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  })
  .post('/:id/checks', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const check = parseJsonBody(BankCheckRequest, c.var.rawBody);
    const result = await sessionStub(c.env, id).addCheck(check, callerOf(c));
    if (!result.ok) throw fromFailure(result);
    return c.json(result.answer, 201);
  })
  .delete('/:id', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await sessionStub(c.env, id).remove(callerOf(c));
    if (!result.ok) throw fromFailure(result);
    return c.json(result.view);
  })
  // Behind this app's bankAuth (it has none of its own).
  .route('/', sessionEvidenceRoutes);
