import * as z from 'zod/mini';
import { ChecklistItemId } from './checklist.ts';
import { Timestamp } from './common.ts';
import { KnownDocumentType } from './document.ts';
import { randomBelow, sampleIndexes, type RandomSource } from './session-random.ts';

/*
 * Security features chosen per session (issue 15). The bank configures a catalog per document type
 * (SECURITY_FEATURES); once the agent confirms the document's type the session draws N features of
 * DIFFERENT categories at random (a CSPRNG in the session object), so nobody can prepare a forgery
 * for a known set. They become checklist items of this session only (approval needs them ticked),
 * and the customer's page shows how to present each one (tilt, light, zoom).
 */

/** What kind of feature it is: the draw takes at most one of each. */
export const SecurityFeatureCategory = z.enum(['hologram', 'ink', 'print', 'portrait', 'relief', 'window']);
export type SecurityFeatureCategory = z.infer<typeof SecurityFeatureCategory>;

/** How the customer shows it: tilt the card slowly, hold it toward the light, bring it close. */
export const SecurityFeatureShow = z.enum(['tilt', 'light', 'zoom']);
export type SecurityFeatureShow = z.infer<typeof SecurityFeatureShow>;

const Label = z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(120, 'must be at most 120 characters'));

/** One feature: its id doubles as the checklist item id (and the `security-feature-<id>` test id). */
export const SecurityFeature = z.strictObject({
  id: ChecklistItemId,
  category: SecurityFeatureCategory,
  show: SecurityFeatureShow,
  ko: Label,
  en: Label,
  /** Chinese (zh-Hans); optional, a Chinese page falls back to `en`. */
  zh: z.optional(Label),
});
export type SecurityFeature = z.infer<typeof SecurityFeature>;

/** The document types a catalog can name (an unknown document has no features to check). */
export const CatalogDocumentType = KnownDocumentType;
export type CatalogDocumentType = z.infer<typeof CatalogDocumentType>;

/** Most features drawn per session (SECURITY_FEATURES_PER_SESSION). */
export const MAX_SECURITY_FEATURES_PER_SESSION = 5;

const FeatureList = z
  .array(SecurityFeature)
  .check(
    z.minLength(1, 'must list at least one feature'),
    z.maxLength(20, 'must list at most 20 features'),
    z.refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'feature ids must be unique within a document type'),
  );

/** The configured catalog: per document type its features; a type left out has none drawn. */
export const SecurityFeatureCatalog = z.partialRecord(CatalogDocumentType, FeatureList);
export type SecurityFeatureCatalog = z.infer<typeof SecurityFeatureCatalog>;

/** The features one session drew, for the document type the agent confirmed. */
export const DrawnSecurityFeatures = z.object({
  documentType: CatalogDocumentType,
  drawnAt: Timestamp,
  features: z.array(SecurityFeature).check(z.minLength(1), z.maxLength(MAX_SECURITY_FEATURES_PER_SESSION)),
});
export type DrawnSecurityFeatures = z.infer<typeof DrawnSecurityFeatures>;

/** How many distinct categories a feature list has (a draw takes at most one feature of each). */
export function categoryCount(features: readonly SecurityFeature[]): number {
  return new Set(features.map((f) => f.category)).size;
}

/**
 * Draws min(count, categories) features of different categories: first the categories, uniformly
 * without repetition, then one feature uniformly within each. Pure over `random` (tests seed it).
 */
export function drawSecurityFeatures(features: readonly SecurityFeature[], count: number, random?: RandomSource): SecurityFeature[] {
  const byCategory = new Map<SecurityFeatureCategory, SecurityFeature[]>();
  for (const f of features) byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f]);
  const groups = [...byCategory.values()];
  return sampleIndexes(groups.length, Math.min(count, groups.length), random).map((g) => {
    const group = groups[g]!;
    return group[randomBelow(group.length, random)]!;
  });
}

const f = (id: string, category: SecurityFeatureCategory, show: SecurityFeatureShow, ko: string, en: string, zh: string): SecurityFeature => ({ id, category, show, ko, en, zh });

/* Features worded alike on every document that has them; `type` is the id's prefix (rc_microprint). */
const ghostImage = (type: string, en: string, zh: string) => f(`${type}_ghost_image`, 'portrait', 'tilt', '기울이면 보조 사진(고스트 이미지)이 보입니다', en, zh);
const microprint = (type: string) => f(`${type}_microprint`, 'print', 'zoom', '가까이 대면 미세문자가 선명하게 읽힙니다', 'The microprint reads sharply close to the camera', '靠近镜头时微缩文字清晰可读');
const embossedText = (type: string) => f(`${type}_embossed_text`, 'relief', 'light', '비스듬한 빛에 돋음새김 글자가 보입니다', 'The embossed text shows in raking light', '在斜射光下可见凸印文字');

/**
 * What a bank gets unless it configures SECURITY_FEATURES: the features of the current Korean
 * cards and passport that show on a video call (UV and infrared ones do not).
 */
export const DEFAULT_SECURITY_FEATURES: SecurityFeatureCatalog = {
  'kr-resident-card': [
    f('rc_taegeuk_hologram', 'hologram', 'tilt', '기울이면 태극 문양 홀로그램이 보입니다', 'The taegeuk-pattern hologram shows when the card is tilted', '倾斜证件时可见太极图案全息标识'),
    ghostImage('rc', 'The ghost image (second portrait) shows when the card is tilted', '倾斜证件时可见辅助照片（影像照片）'),
    f('rc_laser_photo', 'portrait', 'light', '사진이 레이저로 새겨져 있습니다 (인쇄가 아님)', 'The photo is laser-engraved, not printed', '照片为激光雕刻，而非印刷'),
    f('rc_colour_shift_ink', 'ink', 'tilt', '기울이면 색변환 잉크의 색이 바뀝니다', 'The colour-shifting ink changes colour when the card is tilted', '倾斜证件时变色油墨会改变颜色'),
    microprint('rc'),
    embossedText('rc'),
  ],
  'kr-driver-licence': [
    f('dl_hologram', 'hologram', 'tilt', '기울이면 홀로그램 무늬가 보입니다', 'The hologram pattern shows when the licence is tilted', '倾斜驾照时可见全息图案'),
    ghostImage('dl', 'The ghost image shows when the licence is tilted', '倾斜驾照时可见辅助照片（影像照片）'),
    f('dl_colour_shift_ink', 'ink', 'tilt', '기울이면 색변환 잉크의 색이 바뀝니다', 'The colour-shifting ink changes colour when tilted', '倾斜时变色油墨会改变颜色'),
    microprint('dl'),
    f('dl_guilloche', 'print', 'zoom', '가까이 대면 가는 곡선 무늬(길로셰)가 끊김 없이 보입니다', 'The fine guilloche lines are unbroken close up', '近看时精细的扭索纹线条连续不断'),
    embossedText('dl'),
  ],
  passport: [
    f('pp_data_page_hologram', 'hologram', 'tilt', '기울이면 정보면의 태극·무궁화 홀로그램이 보입니다', 'The data page hologram (taegeuk and mugunghwa) shows when tilted', '倾斜时可见资料页上的太极与木槿花全息图案'),
    ghostImage('pp', 'The ghost image shows when the page is tilted', '倾斜资料页时可见辅助照片（影像照片）'),
    f('pp_laser_perforation', 'window', 'light', '빛에 비추면 여권번호 레이저 천공이 보입니다', 'The laser-perforated number shows against the light', '对着光可见激光穿孔的护照号码'),
    f('pp_ovi_ink', 'ink', 'tilt', '기울이면 광변색 잉크의 색이 바뀝니다', 'The optically variable ink changes colour when tilted', '倾斜时光变油墨会改变颜色'),
    microprint('pp'),
  ],
  'kr-alien-card': [
    f('ac_hologram', 'hologram', 'tilt', '기울이면 홀로그램 무늬가 보입니다', 'The hologram pattern shows when the card is tilted', '倾斜证件时可见全息图案'),
    ghostImage('ac', 'The ghost image shows when the card is tilted', '倾斜证件时可见辅助照片（影像照片）'),
    f('ac_colour_shift_ink', 'ink', 'tilt', '기울이면 색변환 잉크의 색이 바뀝니다', 'The colour-shifting ink changes colour when tilted', '倾斜证件时变色油墨会改变颜色'),
    microprint('ac'),
    embossedText('ac'),
  ],
};
