package io.github.icl4j.heads;

import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import io.github.icl4j.IclPrompt;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.Activation;
import io.github.icl4j.model.LayerWeights;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.ModelConfig.Family;
import io.github.icl4j.model.ModelConfig.NormKind;
import io.github.icl4j.model.ModelConfig.RotaryStyle;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.LayoutOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The GPU check of issue 18 in one JVM (run by {@code tools/gpu-check.sh}; not a test): forward parity of the parity
 * fixtures on the device against the CPU in fp32 and bf16, then a Llama-2-7B-shaped model (32 layers × 32 heads,
 * d 4096, MLP 11008, vocabulary 32000) with random bf16 weights generated on the device (nothing downloaded):
 * weight generation, a forward of 8 × 512 tokens, head scoring of {@code prompts} prompts, attribution patching over
 * all 1,024 heads, and the exhaustive ablation of one layer (layer 0: each of its passes runs
 * the whole model). One JSON object per line on standard output; peak device memory is sampled by the script.
 * <pre>
 * java ... io.github.icl4j.heads.GpuCheck [device=cuda:0] [shape=7b|tiny] [prompts=200] [ablationPrompts=64]
 * </pre>
 * {@code cpu tiny 16 8} runs the same code on a small model on the CPU (a smoke test of this harness).
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    public static void main(String[] args) {
        DeviceSpec device = DeviceSpec.parse(args.length > 0 ? args[0] : "cuda:0");
        boolean tiny = args.length > 1 && args[1].equals("tiny");
        int nPrompts = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int nAblation = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        Natives.init();
        line("start", "device", device, "cuda", Natives.cudaAvailable(), "cudaDevices", Natives.cudaDeviceCount());
        parity(device);
        ModelConfig cfg = tiny ? shape(1000, 128, 4, 4, 344) : shape(32000, 4096, 32, 32, 11008);
        long t0 = System.nanoTime();
        try (Model model = randomOnDevice(cfg, device)) {
            sync(device);
            line("weights", "config", cfg.toString(), "seconds", secs(t0));
            forward(model, device, 8, 512);
            List<IclPrompt> prompts = Fixtures.toys(nPrompts, 8, 20, 18L);
            InContextHeads ich = InContextHeads.of(model).batchSize(8);
            ich.scores(prompts.subList(0, 8)); // warm-up
            t0 = System.nanoTime();
            HeadScores s = ich.scores(prompts);
            line("scoring", "prompts", nPrompts, "meanTokens", meanLength(prompts), "heads",
                    cfg.nLayers() * cfg.nHeads(), "seconds", secs(t0), "scored", s.nLayers() * s.nHeads());
            attribution(ich, prompts.subList(0, nAblation), cfg);
            t0 = System.nanoTime();
            AblationRanking abl = ich.ablationLayers(0, 1).ablationRanking(prompts.subList(0, nAblation));
            line("ablation", "layer", 0, "heads", cfg.nHeads(), "prompts", nAblation, "seconds", secs(t0),
                    "baselineAccuracy", abl.baselineAccuracy());
        }
        line("done");
    }

    /** The parity fixtures' last-position logits on the device (fp32 and bf16) against the CPU in fp32. */
    private static void parity(DeviceSpec device) {
        for (String family : List.of("gpt2", "llama", "gemma3", "qwen2")) {
            java.nio.file.Path dir = Fixtures.parity(family);
            long[] ids = {3, 17, 42, 5, 99, 23, 64, 8, 31, 77, 12, 50};
            try (Model cpu = Model.load(dir)) {
                float[] want = cpu.lastLogits(TokenBatch.of(ids))[0];
                for (DType dt : List.of(DType.FP32, DType.BF16)) {
                    try (Model dev = Model.load(dir, LoadOptions.defaults().withDevice(device).withDtype(dt))) {
                        float[] got = dev.lastLogits(TokenBatch.of(ids))[0];
                        double max = 0;
                        for (int v = 0; v < want.length; v++) {
                            max = Math.max(max, Math.abs(got[v] - want[v]));
                        }
                        line("parity", "family", family, "dtype", dt, "maxAbsDiff", max, "sameArgmax",
                                argmax(got) == argmax(want));
                    }
                }
            }
        }
    }

    private static void forward(Model model, DeviceSpec device, int b, int s) {
        Random rng = new Random(5);
        long[][] seqs = new long[b][s];
        for (long[] q : seqs) {
            for (int i = 0; i < s; i++) {
                q[i] = rng.nextInt(model.config().vocabSize());
            }
        }
        TokenBatch batch = TokenBatch.of(seqs);
        model.lastLogits(batch); // warm-up
        double[] t = new double[3];
        for (int r = 0; r < t.length; r++) {
            long t0 = System.nanoTime();
            model.lastLogits(batch); // copies to the host: the device is done
            t[r] = secs(t0);
        }
        java.util.Arrays.sort(t);
        ModelConfig c = model.config();
        // 2 FLOPs per weight per token (the blocks' matrices) + the attention's q·k and pattern·v
        double flops = 2.0 * b * s * (c.nLayers() * (4.0 * c.dModel() * c.dModel() + 3.0 * c.dModel() * c.dMlp())
                + 2.0 * c.nLayers() * s * c.dModel());
        line("forward", "batch", b, "tokens", s, "medianSeconds", t[1], "tflops", flops / t[1] / 1e12);
    }

    /** Attribution patching over every head (one forward and one backward per batch). */
    private static void attribution(InContextHeads ich, List<IclPrompt> prompts, ModelConfig cfg) {
        long t0 = System.nanoTime();
        AttributionEstimates est = ich.ablationLayers(0, cfg.nLayers()).attribution(prompts,
                AttributionOptions.defaults());
        line("attribution", "heads", cfg.nLayers() * cfg.nHeads(), "prompts", prompts.size(), "seconds", secs(t0),
                "top", est.top(3).toString());
    }

    private static ModelConfig shape(int vocab, int d, int layers, int heads, int dMlp) {
        return ModelConfig.builder("llama", Family.LLAMA).vocabSize(vocab).dModel(d).nLayers(layers).nHeads(heads)
                .dHead(d / heads).dMlp(dMlp).maxPositions(4096).norm(NormKind.RMS_NORM, 1e-5)
                .activation(Activation.SILU).gatedMlp(true).rotary(d / heads, 10000.0, RotaryStyle.HALF).build();
    }

    /** Random bf16 weights made on the device itself (N(0, 0.02²); norms 1), as a Model. */
    private static Model randomOnDevice(ModelConfig c, DeviceSpec device) {
        DType dtype = DType.BF16;
        long d = c.dModel();
        long q = (long) c.nHeads() * c.dHead();
        long kv = (long) c.nKvHeads() * c.dHead();
        long f = c.dMlp();
        try (PointerScope scope = new PointerScope()) {
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                layers.add(new LayerWeights(ones(d, device), null, ones(d, device), null, randn(device, q, d), null,
                        randn(device, kv, d), null, randn(device, kv, d), null, randn(device, d, q), null,
                        randn(device, f, d), randn(device, f, d), null, randn(device, d, f), null));
            }
            TransformerWeights w = new TransformerWeights(randn(device, c.vocabSize(), d), null, layers,
                    ones(d, device), null, randn(device, c.vocabSize(), d), null);
            return Model.fromWeights(c, w, null, LoadOptions.defaults().withDevice(device).withDtype(dtype));
        }
    }

    private static Tensor randn(DeviceSpec device, long... shape) {
        return torch.randn(shape, new ScalarTypeOptional(ScalarType.BFloat16), new LayoutOptional(),
                new DeviceOptional(new Device(device.toString())), new BoolOptional()).mul_(new Scalar(0.02));
    }

    private static Tensor ones(long n, DeviceSpec device) {
        return Tensors.to(torch.ones(n), device, DType.BF16);
    }

    private static void sync(DeviceSpec device) {
        if (device.isCuda()) {
            torch.synchronizeDevice((byte) device.index());
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    private static double meanLength(List<IclPrompt> prompts) {
        return prompts.stream().mapToInt(IclPrompt::length).average().orElse(0);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** One JSON object of key/value pairs on standard output. */
    private static void line(String what, Object... kv) {
        StringBuilder sb = new StringBuilder("{\"step\":\"").append(what).append('"');
        for (int i = 0; i + 1 < kv.length; i += 2) {
            Object v = kv[i + 1];
            String s = v instanceof Number || v instanceof Boolean ? String.format(Locale.ROOT, "%s", v)
                    : "\"" + String.valueOf(v).replace("\\", "\\\\").replace("\"", "'") + "\"";
            sb.append(",\"").append(kv[i]).append("\":").append(s);
        }
        System.out.println(sb.append('}'));
    }
}
