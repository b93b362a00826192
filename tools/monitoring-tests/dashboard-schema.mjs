// Validates Grafana dashboards against the JSON Schema of the Dashboard type that npm
// @grafana/schema publishes (generated here with ts-json-schema-generator; @grafana/schema
// ships TypeScript types, not a JSON Schema). Catches misspelled keys, wrong types and bad
// enum values; panel options and query targets are open maps there and are not checked.
// Usage: node dashboard-schema.mjs <dashboard.json>...
import { createGenerator } from "ts-json-schema-generator";
import Ajv from "ajv";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(here, ".schema-"));
try {
  writeFileSync(join(work, "entry.ts"), 'import type { Dashboard } from "@grafana/schema";\nexport type GrafanaDashboard = Dashboard;\n');
  writeFileSync(join(work, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022" },
    include: ["*.ts"] }));
  const schema = createGenerator({ path: join(work, "entry.ts"), tsconfig: join(work, "tsconfig.json"), type: "GrafanaDashboard",
    expose: "none", skipTypeCheck: true }).createSchema("GrafanaDashboard");
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  let failed = 0;
  for (const file of process.argv.slice(2)) {
    const dashboard = JSON.parse(readFileSync(file, "utf8"));
    if (validate(dashboard)) {
      console.log(`ok   ${file}: valid against @grafana/schema's Dashboard`);
    } else {
      failed++;
      console.log(`FAIL ${file}:`);
      for (const e of validate.errors.slice(0, 20)) console.log(`  ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
