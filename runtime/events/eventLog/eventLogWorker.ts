/**
 * Entry point of the event log writer thread (bundled as dist/eventLogWorker.mjs). It owns a
 * second connection to the database and group-commits the acknowledged ingest path's writes
 * (events, their audit rows, incidents), so SQLite's work runs on the second core while the main
 * thread validates, deduplicates and aggregates the next events. A write is reported done only
 * after the commit that holds it is fsync'd.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../store/database';
import { GroupCommitWriter } from '../../store/groupCommitWriter';
import { EventStore } from '../eventStore';
import { indexFtsBacklog } from '../ftsBacklog';
import {
  type EventLogWorkerData,
  type FromEventLogWriter,
  type ToEventLogWriter,
  type WriteFailure,
  writeFailureOf,
} from './eventLogProtocol';
import { applyEventLogWrite } from './eventLogWrites';

const port = parentPort;
if (!port) throw new Error('eventLogWorker.ts runs as a worker thread, started by EventLog');
const send = (message: FromEventLogWriter) => port.postMessage(message);
const { file, maxBatch } = workerData as EventLogWorkerData;

/**
 * Test hook for the crash-only path (test/runtime/events/eventLog/writerThreadDeath.test.ts): with
 * NODE_ENV=test and VIGIL_TEST_KILL_WRITER_AFTER=N, the thread exits right after its Nth commit,
 * before saying so, as a thread that dies mid-work would. Ignored outside tests.
 */
const killAfterCommits =
  process.env.NODE_ENV === 'test' ? Number(process.env.VIGIL_TEST_KILL_WRITER_AFTER ?? 0) : 0;
let commitCount = 0;

let results: Array<[number, WriteFailure | null]> = [];
let commits: Array<[number, number]> = [];
let replyScheduled = false;
const inFlight = new Set<Promise<void>>();

/**
 * How often the descriptions routing stored are added to the full-text index, in one statement
 * that shares the next group commit (ftsBacklog.ts): a few index segments a second instead of one
 * per routing commit. Searches index what is left first, so they never miss one.
 */
const FTS_INDEX_EVERY_MS = 500;

/** One reply per turn of the event loop carries every write finished in it. */
function reply(): void {
  replyScheduled = false;
  if (results.length === 0 && commits.length === 0) return;
  send({ kind: 'done', results, commits });
  results = [];
  commits = [];
}

function scheduleReply(): void {
  if (replyScheduled) return;
  replyScheduled = true;
  setImmediate(reply);
}

try {
  const db = openDatabase(file);
  // It appends to the event log's tables and indexes: the pages on the way to their ends fit in
  // 4 MiB; the reading connection on the main thread keeps the big cache.
  db.pragma('cache_size = -4096');
  const store = new EventStore(db);
  // The main thread hands writes over in batches, so each message brings its own company: no
  // waiting for more, a batch commits as soon as the thread is free (storage.group_commit's
  // delay is for writers fed one write at a time).
  const writer = new GroupCommitWriter(db, {
    maxBatch,
    maxDelayMs: 0,
    onCommit: (size, ms) => {
      commitCount += 1;
      if (killAfterCommits > 0 && commitCount >= killAfterCommits) process.exit(70);
      commits.push([size, ms]);
      scheduleReply();
    },
  });
  // Set by a routing batch (which may queue descriptions); only then is there anything to index.
  let routed = false;
  const indexDescriptions = () => {
    if (!routed) return;
    routed = false;
    writer.write(indexFtsBacklog).catch(() => {
      // Still queued in the database: the next round (or the next search) indexes them.
      routed = true;
    });
  };
  const indexing = setInterval(indexDescriptions, FTS_INDEX_EVERY_MS);
  port.on('message', async (message: ToEventLogWriter) => {
    if (message.kind === 'writes') {
      for (const [seq, write] of message.writes) {
        if (write.op === 'route') routed = true;
        const finish = (failure: WriteFailure | null) => {
          results.push([seq, failure]);
          inFlight.delete(done);
          scheduleReply();
        };
        const done: Promise<void> = writer
          .write(() => applyEventLogWrite(store, write))
          .then(
            () => finish(null),
            (err: unknown) => finish(writeFailureOf(err)),
          );
        inFlight.add(done);
      }
      return;
    }
    clearInterval(indexing);
    indexDescriptions();
    writer.close();
    await Promise.allSettled([...inFlight]);
    reply();
    db.close();
    send({ kind: 'closed' });
    // No listener left: the thread ends once its messages are out (port.close() could drop them).
    port.removeAllListeners('message');
  });
  send({ kind: 'ready' });
} catch (err) {
  send({ kind: 'open-failed', failure: writeFailureOf(err) });
}
