/*
 * Head pose and eye openness of one face from what Human's face mesh already gives (issue 15: the
 * liveness challenges), so no extra model (iris, attention) is downloaded. Pure.
 */
import type { FacePose } from './face-choice.ts';

type Point = readonly (number | undefined)[];

/** Human's rotation angles (radians) in degrees, rounded to a tenth. */
export function poseDegrees(angle: { yaw: number; pitch: number; roll: number }): FacePose {
  const deg = (r: number) => Math.round((r * 1800) / Math.PI) / 10;
  return { yaw: deg(angle.yaw), pitch: deg(angle.pitch), roll: deg(angle.roll) };
}

/**
 * Eye landmarks of MediaPipe's 468-point face mesh (which Human's facemesh is): per eye the two
 * corners, then two points on the upper lid and the two below them on the lower lid.
 */
const EYES = [
  { corners: [33, 133], upper: [160, 158], lower: [144, 153] },
  { corners: [362, 263], upper: [385, 387], lower: [380, 373] },
] as const;

const distance = (a: Point, b: Point) => Math.hypot((a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0));

/**
 * The eye aspect ratio (Soukupová and Čech, 2016) averaged over both eyes: the mean lid gap over the
 * eye's width. About 0.25-0.35 open, below ~0.15 closed; a blink is a brief dip. Undefined without
 * a full mesh.
 */
export function eyeOpenness(mesh: readonly Point[] | undefined): number | undefined {
  if (!mesh || mesh.length < 468) return undefined;
  const ratios = EYES.map(({ corners, upper, lower }) => {
    const width = distance(mesh[corners[0]]!, mesh[corners[1]]!);
    if (width <= 0) return undefined;
    return (distance(mesh[upper[0]]!, mesh[lower[0]]!) + distance(mesh[upper[1]]!, mesh[lower[1]]!)) / (2 * width);
  }).filter((r): r is number => r !== undefined);
  if (ratios.length === 0) return undefined;
  return Math.round((ratios.reduce((a, b) => a + b, 0) / ratios.length) * 1000) / 1000;
}
