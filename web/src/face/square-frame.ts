/*
 * Faces are described on a square picture. Human's face pipeline fits the whole image into its
 * square detector input; a 16:9 frame (every call frame, every capture of it) comes out squeezed, and
 * measured on this engine two different people then scored 0.46-0.57 against each other (over the
 * published 0.5 "match") where the same pictures padded to a square scored 0.17-0.29, the same person
 * staying at 0.62-0.87. So the worker centres each image on a black square first (pure geometry here)
 * and maps the face boxes back to the image's own coordinates.
 */

/** Where an image of `width` x `height` sits centred on the square that holds it. */
export interface SquareFrame {
  size: number;
  offsetX: number;
  offsetY: number;
}

export function squareFrame(width: number, height: number): SquareFrame {
  const size = Math.max(width, height);
  return { size, offsetX: Math.floor((size - width) / 2), offsetY: Math.floor((size - height) / 2) };
}

/** A box found on the square, in the image's own coordinates. */
export function boxInImage(box: { x: number; y: number; width: number; height: number }, frame: SquareFrame) {
  return { x: box.x - frame.offsetX, y: box.y - frame.offsetY, width: box.width, height: box.height };
}
