#!/usr/bin/env bash
# Forward-pass benchmark, icl4j beside Hugging Face transformers (eager), same machine, same thread count,
# one run. Needs a Python venv with torch + transformers (see tools/parity/README.md): PYTHON=/path/to/python.
# Usage: tools/bench/run-forward-bench.sh [threads] [repeats] [configs]
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${1:-2}; REPEATS=${2:-3}; CONFIGS=${3:-1x128,8x128,1x512,8x512}
PY=${PYTHON:-python3}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/icl4j-bench-gpt2}
# build icl-core with its tests (no install: the reactor's own classes and a class path file)
CP=$(mktemp)
mvn -q -B -pl icl-core test-compile dependency:build-classpath -Dmdep.outputFile="$CP" -DincludeScope=test >/dev/null
"$PY" tools/bench/forward_vs_hf.py --dir "$DIR" --threads "$THREADS" --repeats "$REPEATS" --configs "$CONFIGS"
java -DOPT_OUT_TRACKING=true -cp "icl-core/target/classes:icl-core/target/test-classes:$(cat "$CP")" \
  io.github.icl4j.bench.ForwardBenchmark "$DIR" "$THREADS" "$REPEATS" "$CONFIGS"
"$PY" tools/bench/forward_vs_hf.py --dir "$DIR" --threads "$THREADS" --repeats "$REPEATS" --configs "$CONFIGS"
