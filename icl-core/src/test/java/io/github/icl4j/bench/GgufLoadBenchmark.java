package io.github.icl4j.bench;

import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.Natives;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;

/**
 * Loading a GGUF file (dequantised to fp32) against loading the same weights from safetensors, and the forward
 * time on 128 tokens, in one run. The safetensors twin is written from the GGUF model itself with
 * {@code Model.save}, so both hold identical fp32 weights.
 *
 * <p>Usage: {@code GgufLoadBenchmark <model.gguf> <scratch dir> [repeats] [threads]}.
 */
public final class GgufLoadBenchmark {
    private GgufLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path gguf = Path.of(args[0]);
        Path twin = Path.of(args[1]);
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Natives.setThreads(args.length > 3 ? Integer.parseInt(args[3]) : 1);
        if (!Files.exists(twin.resolve("model.safetensors"))) {
            try (Model m = Model.load(gguf)) {
                m.save(twin);
            }
        }
        long[] ids = new long[128];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7919L) % 49152;
        }
        for (int r = 0; r < repeats; r++) {
            for (Path p : new Path[] {gguf, twin}) {
                long t0 = System.nanoTime();
                try (Model m = Model.load(p)) {
                    long t1 = System.nanoTime();
                    try (PointerScope s = new PointerScope()) {
                        m.logits(TokenBatch.of(ids), Hooks.none());
                    }
                    long t2 = System.nanoTime();
                    System.out.printf("{\"source\": \"%s\", \"load_ms\": %.0f, \"forward_128_ms\": %.0f}%n",
                            p.toString().endsWith(".gguf") ? "gguf-q4_1" : "safetensors-fp32", (t1 - t0) / 1e6,
                            (t2 - t1) / 1e6);
                }
            }
        }
    }
}
