import { AssignmentMode, DEFAULT_FACE_MATCH_THRESHOLDS, MAX_SECURITY_FEATURES_PER_SESSION, OneTimeCodeRequirement, type SecurityFeatureCatalog, derToPem, Slug, fromBase64, parseWebhookSecret, pemToDer, type FaceMatchThresholds, type QualityThresholds, type VerificationChecklist } from '@vident/protocol';
import { z } from 'zod';
import type { Env } from './env.ts';
import type { TurnConfig } from '../session/turn-credentials.ts';
import { ChecklistVariable } from '../session/verification-checklist.ts';
import { catalogProblem, SecurityFeaturesVariable } from '../session/security-feature-draw.ts';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from '../session/session-limits.ts';
import { QUALITY_FIELDS, qualityThresholds } from './quality-config.ts';

/** Parsed, validated configuration. Secrets stay in here and are never logged or echoed. */
export interface Config {
  publicBaseUrl: string | null;
  sessionMaxMinutes: number;
  /** How long a join link waits for the customer before the session expires. */
  linkValidityMinutes: number;
  /** How long a dropped participant may take to come back before the session is abandoned. */
  reconnectGraceSeconds: number;
  nodeHeartbeatTtlSeconds: number;
  demoMode: boolean;
  bankApiKeys: Record<string, string>;
  /** Key ids refused even while their secret is still in bankApiKeys (revocation during rotation). */
  bankApiRevokedKeys: ReadonlySet<string>;
  /** The platform team's admin API keys (ADMIN_API_KEYS); empty = every admin request is refused. */
  adminApiKeys: Record<string, string>;
  tokenSecret: string;
  /** The control plane's Ed25519 PKCS#8 key (base64) that signs commands to media nodes; nodes pin its public half. */
  controlPlaneSigningKey: string;
  /** Media nodes may be enrolled with http command URLs: a local stack only, refused with an https PUBLIC_BASE_URL. */
  allowHttpNodeUrls: boolean;
  /** Where session events are POSTed, with their signing secret; null = webhooks off. */
  webhook: { url: string; secret: string } | null;
  evidence: EvidenceConfig;
  /** What the agent must tick before approving (VERIFICATION_CHECKLIST), shown on the agent's page. */
  checklist: VerificationChecklist;
  /** How waiting customers reach agents (AGENT_ASSIGNMENT): agents pick from the queue, or the desk assigns at random. */
  agentAssignment: AssignmentMode;
  /** The TURN fallback for participants whose network blocks direct ICE-TCP; null = none configured. */
  turn: TurnConfig | null;
  /** Per-session budgets (SESSION_FRAME_BURST, ...): see session/session-limits.ts. */
  limits: SessionLimits;
  /** Bank check kinds whose latest result must be `pass` before an approval (REQUIRED_BANK_CHECKS); empty = none. */
  requiredBankChecks: readonly string[];
  /** The face-match bands' thresholds (FACE_MATCH_THRESHOLD, FACE_MATCH_NO_MATCH_THRESHOLD); the agent's page must use these. */
  faceMatchThresholds: FaceMatchThresholds;
  /** The regulated procedure's controls (issue 15): one-time code, security features, aborts. */
  procedure: ProcedureConfig;
  /** The quality gate's thresholds (QUALITY_*, quality-config.ts); the agent's page gets them in its welcome. */
  qualityThresholds: QualityThresholds;
}

/** ONE_TIME_CODE, ONE_TIME_CODE_TTL_MINUTES, SECURITY_FEATURES, SECURITY_FEATURES_PER_SESSION, DELETE_RECORDINGS_ON_ABORT. */
export interface ProcedureConfig {
  /** Whether a session asks for a one-time code unless its create request says otherwise. */
  oneTimeCode: OneTimeCodeRequirement;
  oneTimeCodeTtlMs: number;
  securityFeatures: SecurityFeatureCatalog;
  /** Features drawn per session once the document type is known (0 = none). */
  featuresPerSession: number;
  /** Delete an aborted session's recordings once the bank was told (except SUSPECTED_FRAUD aborts). */
  deleteRecordingsOnAbort: boolean;
}

/** How evidence is sealed, signed and kept. Keys are imported lazily: see evidence/evidence-keys.ts. */
export interface EvidenceConfig {
  /** The bank's RSA SPKI public key (PEM or base64) that seals artifacts; null = recording refused. */
  publicKeyPem: string | null;
  /** The control plane's Ed25519 PKCS#8 key (base64) that signs manifests; null = no packs. */
  signingKeyPkcs8: string | null;
  /** How long evidence is kept after a session ends. */
  retentionMs: number;
  /** The same for sessions not ending decided/approved; null = retentionMs. */
  unsuccessfulRetentionMs: number | null;
}

/** Thrown when a variable is missing or malformed; the message names the variable, never its value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const MIN_SECRET_LENGTH = 16;

const secret = z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`);

const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, 'must be a positive integer').transform(Number))
    .pipe(z.number().int().positive('must be a positive integer'));

/** "true" or "false" (any case), unset = false. */
const offByDefault = z
  .string()
  .optional()
  .transform((v) => (v ?? 'false').trim().toLowerCase())
  .pipe(z.enum(['true', 'false'], 'must be "true" or "false"'))
  .transform((v) => v === 'true');

const DAY_MS = 86_400_000;

/** Days as a positive decimal ("1826", "0.0001" for a test stack measured in seconds), in ms. */
const days = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a positive number of days')
  .transform(Number)
  .pipe(z.number().positive('must be a positive number of days'))
  .transform((d) => Math.max(1, Math.round(d * DAY_MS)));

/** A similarity score threshold between 0 and 1 ("0.5"); unset or empty = `fallback`. */
const scoreThreshold = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number from 0 to 1').transform(Number));

const emptyAsNull = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/** A JSON object keyId -> secret (BANK_API_KEYS, ADMIN_API_KEYS). */
const keyMap = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object keyId -> secret' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1).max(128), secret, 'must be a JSON object keyId -> secret'));

const fields = {
  PUBLIC_BASE_URL: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim().replace(/\/+$/, '')))
    .pipe(z.url('must be an absolute URL or empty').nullable()),
  SESSION_MAX_MINUTES: positiveInt(30),
  LINK_VALIDITY_MINUTES: positiveInt(15),
  RECONNECT_GRACE_SECONDS: positiveInt(60),
  NODE_HEARTBEAT_TTL_SECONDS: positiveInt(15),
  DEMO_MODE: offByDefault,
  BANK_API_KEYS: z.string('is required (JSON object keyId -> secret)').pipe(keyMap),
  ADMIN_API_KEYS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '{}' : v))
    .pipe(keyMap),
  BANK_API_REVOKED_KEYS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((k) => k.trim()).filter((k) => k !== ''))
    .pipe(z.array(z.string().max(128, 'key ids are at most 128 characters'))),
  TOKEN_SECRET: z.string('is required').pipe(secret),
  CONTROL_PLANE_SIGNING_KEY: z
    .string('is required (an Ed25519 PKCS#8 key in base64)')
    .refine((v) => isBase64Der(v.trim(), true), 'must be an Ed25519 PKCS#8 key (PEM or base64)'),
  ALLOW_HTTP_NODE_URLS: offByDefault,
  WEBHOOK_URL: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()))
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL or empty' }).nullable()),
  WEBHOOK_SECRET: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || parseWebhookSecret(v) !== null, 'must be whsec_<base64 of at least 16 bytes>'),
  EVIDENCE_PUBLIC_KEY: emptyAsNull.refine((v) => v === null || isBase64Der(v, true), 'must be an RSA public key (SPKI PEM or base64) or empty'),
  EVIDENCE_SIGNING_KEY: emptyAsNull.refine((v) => v === null || isBase64Der(v, false), 'must be an Ed25519 PKCS#8 key in base64 or empty'),
  EVIDENCE_RETENTION_DAYS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '1826' : v.trim()))
    .pipe(days),
  EVIDENCE_RETENTION_UNSUCCESSFUL_DAYS: emptyAsNull.pipe(days.nullable()),
  VERIFICATION_CHECKLIST: ChecklistVariable,
  AGENT_ASSIGNMENT: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? 'pick' : v.trim()))
    .pipe(z.enum(AssignmentMode.options, 'must be "pick" or "random"')),
  TURN_URLS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((u) => u.trim()).filter((u) => u !== ''))
    .pipe(
      z
        .array(z.string().max(256).regex(/^turns?:[^\s?]+\?transport=tcp$/, 'must be turn:/turns: URLs ending ?transport=tcp (no UDP)'))
        .max(8, 'at most 8 URLs'),
    ),
  TURN_SHARED_SECRET: emptyAsNull.pipe(secret.nullable()),
  TURN_CREDENTIAL_TTL_SECONDS: positiveInt(3600),
  SESSION_FRAME_BURST: positiveInt(DEFAULT_SESSION_LIMITS.frameBurst),
  SESSION_FRAMES_PER_SECOND: positiveInt(DEFAULT_SESSION_LIMITS.framesPerSecond),
  SESSION_JOINS_PER_MINUTE: positiveInt(DEFAULT_SESSION_LIMITS.joinsPerMinute),
  SESSION_CHAT_LINES: positiveInt(DEFAULT_SESSION_LIMITS.chatLines),
  SESSION_CAPTURES: positiveInt(DEFAULT_SESSION_LIMITS.captures),
  SESSION_SEGMENTS: positiveInt(DEFAULT_SESSION_LIMITS.segments),
  SESSION_AUDIT_ROWS: positiveInt(DEFAULT_SESSION_LIMITS.participantAuditRows),
  REQUIRED_BANK_CHECKS: z
    .string()
    .optional()
    .transform((v) => [...new Set((v ?? '').split(',').map((k) => k.trim()).filter((k) => k !== ''))])
    .pipe(z.array(Slug, 'must be comma-separated check kinds (lowercase slugs)').max(20, 'at most 20 kinds')),
  FACE_MATCH_THRESHOLD: scoreThreshold(DEFAULT_FACE_MATCH_THRESHOLDS.match),
  FACE_MATCH_NO_MATCH_THRESHOLD: scoreThreshold(DEFAULT_FACE_MATCH_THRESHOLDS.noMatch),
  ONE_TIME_CODE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? 'off' : v.trim()))
    .pipe(z.enum(OneTimeCodeRequirement.options, 'must be "off" or "required"')),
  ONE_TIME_CODE_TTL_MINUTES: positiveInt(10),
  SECURITY_FEATURES: SecurityFeaturesVariable,
  SECURITY_FEATURES_PER_SESSION: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '3' : v.trim()))
    .pipe(z.string().regex(/^\d$/, `must be a whole number from 0 to ${MAX_SECURITY_FEATURES_PER_SESSION}`).transform(Number))
    .pipe(z.number().max(MAX_SECURITY_FEATURES_PER_SESSION, `must be a whole number from 0 to ${MAX_SECURITY_FEATURES_PER_SESSION}`)),
  DELETE_RECORDINGS_ON_ABORT: offByDefault,
  ...QUALITY_FIELDS,
} as const;

/** Cheap, synchronous shape check of a key; evidence-keys.ts imports it for real on first use. */
function isBase64Der(text: string, pemAllowed: boolean): boolean {
  try {
    const der = pemAllowed ? pemToDer(text) : /^[A-Za-z0-9+/]+=*$/.test(text) ? fromBase64(text) : null;
    return der !== null && der.length >= 32;
  } catch {
    return false;
  }
}

const EnvSchema = z.object(fields).superRefine((v, ctx) => {
  // Separate keys for separate powers: a bank key must never open the admin API, or the reverse.
  const bankSecrets = new Set(Object.values(v.BANK_API_KEYS));
  for (const [keyId, adminSecret] of Object.entries(v.ADMIN_API_KEYS)) {
    if (Object.hasOwn(v.BANK_API_KEYS, keyId) || bankSecrets.has(adminSecret)) {
      ctx.addIssue({ code: 'custom', path: ['ADMIN_API_KEYS'], message: 'must not reuse a BANK_API_KEYS key id or secret' });
      return;
    }
  }
  if (v.TURN_URLS.length > 0 && v.TURN_SHARED_SECRET === null) {
    ctx.addIssue({ code: 'custom', path: ['TURN_SHARED_SECRET'], message: 'is required when TURN_URLS is set' });
  }
  // A credential that expires mid-call breaks the relay's allocation refresh, and with it the call.
  if (v.TURN_URLS.length > 0 && v.TURN_CREDENTIAL_TTL_SECONDS < v.SESSION_MAX_MINUTES * 60) {
    ctx.addIssue({ code: 'custom', path: ['TURN_CREDENTIAL_TTL_SECONDS'], message: 'must be at least SESSION_MAX_MINUTES in seconds' });
  }
  if (v.FACE_MATCH_NO_MATCH_THRESHOLD > v.FACE_MATCH_THRESHOLD) {
    ctx.addIssue({ code: 'custom', path: ['FACE_MATCH_NO_MATCH_THRESHOLD'], message: 'must not be above FACE_MATCH_THRESHOLD' });
  }
  const catalog = catalogProblem(v.SECURITY_FEATURES, v.SECURITY_FEATURES_PER_SESSION, v.VERIFICATION_CHECKLIST);
  if (catalog !== null) ctx.addIssue({ code: 'custom', path: ['SECURITY_FEATURES'], message: `must suit the draw: ${catalog}` });
  if (v.WEBHOOK_URL !== null && !v.WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when WEBHOOK_URL is set' });
  }
  // Commands carry SDP: plain http to media nodes is for a local stack only.
  if (v.ALLOW_HTTP_NODE_URLS && v.PUBLIC_BASE_URL?.startsWith('https:')) {
    ctx.addIssue({ code: 'custom', path: ['ALLOW_HTTP_NODE_URLS'], message: 'must be "false" with an https PUBLIC_BASE_URL (commands to media nodes travel over https)' });
  }
  // The demo lists every live session with fresh tokens: a local convenience, never on a public https site.
  if (v.DEMO_MODE && v.PUBLIC_BASE_URL?.startsWith('https:')) {
    ctx.addIssue({ code: 'custom', path: ['DEMO_MODE'], message: 'must be "false" with an https PUBLIC_BASE_URL (the demo hands out session links to anyone)' });
  }
});

const cache = new WeakMap<object, Config>();

/**
 * Parses the Worker's env once per env object (the runtime hands the same object to every request
 * of an isolate). Throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path[0] !== undefined ? String(issue.path[0]) : 'environment';
    throw new ConfigError(`config: ${variable} ${issue?.message ?? 'is invalid'}`);
  }
  const v = parsed.data;
  const config: Config = {
    publicBaseUrl: v.PUBLIC_BASE_URL,
    sessionMaxMinutes: v.SESSION_MAX_MINUTES,
    // A link cannot outlive the session it opens.
    linkValidityMinutes: Math.min(v.LINK_VALIDITY_MINUTES, v.SESSION_MAX_MINUTES),
    reconnectGraceSeconds: v.RECONNECT_GRACE_SECONDS,
    nodeHeartbeatTtlSeconds: v.NODE_HEARTBEAT_TTL_SECONDS,
    demoMode: v.DEMO_MODE,
    bankApiKeys: v.BANK_API_KEYS,
    bankApiRevokedKeys: new Set(v.BANK_API_REVOKED_KEYS),
    adminApiKeys: v.ADMIN_API_KEYS,
    tokenSecret: v.TOKEN_SECRET,
    controlPlaneSigningKey: v.CONTROL_PLANE_SIGNING_KEY.trim(),
    allowHttpNodeUrls: v.ALLOW_HTTP_NODE_URLS,
    webhook: v.WEBHOOK_URL !== null && v.WEBHOOK_SECRET ? { url: v.WEBHOOK_URL, secret: v.WEBHOOK_SECRET } : null,
    evidence: {
      // One canonical PEM whatever the variable's armour: the nodes and pages are handed this text.
      publicKeyPem: v.EVIDENCE_PUBLIC_KEY === null ? null : derToPem(pemToDer(v.EVIDENCE_PUBLIC_KEY), 'PUBLIC KEY'),
      signingKeyPkcs8: v.EVIDENCE_SIGNING_KEY,
      retentionMs: v.EVIDENCE_RETENTION_DAYS,
      unsuccessfulRetentionMs: v.EVIDENCE_RETENTION_UNSUCCESSFUL_DAYS,
    },
    checklist: v.VERIFICATION_CHECKLIST,
    agentAssignment: v.AGENT_ASSIGNMENT,
    turn:
      v.TURN_URLS.length > 0 && v.TURN_SHARED_SECRET !== null
        ? { urls: v.TURN_URLS, secret: v.TURN_SHARED_SECRET, ttlSeconds: v.TURN_CREDENTIAL_TTL_SECONDS }
        : null,
    limits: {
      frameBurst: v.SESSION_FRAME_BURST,
      framesPerSecond: v.SESSION_FRAMES_PER_SECOND,
      joinsPerMinute: v.SESSION_JOINS_PER_MINUTE,
      chatLines: v.SESSION_CHAT_LINES,
      captures: v.SESSION_CAPTURES,
      segments: v.SESSION_SEGMENTS,
      participantAuditRows: v.SESSION_AUDIT_ROWS,
    },
    requiredBankChecks: v.REQUIRED_BANK_CHECKS,
    faceMatchThresholds: { match: v.FACE_MATCH_THRESHOLD, noMatch: v.FACE_MATCH_NO_MATCH_THRESHOLD },
    procedure: {
      oneTimeCode: v.ONE_TIME_CODE,
      oneTimeCodeTtlMs: v.ONE_TIME_CODE_TTL_MINUTES * 60_000,
      securityFeatures: v.SECURITY_FEATURES,
      featuresPerSession: v.SECURITY_FEATURES_PER_SESSION,
      deleteRecordingsOnAbort: v.DELETE_RECORDINGS_ON_ABORT,
    },
    qualityThresholds: qualityThresholds(v),
  };
  cache.set(env, config);
  return config;
}
