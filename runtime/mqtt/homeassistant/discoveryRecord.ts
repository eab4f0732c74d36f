import type { Database } from 'better-sqlite3';
import type { GroupCommitWriter } from '../../store/groupCommitWriter';

/**
 * The discovery topics this appliance has published (`mqtt_discovery`), so that an entity
 * that no longer exists (a camera removed from the config, a label no longer tracked) can be
 * deleted from Home Assistant by an empty retained config, even across restarts.
 */
export class DiscoveryRecord {
  readonly #db: Database;
  readonly #writer: GroupCommitWriter;

  constructor(db: Database, writer: GroupCommitWriter) {
    this.#db = db;
    this.#writer = writer;
  }

  topics(): string[] {
    const rows = this.#db.prepare('SELECT topic FROM mqtt_discovery ORDER BY topic').all() as Array<{
      topic: string;
    }>;
    return rows.map((row) => row.topic);
  }

  /** Records topics before they are published: a topic recorded but never sent costs one needless delete later, one sent but not recorded would never be deleted. */
  async remember(topics: readonly string[], at = Date.now()): Promise<void> {
    if (topics.length === 0) return;
    await this.#writer.write((db) => {
      const upsert = db.prepare(
        'INSERT INTO mqtt_discovery (topic, published_at) VALUES (?, ?) ON CONFLICT (topic) DO UPDATE SET published_at = excluded.published_at',
      );
      for (const topic of topics) upsert.run(topic, at);
    });
  }

  async forget(topic: string): Promise<void> {
    await this.#writer.write((db) => db.prepare('DELETE FROM mqtt_discovery WHERE topic = ?').run(topic));
  }
}
