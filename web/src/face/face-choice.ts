/*
 * Which face of an image is compared (pure). An ID capture shows the card's photo (and on some cards
 * a small second "ghost" portrait); a live frame shows the customer, maybe someone behind them. The
 * face compared is the largest one the detector is confident about; the others are counted, so a
 * second person in the live frame can be shown to the agent.
 */

/** A box in the image's pixels. */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One face as the face worker found it. */
export interface DetectedFace {
  box: FaceBox;
  /** The detector's confidence, 0-1. */
  score: number;
  /** The face-description model's embedding (1024 numbers for faceres). */
  embedding: number[];
  /** Anti-spoofing model: how likely a real face rather than a photo or a screen, 0-1 (a hint). */
  real?: number;
  /** Liveness model: how likely a live face, 0-1 (a hint). */
  live?: number;
  /** Head pose from the face mesh, degrees in the image (Human's rotation angles): for the liveness challenges. */
  pose?: FacePose;
  /** Eye aspect ratio from the mesh's eyelid landmarks, both eyes averaged (see eyeOpenness in face-pose.ts). */
  eyeOpenness?: number;
}

/** Head pose in degrees as Human reports it (yaw: turn, pitch: nod, roll: tilt). */
export interface FacePose {
  yaw: number;
  pitch: number;
  roll: number;
}

/**
 * Below this detection score a face is neither compared nor counted: faceres embeddings of shaky
 * detections (a pattern, a face-like shadow) are not worth a score.
 */
export const MIN_FACE_SCORE = 0.5;

/**
 * A face smaller than this share of the chosen face's height is not counted as another person (a
 * portrait on the wall far behind, the card's ghost image); it is still never chosen over a larger one.
 */
export const OTHER_FACE_MIN_RELATIVE_HEIGHT = 0.3;

export type FaceChoice =
  | { outcome: 'no_face' }
  | {
      outcome: 'face';
      face: DetectedFace;
      /** Faces counted in the image, the chosen one included. */
      faceCount: number;
    };

/** The face to compare: the largest confident face with an embedding; `no_face` when there is none. */
export function chooseFace(faces: readonly DetectedFace[]): FaceChoice {
  const usable = faces.filter((f) => f.score >= MIN_FACE_SCORE && f.embedding.length > 0 && f.box.width > 0 && f.box.height > 0);
  if (usable.length === 0) return { outcome: 'no_face' };
  const area = (f: DetectedFace) => f.box.width * f.box.height;
  // Largest first; between two boxes of the same size, the more confident one.
  const [face] = [...usable].sort((a, b) => area(b) - area(a) || b.score - a.score) as [DetectedFace, ...DetectedFace[]];
  const faceCount = usable.filter((f) => f === face || f.box.height >= face.box.height * OTHER_FACE_MIN_RELATIVE_HEIGHT).length;
  return { outcome: 'face', face, faceCount };
}

/** The face chosen in an image (chooseFace), as the page uses it. */
export interface FaceDescription {
  /** faceres's embedding; stays in the page (never sent, never stored). */
  embedding: number[];
  /** Where the face is, in the image's pixels. */
  box: FaceBox;
  /** The detector's confidence, 0-1. */
  score: number;
  /** Faces counted in the image (the chosen one included): more than 1 on a live frame is worth a look. */
  faceCount: number;
  /** Anti-spoofing and liveness models, 0-1: hints for the agent, never a decision. */
  real?: number;
  live?: number;
  /** Head pose and eye openness (liveness challenges, issue 15); absent without a mesh. */
  pose?: FacePose;
  eyeOpenness?: number;
  imageWidth: number;
  imageHeight: number;
}

/** The description of the face chooseFace picks among `faces`, or null when there is none. */
export function describeChosenFace(faces: readonly DetectedFace[], imageWidth: number, imageHeight: number): FaceDescription | null {
  const choice = chooseFace(faces);
  if (choice.outcome === 'no_face') return null;
  const { face, faceCount } = choice;
  return {
    embedding: face.embedding,
    box: face.box,
    score: face.score,
    faceCount,
    ...(face.real !== undefined ? { real: face.real } : {}),
    ...(face.live !== undefined ? { live: face.live } : {}),
    ...(face.pose !== undefined ? { pose: face.pose } : {}),
    ...(face.eyeOpenness !== undefined ? { eyeOpenness: face.eyeOpenness } : {}),
    imageWidth,
    imageHeight,
  };
}
