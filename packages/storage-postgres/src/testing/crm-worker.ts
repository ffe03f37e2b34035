// A separate Node process that uses a whole crmkit workspace on the PostgreSQL server, for the
// tests where a process dies at the worst moment. Prints one JSON line when it is done (or dies).
import { createCrm, crmStorageSchema } from "@crmkit/core";
import { openPostgresStorage } from "../postgres-storage.js";

const [url, schemaName, mode, arg] = process.argv.slice(2) as [string, string, string, string?];
const storage = await openPostgresStorage({
  schema: crmStorageSchema,
  connection: { connectionString: url, maxConnections: 2 },
  schemaName,
});
const crm = await createCrm({ storage, timezone: "Europe/Paris" });

if (mode === "miss-and-die") {
  // Marks the booked call missed, and dies the moment the write has committed: the bus tells the
  // automation service first (which only begins reading), then this listener kills the process.
  const [booked] = await crm.activities.forContact("ada");
  crm.events.on("activity.missed", () => {
    process.kill(process.pid, "SIGKILL");
  });
  await crm.activities.markMissed(booked!.id);
  process.stdout.write("survived\n");
} else if (mode === "drain") {
  const report = await crm.scoring.drain({ batchSize: 25 });
  await storage.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else if (mode === "drain-and-die") {
  // Drains, and dies the moment its third scoring batch has committed: the rest stays queued.
  let scored = 0;
  storage.watch?.((batch) => {
    if (batch.origin === "local" && batch.changes.some((c) => c.collection === "score_cards"))
      if (++scored === 3) process.kill(process.pid, "SIGKILL");
  });
  await crm.scoring.drain({ batchSize: 25 });
  process.stdout.write("survived\n");
} else if (mode === "erase-and-die") {
  // Erases a contact, and dies the moment the erasure's third write batch has committed.
  let batches = 0;
  storage.watch?.((batch) => {
    if (batch.origin === "local" && ++batches === 3) process.kill(process.pid, "SIGKILL");
  });
  await crm.privacy.erase(arg!);
  process.stdout.write("survived\n");
} else if (mode === "run-due") {
  const report = await crm.automations.runDue();
  await storage.close();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
