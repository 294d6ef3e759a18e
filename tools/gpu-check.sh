#!/usr/bin/env bash
# The GPU check of issue 18 in one go, for a session that has a GPU for a few minutes. Run from the repository root:
#   tools/gpu-check.sh [out-dir] [prompts] [ablation-prompts]
# Needs: a CUDA 13 driver + cuDNN 9 (see README, GPU), Java 17, Maven, and the gpu profile's artifacts
# (org.bytedeco:pytorch:2.10.0-1.5.13:linux-x86_64-gpu, org.bytedeco:cuda:13.1-9.19-1.5.13) in ~/.m2 or reachable:
# a machine without network needs them copied into its ~/.m2 first (they are too large to carry with the tree).
# Steps (each logged; a failing step does not stop the next):
#   1. the gpu build's tests: DeviceMapGpuTest (cpu + cuda:0 maps, whole-model cuda:0, parity with the CPU) and
#      ModelUsageTest (device options);
#   2. GpuCheck: fp32 and bf16 forward parity cuda vs CPU on the parity fixtures, then a Llama-2-7B-shaped model with
#      random bf16 weights generated on the device: weights, forward 8 x 512, head scoring, attribution patching over
#      1,024 heads (when icl-heads has it), exhaustive ablation of layer 0; one JSON line per step;
#   3. peak device memory, sampled with nvidia-smi every 0.5 s throughout.
# Put the numbers in docs/benchmarks.md ("GPU") with the card's name from nvidia-smi.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-${OUT:-/tmp/icl4j-gpu-check}}; PROMPTS=${2:-200}; ABL=${3:-64}
mkdir -p "$OUT"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || echo "nvidia-smi failed: no GPU driver?" | tee -a "$OUT/summary.txt"
( while true; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits >> "$OUT/memory-mib.txt" 2>/dev/null
  sleep 0.5; done ) &
SAMPLER=$!
trap 'kill $SAMPLER 2>/dev/null' EXIT
start=$(date +%s)

timeout 300 mvn -B -q -Dgpu -pl icl-core -am test -Dtest='DeviceMapGpuTest,ModelUsageTest' \
  -Dsurefire.failIfNoSpecifiedTests=false > "$OUT/gpu-tests.log" 2>&1
echo "gpu tests: rc $? ($(( $(date +%s) - start )) s); reports in icl-core/target/surefire-reports" | tee -a "$OUT/summary.txt"
grep -h "Tests run" icl-core/target/surefire-reports/*DeviceMapGpuTest.txt \
  icl-core/target/surefire-reports/*ModelUsageTest.txt 2>/dev/null | tee -a "$OUT/summary.txt"

CP=$(mktemp)
mvn -B -q -Dgpu -pl icl-core,icl-heads -am test-compile > "$OUT/build.log" 2>&1 &&
  mvn -B -q -Dgpu -pl icl-heads dependency:build-classpath -Dmdep.outputFile="$CP" -DincludeScope=test >> "$OUT/build.log" 2>&1
DEPS=$(tr ':' '\n' < "$CP" | grep -v 'icl-core' | paste -sd:)
timeout 420 java -DOPT_OUT_TRACKING=true -cp \
  "icl-core/target/classes:icl-core/target/test-classes:icl-heads/target/classes:icl-heads/target/test-classes:$DEPS" \
  io.github.icl4j.heads.GpuCheck cuda:0 7b "$PROMPTS" "$ABL" 2> "$OUT/gpu-check.err" | tee "$OUT/gpu-check.jsonl"
echo "GpuCheck: rc ${PIPESTATUS[0]}" | tee -a "$OUT/summary.txt"

kill $SAMPLER 2>/dev/null
echo "peak device memory: $(sort -n "$OUT/memory-mib.txt" | tail -1) MiB (nvidia-smi, every 0.5 s); total $(( $(date +%s) - start )) s" \
  | tee -a "$OUT/summary.txt"
