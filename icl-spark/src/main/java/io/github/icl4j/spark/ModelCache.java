package io.github.icl4j.spark;

import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor JVM keeps between tasks: each model loaded once (keyed by path, device and dtype) and each cell's
 * prompts tokenised once. Models are closed when the JVM shuts down (a shutdown hook), or by {@link #clear()}.
 *
 * <p>Static on purpose: Spark deserialises a fresh closure for every task, so a model held by the task (as DJL's
 * Spark extension does, in a transient field) is reloaded per task; a static cache lives as long as the executor.
 * Tasks running at once on one executor share a model (forward passes do not change it).
 */
public final class ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
    private static final int MAX_PROMPT_SETS = 64;

    private static final Map<ModelSpec, Model> MODELS = new ConcurrentHashMap<>();
    private static final Map<ModelSpec, AtomicInteger> LOADS = new ConcurrentHashMap<>();
    private static final Map<Cell, List<PromptTokens>> PROMPTS = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Cell, List<PromptTokens>> eldest) {
            return size() > MAX_PROMPT_SETS;
        }
    };

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::clear, "icl4j-model-cache-close"));
    }

    private ModelCache() {
    }

    /**
     * The model of {@code spec}, loaded on first use in this JVM.
     *
     * @throws IllegalArgumentException naming the model path and this executor when it cannot be loaded
     */
    public static Model model(ModelSpec spec) {
        Model m = MODELS.get(spec);
        if (m != null) {
            return m;
        }
        synchronized (ModelCache.class) {
            m = MODELS.get(spec);
            if (m == null) {
                long t0 = System.nanoTime();
                try {
                    m = IclBackend.load(spec);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("model '" + spec.path() + "' cannot be loaded on " + where() + ": "
                            + e.getMessage(), e);
                }
                LOADS.computeIfAbsent(spec, k -> new AtomicInteger()).incrementAndGet();
                MODELS.put(spec, m);
                LOG.info("loaded {} on {} in {} ms", spec, where(), (System.nanoTime() - t0) / 1_000_000);
            }
            return m;
        }
    }

    /**
     * The prompts of {@code cell}, built on first use with the cell's model's tokenizer.
     *
     * @throws IllegalArgumentException naming the data set and this executor when they cannot be built
     */
    public static List<PromptTokens> prompts(Cell cell) {
        Model model = model(cell.model());
        synchronized (PROMPTS) {
            List<PromptTokens> p = PROMPTS.get(cell.key());
            if (p == null) {
                try {
                    p = cell.source() == null ? IclBackend.prompts(model, cell.model(), cell.prompts())
                            : List.copyOf(cell.source().build(model));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("prompts of " + cell.prompts() + " cannot be built on " + where()
                            + ": " + e.getMessage(), e);
                }
                if (p.isEmpty()) {
                    throw new IllegalArgumentException("prompts of " + cell + ": the source built none");
                }
                PROMPTS.put(cell.key(), p);
            }
            return p;
        }
    }

    /** How often {@code spec} was loaded in this JVM since it started (or since {@link #clear()}). */
    public static int loads(ModelSpec spec) {
        AtomicInteger n = LOADS.get(spec);
        return n == null ? 0 : n.get();
    }

    /** Closes every cached model and forgets prompts and load counts. */
    public static synchronized void clear() {
        MODELS.values().forEach(Model::close);
        MODELS.clear();
        LOADS.clear();
        synchronized (PROMPTS) {
            PROMPTS.clear();
        }
    }

    /** This JVM as a Spark executor: {@code executor 1 on host-a}, or {@code the driver JVM} outside a task. */
    static String where() {
        org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "an unknown host";
        }
        if (tc == null) {
            return "the driver JVM on " + host;
        }
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        return "executor " + (env == null ? "?" : env.executorId()) + " on " + host;
    }
}
