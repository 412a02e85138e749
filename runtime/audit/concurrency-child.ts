// Test helper for concurrency.test.ts: appends `count` entries to one log, either as a child
// process (`bun concurrency-child.ts <log> <stateDb> <count> <writer>`) or as a worker thread
// (the same four values in workerData). Waits for a start file so all writers overlap.
import { existsSync } from "node:fs";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { AuditLog } from "./audit-log.ts";
import { record } from "./test-helpers.ts";

const [log, stateDb, count, writer] = (isMainThread ? process.argv.slice(2) : (workerData as string[])) as [string, string, string, string];
const go = `${log}.go`;
while (!existsSync(go)) Bun.sleepSync(2);

const audit = AuditLog.open(log, { stateDb });
let maxWaitMs = 0;
for (let i = 0; i < Number(count); i++) {
  const t = performance.now();
  audit.append(record({ parameters: { writer, i } }));
  maxWaitMs = Math.max(maxWaitMs, performance.now() - t);
  // Real tool calls are spaced out; without a pause the lock holder re-takes the lock before
  // SQLite's busy handler wakes the others, and the writers would barely interleave.
  Bun.sleepSync(1);
}
if (process.env.AUDIT_CHILD_REPORT) console.error(`${writer} max append ms ${maxWaitMs.toFixed(1)}`);
audit.close();
parentPort?.postMessage("done");
