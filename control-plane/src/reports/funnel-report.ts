import { FunnelQuery, type FunnelReport } from '@vident/protocol';
import type { z } from 'zod';
import { directoryStub, type Env } from '../base/env.ts';
import { parseInput } from '../base/http-error.ts';
import { funnelReport } from './funnel-figures.ts';

export type ParsedFunnelQuery = z.output<typeof FunnelQuery>;

/** A funnel query as the routes parse it (a bad one is answered 400 validation_failed). */
export function parseFunnelQuery(query: Record<string, string>): ParsedFunnelQuery {
  return parseInput(FunnelQuery, query);
}

/** The funnel report of the query's days and agent, from the directory's funnel rows. */
export async function loadFunnelReport(env: Env, query: ParsedFunnelQuery, now: number): Promise<FunnelReport> {
  const facts = await directoryStub(env).funnelRows({ from: query.from, to: query.to, ...(query.agent !== undefined ? { agent: query.agent } : {}) });
  return funnelReport(facts, query, new Date(now).toISOString());
}
