#!/usr/bin/env bash
# JMH benchmarks of the ingest CPU path. Usage: bench/run-jmh.sh [JMH regex] [JMH options]
# (after: mvn -B -q package -DskipTests). Results also go to bench/results/jmh.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
java -jar bench/target/benchmarks.jar "${1:-io.gravix.bench}" "${@:2}" | tee bench/results/jmh.txt
