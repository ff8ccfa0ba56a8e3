import { Hono } from 'hono';
import type { AppEnv } from '../../base/app-env.ts';
import { bankAuth } from '../../base/signed-request.ts';
import { funnelCsv } from '../../reports/funnel-csv.ts';
import { loadFunnelReport, parseFunnelQuery } from '../../reports/funnel-report.ts';

/**
 * The bank's reports, mounted at /v1/reports, signed with a bank key.
 * `GET /v1/reports/funnel?from=YYYY-MM-DD&to=YYYY-MM-DD[&agent=<agentId>][&format=csv]`: the
 * verification funnel of the sessions created on those UTC days (ended ones only), as JSON
 * (FunnelReport) or CSV (one row per day and agent, then a total).
 */
export const reportRoutes = new Hono<AppEnv>()
  .use('*', bankAuth)
  .get('/funnel', async (c) => {
    const query = parseFunnelQuery(c.req.query());
    const report = await loadFunnelReport(c.env, query, Date.now());
    if (query.format === 'json') return c.json(report);
    return c.body(funnelCsv(report), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="vident-funnel-${query.from}-${query.to}.csv"`,
    });
  });
