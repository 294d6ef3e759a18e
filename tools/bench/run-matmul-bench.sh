#!/usr/bin/env bash
# Single-thread fp32 matmul throughput, side by side in one run: PyTorch's wheel, icl4j with the bundled OpenBLAS,
# icl4j with MKL (org.bytedeco:mkl, on the cpu profile's class path, through the OpenBLAS loader's mkl_rt option),
# PyTorch again. Issue 18 item 3.
# Usage: PYTHON=/path/to/venv/python tools/bench/run-matmul-bench.sh [threads] [repeats] [shapes]
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${1:-1}; REPEATS=${2:-20}; SHAPES=${3:-1024x1024x1024,128x768x768,128x768x3072,128x3072x768,1024x768x768,1024x768x3072,1024x3072x768,512x768x768,512x768x3072,1x768x50257,128x768x50257}
PY=${PYTHON:-python3}
CP=$(mktemp)
mvn -q -B -pl icl-core test-compile dependency:build-classpath -Dmdep.outputFile="$CP" -DincludeScope=test >/dev/null
JCP="icl-core/target/classes:icl-core/target/test-classes:$(cat "$CP")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" tools/bench/matmul_peak.py "$THREADS" "$REPEATS" "$SHAPES"
java -DOPT_OUT_TRACKING=true -Dorg.bytedeco.openblas.load=openblas -cp "$JCP" io.github.icl4j.bench.MatmulBenchmark "$THREADS" "$REPEATS" "$SHAPES" 2>/dev/null
java -DOPT_OUT_TRACKING=true -Dorg.bytedeco.openblas.load=mkl_rt -cp "$JCP" io.github.icl4j.bench.MatmulBenchmark "$THREADS" "$REPEATS" "$SHAPES" 2>/dev/null
"$PY" tools/bench/matmul_peak.py "$THREADS" "$REPEATS" "$SHAPES"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
