#!/usr/bin/env bash
# icl4j beside TransformerLens, side by side in one run, 1 thread each (issue 18 item 2): icl4j writes the prompts it
# uses, TransformerLens runs the same weights on them, then icl4j runs again (both icl4j runs are reported).
# Usage: PYTHON=/path/to/venv/python tools/bench/run-peer-bench.sh <hf model dir> [scorePrompts] [ablationPrompts]
#        [fromLayer] [toLayer]
# The model must be a Hugging Face directory both sides load (a GGUF: write it with Model.save first, e.g.
# GgufLoadBenchmark's fp32 twin, so that both sides read the same dequantised weights). Needs ../shared/data (SST-2).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODEL=$1; NS=${2:-32}; NA=${3:-16}; FROM=${4:-}; TO=${5:-}
PY=${PYTHON:-python3}
CP=$(mktemp); PROMPTS=$(mktemp --suffix=.json)
mvn -q -B -pl icl-heads -am test-compile >/dev/null
mvn -q -B -pl icl-heads dependency:build-classpath -Dmdep.outputFile="$CP" -DincludeScope=test >/dev/null
DEPS=$(tr ':' '\n' < "$CP" | grep -v 'icl-core' | paste -sd:)
JCP="icl-core/target/classes:icl-core/target/test-classes:icl-heads/target/classes:icl-heads/target/test-classes:$DEPS"
run_java() {
  java -DOPT_OUT_TRACKING=true -Dicl.data.dir=../shared/data -cp "$JCP" io.github.icl4j.heads.PeerBenchmark \
    "$MODEL" "$PROMPTS" "$NS" "$NA" ${FROM:+"$FROM"} ${TO:+"$TO"} 1 2>/dev/null
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run_java
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" tools/bench/peer_tl.py "$MODEL" "$PROMPTS" "$NS" "$NA" ${FROM:+"$FROM"} ${TO:+"$TO"}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run_java
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
