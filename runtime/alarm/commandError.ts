import { RequestError } from '../../base/requestError';

/**
 * A command (switch an output, change the mode) that cannot be carried out as asked: an
 * unknown output, a negative duration, a mode that does not exist. Nothing was changed.
 */
export class CommandError extends RequestError {
  override name = 'CommandError';
}
