import * as z from 'zod/mini';
import { AgentId, Decision, ReasonCode, SessionId, Timestamp } from './common.ts';

/*
 * The verification funnel (issue 18): how far each session got, where the others stopped and why.
 * Each session states its funnel facts once, when it ends (FunnelFacts, no personal data: ids and
 * times only); the control plane aggregates them per UTC day and per desk agent (FunnelReport),
 * served to supervisors (GET /v1/desk/funnel) and to the bank (GET /v1/reports/funnel, JSON or CSV).
 */

/** The steps in order; a session that reached one reached every earlier one. */
export const FUNNEL_STEPS = ['created', 'link_opened', 'precheck_passed', 'consent_given', 'queued', 'in_call', 'decided'] as const;
export const FunnelStep = z.enum(FUNNEL_STEPS);
export type FunnelStep = z.infer<typeof FunnelStep>;

/** Why a session stopped before a decision. */
export const FUNNEL_STOP_REASONS = [
  'permission_refused',
  'network_check_failed',
  'consent_declined',
  'left_queue',
  'abandoned',
  'expired',
  'cancelled_by_bank',
  'cancelled_by_agent',
  'failed',
] as const;
export const FunnelStopReason = z.enum(FUNNEL_STOP_REASONS);
export type FunnelStopReason = z.infer<typeof FunnelStopReason>;

/** A UTC calendar day, `YYYY-MM-DD`. */
export const FunnelDay = z.iso.date();
export type FunnelDay = z.infer<typeof FunnelDay>;

/** One ended session's funnel summary: what the directory keeps per session (no names, no numbers). */
export const FunnelFacts = z.object({
  sessionId: SessionId,
  /** The UTC day the session was created. */
  day: FunnelDay,
  /** The desk agent who took it; null when none did (e.g. the bank's own agent link). */
  agentId: z.nullable(AgentId),
  /** The furthest step reached. */
  lastStep: FunnelStep,
  /** Why it stopped there; null when decided. */
  stopReason: z.nullable(FunnelStopReason),
  /** Queued (consent given, or joined when not recorded) to the call's start; null without a call. */
  waitMs: z.nullable(z.int().check(z.nonnegative())),
  /** The call's length; null without a call. */
  callMs: z.nullable(z.int().check(z.nonnegative())),
  decision: z.nullable(Decision),
  reasonCodes: z.array(ReasonCode),
});
export type FunnelFacts = z.infer<typeof FunnelFacts>;

/** What the customer's page tells the session before it joins (POST /v1/sessions/:id/precheck). */
export const PrecheckSignal = z.strictObject({ event: z.enum(['link_opened', 'permission_refused']) });
export type PrecheckSignal = z.infer<typeof PrecheckSignal>;

/** At most this many days in one report (a year and a day). */
export const FUNNEL_MAX_DAYS = 366;

/**
 * Query of the funnel reports: `from` and `to` are inclusive UTC days; `agent` keeps one desk agent's
 * sessions; `format` (the bank's route only) picks JSON (default) or CSV.
 */
export const FunnelQuery = z
  .strictObject({
    from: FunnelDay,
    to: FunnelDay,
    agent: z.optional(AgentId),
    format: z._default(z.enum(['json', 'csv']), 'json'),
  })
  .check(
    z.refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] }),
    z.refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 < FUNNEL_MAX_DAYS, {
      message: `at most ${FUNNEL_MAX_DAYS} days`,
      path: ['to'],
    }),
  );
export type FunnelQuery = z.input<typeof FunnelQuery>;

/** p50 and p90 in seconds (nearest rank), over `count` sessions; null values when count is 0. */
export const FunnelPercentiles = z.object({
  count: z.int().check(z.nonnegative()),
  p50: z.nullable(z.number().check(z.nonnegative())),
  p90: z.nullable(z.number().check(z.nonnegative())),
});
export type FunnelPercentiles = z.infer<typeof FunnelPercentiles>;

/** The figures of one group of sessions (a day, an agent, a day and agent, or all). */
export const FunnelFigures = z.object({
  sessions: z.int().check(z.nonnegative()),
  /** Sessions that reached each step (cumulative: `created` = all). */
  reached: z.record(FunnelStep, z.int().check(z.nonnegative())),
  /** Sessions that stopped for each reason. */
  stopped: z.record(FunnelStopReason, z.int().check(z.nonnegative())),
  waitSeconds: FunnelPercentiles,
  callSeconds: FunnelPercentiles,
  approved: z.int().check(z.nonnegative()),
  rejected: z.int().check(z.nonnegative()),
  /** Shares of the decided sessions (0..1); null when none was decided. */
  approvalRate: z.nullable(z.number().check(z.gte(0), z.lte(1))),
  rejectionRate: z.nullable(z.number().check(z.gte(0), z.lte(1))),
  /** Reason codes of the rejections, most frequent first. */
  rejectionReasons: z.array(z.object({ code: ReasonCode, count: z.int().check(z.positive()) })),
});
export type FunnelFigures = z.infer<typeof FunnelFigures>;

/** Answer of the funnel reports (JSON). Sessions count on the day they were created. */
export const FunnelReport = z.object({
  from: FunnelDay,
  to: FunnelDay,
  agent: z.nullable(AgentId),
  generatedAt: Timestamp,
  total: FunnelFigures,
  /** Days with at least one ended session, oldest first. */
  days: z.array(z.extend(FunnelFigures, { day: FunnelDay })),
  /** Agents with at least one ended session (null: no desk agent), by id. */
  agents: z.array(z.extend(FunnelFigures, { agentId: z.nullable(AgentId) })),
  /** Per day and agent, as the CSV lists them. */
  rows: z.array(z.extend(FunnelFigures, { day: FunnelDay, agentId: z.nullable(AgentId) })),
});
export type FunnelReport = z.infer<typeof FunnelReport>;
