package io.github.icl4j.spark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sweep's progress in the driver's log: finished work partitions of the jobs in one Spark job group, about every
 * tenth of the way, with the elapsed time and a naive time left. (Spark's UI shows the same per stage; on a cluster
 * the per-item lines are in the executors' logs.)
 */
final class SweepProgress extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(SweepProgress.class);

    private final String group;
    private final int total;
    private final long t0 = System.nanoTime();
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    /** Counts the tasks of jobs in job group {@code group}, {@code total} of them expected. */
    SweepProgress(String group, int total) {
        this.group = group;
        this.total = Math.max(1, total);
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        if (start.properties() != null && group.equals(start.properties().getProperty("spark.jobGroup.id"))) {
            scala.collection.Iterator<Object> it = start.stageIds().iterator();
            while (it.hasNext()) {
                stages.add((Integer) it.next());
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (!stages.contains(end.stageId())) {
            return;
        }
        if (end.taskInfo().failed()) {
            LOG.warn("a work partition failed (attempt {}); Spark retries it: {}", end.taskInfo().attemptNumber(),
                    end.reason());
            failed.incrementAndGet();
            return;
        }
        int n = done.incrementAndGet();
        if (n == total || n % Math.max(1, total / 10) == 0) {
            double s = (System.nanoTime() - t0) / 1e9;
            LOG.info("sweep: {}/{} work partitions done in {} s, about {} s left", n, total, Math.round(s),
                    Math.round(s / n * (total - n)));
        }
    }

    /** Partitions finished. */
    int done() {
        return done.get();
    }
}
