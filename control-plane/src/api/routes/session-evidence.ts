import { SessionId, type ArtifactList } from '@vident/protocol';
import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { callerOf } from '../request-caller.ts';
import { baseUrlFor } from '../../session/session-link.ts';
import { withEvidence } from '../../evidence/evidence-stub.ts';
import { fromFailure, parseInput } from '../../base/http-error.ts';

/**
 * The bank's evidence routes of one session. Mounted inside sessionRoutes, behind its bankAuth:
 *
 *   GET    /:id/artifacts   every artifact (ArtifactList)
 *   GET    /:id/evidence    the signed pack with short-lived download URLs (EvidencePack);
 *                           409 evidence_not_ready while anything is pending, 410 after deletion
 *   DELETE /:id/evidence    deletes every artifact of an ended session (ArtifactList, now deleted)
 */
export const sessionEvidenceRoutes = new Hono<AppEnv>()
  .get('/:id/artifacts', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await withEvidence(c.env, id, async (evidence) => evidence.list(callerOf(c)));
    if (!result.ok) throw fromFailure(result);
    return c.json({ artifacts: result.artifacts } satisfies ArtifactList);
  })
  .get('/:id/evidence', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await withEvidence(c.env, id, async (evidence) => evidence.pack(baseUrlFor(c.var.config, c.req.url), callerOf(c)));
    if (!result.ok) throw fromFailure(result);
    // The download URLs are bearer links: nothing on the way may keep this answer.
    return c.body(result.json, 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  })
  .delete('/:id/evidence', async (c) => {
    const id = parseInput(SessionId, c.req.param('id'));
    const result = await withEvidence(c.env, id, async (evidence) => evidence.remove(callerOf(c)));
    if (!result.ok) throw fromFailure(result);
    return c.json({ artifacts: result.artifacts } satisfies ArtifactList);
  });
