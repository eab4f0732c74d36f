import { createDetector } from '../../../hal/accel/createDetector';
import { COCO_LABELS } from '../../../models/cocoLabels';
import { memoryLogger } from '../../helpers/memoryLogger';
import { detectorContract } from './detectorContract';
import { SAMPLE_REGIONS, sampleImage } from './fixtures/images';

const { logger } = memoryLogger();

// A file of its own so it runs beside the others: the plain-JS backend needs 10-25 s per
// centernet inference here, so the contract gets one image.
detectorContract(
  'cpu',
  () => ({
    detector: createDetector('default', { type: 'cpu', model: 'centernet' }, { logger }),
    labels: COCO_LABELS,
  }),
  { images: async () => [await sampleImage(SAMPLE_REGIONS.seatedWoman)] },
);
