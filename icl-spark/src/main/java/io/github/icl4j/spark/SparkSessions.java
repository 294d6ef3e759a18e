package io.github.icl4j.spark;

import org.apache.spark.sql.SparkSession;

/** Spark sessions for running a sweep on this machine (tests, benchmarks, {@code SweepJob --master local[N]}). */
public final class SparkSessions {
    private SparkSessions() {
    }

    /**
     * A session in local mode ({@code local[2]}, {@code local[2,2]} for one retry per task, ...) bound to the loopback
     * address, without the web UI; Spark's, Hadoop's and Parquet's logs at WARN, icl4j's progress at INFO.
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
        // not setLogLevel: that would silence icl4j's progress too
        for (String noisy : new String[] {"org.apache.spark", "org.apache.hadoop", "org.apache.parquet", "org.sparkproject"}) {
            org.apache.logging.log4j.core.config.Configurator.setLevel(noisy, org.apache.logging.log4j.Level.WARN);
        }
        return s;
    }
}
