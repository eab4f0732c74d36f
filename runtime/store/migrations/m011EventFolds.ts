import type { Migration } from './index';

/**
 * The ids of reports folded into an earlier event as same-state repeats, so a producer can still
 * look its id up (`GET /api/v1/events/:id` answers with the event it was folded into) and a
 * replay of it gets its first answer. A fold is kept as long as its event: it goes with it.
 */
export const eventFolds: Migration = {
  version: 11,
  name: 'event_folds',
  sql: `
    CREATE TABLE event_folds (
      id       TEXT    PRIMARY KEY,
      event_id TEXT    NOT NULL REFERENCES events(id) ON DELETE CASCADE,
      at       INTEGER NOT NULL,
      reason   TEXT    NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX event_folds_event ON event_folds (event_id);
  `,
};
