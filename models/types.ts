/** A tensor going into or coming out of a model. */
export interface TensorData {
  data: Float32Array;
  shape: number[];
}

/** A box as [x1, y1, x2, y2], fractions (0..1) of the image it was found in. */
export type NormalizedBox = [number, number, number, number];

/** One object a detector found. */
export interface Detection {
  /** COCO label name: person, car, dog, … */
  label: string;
  /** 0..1 */
  score: number;
  box: NormalizedBox;
}
