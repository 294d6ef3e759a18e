package io.github.icl4j.bench;

import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * The memory an ablation-style forward pass holds with and without {@code Hooks.Builder#releaseEachBlock()}, in
 * one run: {@code rows} copies of a prompt of {@code tokens} tokens, a 0/1 mask multiplied into {@code hook_z} of
 * every layer (what the ablation ranking does to remove one head per copy), and the resident memory measured
 * while the pass's scope is still open (what the pass holds), then the time. The two modes alternate.
 *
 * <p>Usage: {@code BlockReleaseBenchmark <model dir or .gguf> [rows] [tokens] [repeats] [threads]}.
 */
public final class BlockReleaseBenchmark {
    private BlockReleaseBenchmark() {
    }

    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Natives.setThreads(args.length > 4 ? Integer.parseInt(args[4]) : 1);
        String mode = args.length > 5 ? args[5] : "both";
        boolean[] modes = switch (mode) {
            case "on" -> new boolean[] {true};
            case "off" -> new boolean[] {false};
            case "both" -> new boolean[] {false, true};
            default -> throw new IllegalArgumentException("mode '" + mode + "' is not on, off or both");
        };
        try (Model m = Model.load(model)) {
            int vocab = m.config().vocabSize();
            long[][] seqs = new long[rows][tokens];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < tokens; i++) {
                    seqs[r][i] = (i * 7919L + 13) % vocab;
                }
            }
            TokenBatch batch = TokenBatch.of(seqs);
            int nL = m.config().nLayers();
            int nH = m.config().nHeads();
            System.out.printf(Locale.ROOT, "model %s%nrows %d x %d tokens, %d layers%n", m.config(), rows, tokens, nL);
            for (int rep = 0; rep < repeats; rep++) {
                for (boolean release : modes) {
                    System.gc();
                    long before = Pointer.physicalBytes();
                    long held;
                    long t0 = System.nanoTime();
                    try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                        float[] mask = new float[rows * nH];
                        java.util.Arrays.fill(mask, 1f);
                        for (int r = 0; r < rows; r++) {
                            mask[r * nH + r % nH] = 0f; // copy r loses head r mod nH
                        }
                        Tensor maskT = Tensors.fromFloats(mask, rows, 1, nH, 1);
                        Hooks.Builder hb = Hooks.builder();
                        if (release) {
                            hb.releaseEachBlock();
                        }
                        for (int l = 0; l < nL; l++) {
                            hb.add(HookPoint.z(l), (z, ctx) -> z.mul(maskT));
                        }
                        // the final norm's output only (the ablation passes unembed just the last rows)
                        m.transformer().hidden(batch.ids(), batch.mask(), null, hb.build(), null);
                        held = Pointer.physicalBytes() - before;
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    System.out.printf(Locale.ROOT, "{\"releaseEachBlock\": %s, \"held_mb\": %.0f, \"ms\": %.0f}%n",
                            release, held / 1048576.0, ms);
                }
            }
        }
    }
}
