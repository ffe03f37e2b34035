// A separate Node process for the multi-process tests: it opens the store itself, does its part and
// prints one JSON line with what it did.
import { openPostgresStorage } from "../postgres-storage.js";
import { counterSchema, migratedSchema } from "./schemas.js";

const [url, schemaName, mode, arg] = process.argv.slice(2) as [string, string, string, string?];

if (mode === "increment") {
  const storage = await openPostgresStorage({
    schema: counterSchema,
    connection: { connectionString: url, maxConnections: 2 },
    schemaName,
  });
  let conflicts = 0;
  for (let i = 0; i < Number(arg); i++) {
    for (;;) {
      const current = (await storage.get("counters", "shared"))!;
      try {
        await storage.write([
          {
            type: "put",
            collection: "counters",
            record: { ...current, value: (current.value as number) + 1 },
            expectedRevision: current.revision,
          },
        ]);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "REVISION_CONFLICT") throw error;
        conflicts++;
      }
    }
  }
  await storage.close();
  process.stdout.write(`${JSON.stringify({ conflicts })}\n`);
} else if (mode === "migrate") {
  const storage = await openPostgresStorage({
    schema: migratedSchema,
    connection: { connectionString: url, maxConnections: 2 },
    schemaName,
  });
  const count = await storage.count({ collection: "counters", index: "label" });
  await storage.close();
  process.stdout.write(`${JSON.stringify({ count })}\n`);
}
