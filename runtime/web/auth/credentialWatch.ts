import { statSync } from 'node:fs';
import { credentialFingerprint, readAdminCredential } from './adminCredential';

/**
 * The admin credential on disk, as sessions are checked against it at every request: a
 * `vigil admin-password --reset` (another process) replaces the file, and the next request sees
 * it. Costs one stat per request; the file is read again only when it changed (new inode, size
 * or times: the reset renames a new file into place).
 */
export class CredentialWatch {
  readonly #file: string;
  readonly #onError: (err: unknown) => void;
  #signature: string | undefined;
  #fingerprint: string | null = null;

  /** `onError` hears a credential that cannot be read, once per change of the file. */
  constructor(file: string, onError: (err: unknown) => void) {
    this.#file = file;
    this.#onError = onError;
  }

  /** The fingerprint of the credential now, or null when there is none or it cannot be read (no session is valid then). */
  current(): string | null {
    let signature: string;
    try {
      const stats = statSync(this.#file, { bigint: true });
      signature = `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
    } catch (err) {
      return this.#failed('missing', err);
    }
    if (signature === this.#signature) return this.#fingerprint;
    try {
      const credential = readAdminCredential(this.#file);
      this.#signature = signature;
      this.#fingerprint = credential ? credentialFingerprint(credential) : null;
      return this.#fingerprint;
    } catch (err) {
      return this.#failed(signature, err);
    }
  }

  #failed(signature: string, err: unknown): null {
    if (signature !== this.#signature) this.#onError(err);
    this.#signature = signature;
    this.#fingerprint = null;
    return null;
  }
}
