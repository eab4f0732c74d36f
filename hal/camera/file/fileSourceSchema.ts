import { Type } from '@sinclair/typebox';
import { strictObject } from '../../../base/schema';

/** The `file` driver's section of `cameras.<name>.source`. */
export const FileSourceSchema = strictObject(
  {
    driver: Type.Literal('file', { description: 'A video file, for testing and demos.' }),
    path: Type.String({ minLength: 1, description: 'Path of the video file.' }),
    loop: Type.Boolean({ default: true, description: 'Start again at the end of the file.' }),
    realtime: Type.Boolean({
      default: true,
      description: 'Pace frames at the file frame rate instead of as fast as possible.',
    }),
  },
  { description: 'A video file played as a camera.' },
);
