-- The lake's two tables over Gravix's Parquet files. Types are exactly those of
-- io.gravix.rollup.ParquetSchemas (README "Lake schema"); TrinoDdlTest fails when they drift.
-- ${catalog} and ${lake} are replaced by trino/create-tables.sh (e.g. lake, local:///lake).
-- dt/hour are projected (computed from the query's filter), so a new hour is visible as soon
-- as the rollup has put its first file, and a filter on dt/hour reads only those directories.
CREATE SCHEMA IF NOT EXISTS ${catalog}.gravix;

CREATE TABLE IF NOT EXISTS ${catalog}.gravix.request_facts (
    event_id varchar,
    ts timestamp(6),
    service varchar,
    environment varchar,
    route varchar,
    method varchar,
    status_code integer,
    duration_ms double,
    request_bytes bigint,
    response_bytes bigint,
    client_id varchar,
    trace_id varchar,
    attributes map(varchar, varchar),
    source varchar,
    ingested_at timestamp(6),
    batch_id bigint,
    dt varchar WITH (partition_projection_type = 'date', partition_projection_format = 'yyyy-MM-dd',
                     partition_projection_range = ARRAY['NOW-400DAYS', 'NOW+1DAYS'], partition_projection_interval = 1,
                     partition_projection_interval_unit = 'DAYS'),
    hour integer WITH (partition_projection_type = 'integer', partition_projection_range = ARRAY['0', '23'],
                       partition_projection_digits = 2)
)
WITH (
    format = 'PARQUET',
    external_location = '${lake}/request_facts',
    partitioned_by = ARRAY['dt', 'hour'],
    partition_projection_enabled = true
);

CREATE TABLE IF NOT EXISTS ${catalog}.gravix.service_events (
    event_id varchar,
    ts timestamp(6),
    service varchar,
    environment varchar,
    kind varchar,
    version varchar,
    actor varchar,
    message varchar,
    attributes map(varchar, varchar),
    source varchar,
    ingested_at timestamp(6),
    batch_id bigint,
    dt varchar WITH (partition_projection_type = 'date', partition_projection_format = 'yyyy-MM-dd',
                     partition_projection_range = ARRAY['NOW-400DAYS', 'NOW+1DAYS'], partition_projection_interval = 1,
                     partition_projection_interval_unit = 'DAYS'),
    hour integer WITH (partition_projection_type = 'integer', partition_projection_range = ARRAY['0', '23'],
                       partition_projection_digits = 2)
)
WITH (
    format = 'PARQUET',
    external_location = '${lake}/service_events',
    partitioned_by = ARRAY['dt', 'hour'],
    partition_projection_enabled = true
);
