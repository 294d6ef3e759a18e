package io.github.icl4j.spark;

import org.apache.spark.sql.SparkSession;

/** Spark sessions for running a sweep on this machine (tests, benchmarks, {@code SweepJob --master local[N]}). */
public final class SparkSessions {
    private SparkSessions() {
    }

    /**
     * A session in local mode ({@code local[2]}, {@code local[2,2]} for one retry per task, ...) bound to the loopback
     * address, without the web UI, Spark's own logs at WARN.
     */
    public static SparkSession local(String master) {
        if (master == null || !master.startsWith("local")) {
            throw new IllegalArgumentException("master '" + master + "' is not a local master (local[N] or local[N,F]); "
                    + "on a cluster, spark-submit sets the master");
        }
        SparkSession s = SparkSession.builder().master(master).appName("icl4j sweep")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        s.sparkContext().setLogLevel("WARN");
        return s;
    }
}
