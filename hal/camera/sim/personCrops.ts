/** A rectangle in pixels. */
export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Single-person photos in `@vladmandic/human/assets/samples.jpg` (its top row of thumbnails,
 * 158 px tall), cropped to one whole person or upper body each so a COCO detector finds
 * exactly one "person" per sprite. Ordered by how surely centernet finds them (person
 * scores measured at 60 % of a 640×360 frame, letterboxed to 512×512): the default two
 * simulated people use the first two.
 */
export const PERSON_CROPS: readonly CropRect[] = [
  { left: 12, top: 0, width: 130, height: 158 }, // rendered woman in a white dress, full body (0.86)
  { left: 164, top: 0, width: 153, height: 158 }, // woman in navy, upper body (0.77)
  { left: 362, top: 0, width: 168, height: 158 }, // man in a suit at a table, upper body (0.71)
  { left: 680, top: 0, width: 108, height: 158 }, // woman in grey, standing (0.63)
  { left: 545, top: 0, width: 89, height: 158 }, // woman in a red skirt, full body (0.60)
];
