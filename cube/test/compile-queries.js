// Compiles cube/model with Cube's own schema compiler (@cubejs-backend/schema-compiler) and
// writes the Trino SQL Cube would send for each query below into <out dir>/<name>.sql.
// The Cube server cannot run here; its compiler can, with a stub for the native (Jinja/Python)
// parts the model does not use. Usage: node compile-queries.js <model dir> <out dir>
process.env.CUBEJS_TESSERACT_SQL_PLANNER = 'false';
const fs = require('fs');
const path = require('path');
const { prepareCompiler, PrestodbQuery } = require('@cubejs-backend/schema-compiler');

const [modelDir, outDir] = process.argv.slice(2);
const files = [];
for (const sub of ['cubes', 'views']) {
  for (const f of fs.readdirSync(path.join(modelDir, sub)).sort()) {
    files.push({ fileName: `${sub}/${f}`, content: fs.readFileSync(path.join(modelDir, sub, f), 'utf8') });
  }
}
const repo = { localPath: () => modelDir, dataSchemaFiles: async () => files };
const nativeInstance = { newJinjaEngine: () => ({}), loadPythonContext: async () => ({}) };

// Every measure and dimension of the model appears in at least one query; all are limited to the
// environment of the test's known dataset.
const env = (member) => [{ member, operator: 'equals', values: [process.env.CUBE_TEST_ENVIRONMENT || 'cubetest'] }];
const queries = {
  request_facts_by_service: {
    measures: ['request_facts.count', 'request_facts.errors_5xx', 'request_facts.errors_4xx',
      'request_facts.error_rate_5xx', 'request_facts.error_rate_4xx', 'request_facts.p50_duration_ms',
      'request_facts.p95_duration_ms', 'request_facts.p99_duration_ms', 'request_facts.request_bytes',
      'request_facts.response_bytes'],
    dimensions: ['request_facts.service'],
    order: [['request_facts.service', 'asc']],
    filters: env('request_facts.environment'),
  },
  request_facts_dimensions: {
    measures: ['request_facts.count'],
    dimensions: ['request_facts.service', 'request_facts.environment', 'request_facts.route', 'request_facts.method',
      'request_facts.status_code', 'request_facts.status_class', 'request_facts.source', 'request_facts.client_id',
      'request_facts.event_id', 'request_facts.dt', 'request_facts.hour'],
    timeDimensions: [{ dimension: 'request_facts.time', granularity: 'hour' }],
    order: [['request_facts.event_id', 'asc']],
    filters: env('request_facts.environment'),
  },
  service_events_by_kind: {
    measures: ['service_events.count', 'service_events.deploys', 'service_events.rollbacks', 'service_events.incidents_opened'],
    dimensions: ['service_events.service', 'service_events.environment', 'service_events.kind', 'service_events.version',
      'service_events.actor', 'service_events.message', 'service_events.source', 'service_events.event_id',
      'service_events.dt', 'service_events.hour'],
    timeDimensions: [{ dimension: 'service_events.time', granularity: 'hour' }],
    order: [['service_events.event_id', 'asc']],
    filters: env('service_events.environment'),
  },
  deploys_vs_errors: {
    measures: ['deploys_vs_errors.requests', 'deploys_vs_errors.errors_5xx', 'deploys_vs_errors.error_rate_5xx',
      'deploys_vs_errors.p99_duration_ms'],
    dimensions: ['deploys_vs_errors.change_id', 'deploys_vs_errors.service', 'deploys_vs_errors.environment',
      'deploys_vs_errors.kind', 'deploys_vs_errors.version', 'deploys_vs_errors.phase'],
    timeDimensions: [{ dimension: 'deploys_vs_errors.change_time', granularity: 'minute' }],
    order: [['deploys_vs_errors.change_id', 'asc'], ['deploys_vs_errors.phase', 'desc']],
    filters: env('deploys_vs_errors.environment'),
  },
};

(async () => {
  const { compiler, joinGraph, cubeEvaluator } = prepareCompiler(repo, { nativeInstance });
  await compiler.compile();
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, query] of Object.entries(queries)) {
    // The compiler takes order as {id, desc} (the REST API's [member, direction] pairs are converted
    // before it): without this the SQL has no ORDER BY and the rows come in any order.
    const order = query.order.map(([id, dir]) => ({ id, desc: dir === 'desc' }));
    const [sql, params] = new PrestodbQuery({ joinGraph, cubeEvaluator, compiler }, { timezone: 'UTC', ...query, order }).buildSqlAndParams();
    // Trino's CLI takes no bind parameters: inline them (plain test strings, quoted).
    let i = 0;
    const inlined = sql.replace(/\?/g, () => `'${String(params[i++]).replace(/'/g, "''")}'`);
    if (i !== params.length) throw new Error(`${name}: ${params.length} parameters, ${i} placeholders`);
    fs.writeFileSync(path.join(outDir, `${name}.sql`), inlined);
  }
})().catch((e) => { console.error(e); process.exit(1); });
