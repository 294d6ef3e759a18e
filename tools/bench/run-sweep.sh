#!/usr/bin/env bash
# Runs icl-spark's sweep job from the job jar with Spark's jars and LibTorch's CPU natives on the class path, as
# spark-submit would (docs/benchmarks.md, "A sweep in one JVM and on Spark local[2]"). Arguments go to SweepJob:
#   tools/bench/run-sweep.sh sweep --models builtin --seeds 1,2,3 --prompts 200 --master local[2] --out sweep-out
# THREADS (default 1) sets LibTorch's threads per JVM; run `mvn -Pspark -pl icl-spark -am package -DskipTests` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=icl-spark/target/icl-spark-0.1.0-SNAPSHOT-job.jar
CP=icl-spark/target/spark-cp.txt
[ -f "$JAR" ] || { echo "no $JAR: run mvn -Pspark -pl icl-spark -am package -DskipTests" >&2; exit 2; }
if [ ! -f "$CP" ]; then
  mvn -q -B -Pspark -pl icl-spark dependency:build-classpath -DincludeScope=test -DexcludeGroupIds=io.github.icl4j \
      -Dmdep.outputFile="$PWD/$CP" >&2
fi
THREADS=${THREADS:-1}
OPENS=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS="$OPENS --add-opens=java.base/$p=ALL-UNNAMED"
done
# shellcheck disable=SC2086
OMP_NUM_THREADS=$THREADS OPT_OUT_TRACKING=true SPARK_LOCAL_IP=127.0.0.1 exec java -Xmx6g \
  -XX:+IgnoreUnrecognizedVMOptions $OPENS -Djdk.reflect.useDirectMethodHandle=false \
  -Dio.netty.tryReflectionSetAccessible=true -Dicl4j.threads="$THREADS" \
  -Dlog4j2.configurationFile=icl-spark/src/test/resources/log4j2-test.properties \
  -Dicl.data.dir="${ICL_DATA_DIR:-../shared/data}" -cp "$JAR:$(cat "$CP")" io.github.icl4j.spark.SweepJob "$@"
