#!/usr/bin/env bash
# Forward-pass benchmark, icl4j beside Hugging Face transformers (eager), same machine, same thread count,
# one run. Needs a Python venv with torch + transformers (see tools/parity/README.md): PYTHON=/path/to/python.
# Usage: tools/bench/run-forward-bench.sh [threads] [repeats] [configs]
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${1:-2}; REPEATS=${2:-3}; CONFIGS=${3:-1x128,8x128,1x512,8x512}
PY=${PYTHON:-python3}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/icl4j-bench-gpt2}
mvn -q -B install -DskipTests >/dev/null
"$PY" tools/bench/forward_vs_hf.py --dir "$DIR" --threads "$THREADS" --repeats "$REPEATS" --configs "$CONFIGS"
mvn -q -B -pl icl-core exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.github.icl4j.bench.ForwardBenchmark \
  -Dexec.args="$DIR $THREADS $REPEATS $CONFIGS" -DOPT_OUT_TRACKING=true
"$PY" tools/bench/forward_vs_hf.py --dir "$DIR" --threads "$THREADS" --repeats "$REPEATS" --configs "$CONFIGS"
