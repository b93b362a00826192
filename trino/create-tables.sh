#!/bin/sh
# Creates the schema gravix and its two lake tables in a Trino catalog (idempotent).
#   trino/create-tables.sh <trino-cli> <server url> <catalog> <lake location>
# e.g. trino/create-tables.sh trino http://localhost:8080 lake_s3 s3://gravix-lake
#      trino/create-tables.sh "java -jar trino-cli-476-executable.jar" http://127.0.0.1:18080 lake local:///lake
set -eu
cli=$1 server=$2 catalog=$3 lake=$4
sql=$(mktemp)
trap 'rm -f "$sql"' EXIT
sed -e "s|\${catalog}|$catalog|g" -e "s|\${lake}|$lake|g" "$(dirname "$0")/sql/create-tables.sql" > "$sql"
# shellcheck disable=SC2086 # the CLI may be a command with arguments
$cli --server "$server" --file "$sql"
