import {
  categoryCount,
  CatalogDocumentType,
  DEFAULT_SECURITY_FEATURES,
  describeIssues,
  drawSecurityFeatures,
  SecurityFeatureCatalog,
  type ChecklistItem,
  type DocumentType,
  type DrawnSecurityFeatures,
  type RandomSource,
} from '@vident/protocol';
import { z } from 'zod';

/*
 * Security features chosen per session (issue 15): the SECURITY_FEATURES catalog, the draw when the
 * document type becomes known, and the checklist items the draw adds. Pure: the session procedure
 * stores, audits and delivers.
 */

/**
 * The SECURITY_FEATURES variable: a JSON object documentType -> [{id, category, show, ko, en}], as
 * text or already a JSON value. Empty or unset means DEFAULT_SECURITY_FEATURES.
 */
export const SecurityFeaturesVariable = z.unknown().optional().transform((raw, ctx): SecurityFeatureCatalog => {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return DEFAULT_SECURITY_FEATURES;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object documentType -> [{id, category, show, ko, en}]' });
      return z.NEVER;
    }
  }
  const parsed = SecurityFeatureCatalog.safeParse(value);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: `must be a JSON object documentType -> [{id, category, show, ko, en}]: ${describeIssues(parsed.error)}` });
    return z.NEVER;
  }
  return parsed.data;
});

/**
 * Why a catalog cannot serve `perSession` draws beside `checklist`, or null: every listed document
 * type needs that many categories (the draw takes one of each), and no feature id may be a
 * configured checklist item's id (the agent's ticks would be ambiguous).
 */
export function catalogProblem(catalog: SecurityFeatureCatalog, perSession: number, checklist: readonly ChecklistItem[]): string | null {
  const checklistIds = new Set(checklist.map((i) => i.id));
  for (const [type, features] of Object.entries(catalog)) {
    if (perSession > 0 && categoryCount(features) < perSession) return `${type} has ${categoryCount(features)} categories; SECURITY_FEATURES_PER_SESSION needs ${perSession}`;
    const clash = features.find((f) => checklistIds.has(f.id));
    if (clash) return `feature id ${clash.id} is also a VERIFICATION_CHECKLIST item id`;
  }
  return null;
}

/**
 * The features to draw now that the document is of `type`, or null when nothing changes: an unknown
 * type or one without a catalog entry, none wanted, or already drawn for this type (a repeated
 * confirmation must not let the agent draw again until the set suits).
 */
export function featureDraw(
  current: DrawnSecurityFeatures | undefined,
  catalog: SecurityFeatureCatalog,
  perSession: number,
  type: DocumentType,
  at: string,
  random?: RandomSource,
): DrawnSecurityFeatures | null {
  const known = CatalogDocumentType.safeParse(type);
  if (!known.success || perSession === 0 || current?.documentType === known.data) return null;
  const features = catalog[known.data];
  if (!features) return null;
  return { documentType: known.data, drawnAt: at, features: drawSecurityFeatures(features, perSession, random) };
}

/** The drawn features as this session's extra checklist items. */
export function featureChecklist(drawn: DrawnSecurityFeatures | undefined): ChecklistItem[] {
  return (drawn?.features ?? []).map((f) => ({ id: f.id, ko: f.ko, en: f.en, ...(f.zh === undefined ? {} : { zh: f.zh }) }));
}
