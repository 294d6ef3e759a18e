package io.github.icl4j.train;

import io.github.icl4j.Hooks;
import io.github.icl4j.LoadOptions;
import io.github.icl4j.Model;
import io.github.icl4j.TokenBatch;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.Transformer;
import io.github.icl4j.model.TransformerWeights;
import io.github.icl4j.runtime.Lifecycle;
import io.github.icl4j.runtime.Natives;
import io.github.icl4j.runtime.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model from scratch with AdamW: linear warm-up then cosine decay (the learning rate of every
 * parameter group is set before each step), global gradient-norm clipping, seeded data, periodic evaluation
 * and checkpoints in the Hugging Face layout that {@link Model#load} reads back.
 *
 * <p>Owns native memory (the weights and the optimizer state): close it.
 * <pre>{@code
 * ModelConfig cfg = ModelInit.llamaConfig(task.vocabulary().size() + 1, 64, 2, 4, 256, 256);
 * try (SyntheticIclTask task = SyntheticIclTask.create(SyntheticTaskOptions.defaults());
 *         Trainer trainer = Trainer.create(cfg, task.tokenizerJson(), TrainingConfig.defaults())) {
 *     TrainingResult r = trainer.train(task.trainingData(SyntheticIclTask.LossOn.ALL_LABELS),
 *             m -> task.evaluate(m, heldOut).accuracy(), System.out::println, Path.of("checkpoints"));
 * }
 * }</pre>
 * Each step runs inside its own {@code PointerScope}, so native memory stays flat over the run. Runs are
 * deterministic for one seed on one machine with one thread count: the initial weights come from
 * {@link ModelInit#random} and the data of step {@code s} from a {@link Random} seeded by the seed and {@code s}.
 */
public final class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Mixed into the seed for the data, so the data do not share a stream with the initial weights. */
    private static final long DATA_SALT = 0x5DEECE66DL;

    private final Model model;
    private final TrainingConfig config;
    private final TensorVector parameters;
    private final AdamW optimizer;
    private int stepsDone;
    private boolean closed;

    private Trainer(Model model, TrainingConfig config, TensorVector parameters, AdamW optimizer) {
        this.model = model;
        this.config = config;
        this.parameters = parameters;
        this.optimizer = optimizer;
    }

    /**
     * A trainer for fresh weights of {@code modelConfig} ({@link ModelInit#random} with the config's seed).
     *
     * @param tokenizerJson the tokenizer saved with every checkpoint (may be null)
     */
    public static Trainer create(ModelConfig modelConfig, String tokenizerJson, TrainingConfig config) {
        Objects.requireNonNull(modelConfig, "modelConfig");
        Objects.requireNonNull(config, "config");
        Natives.init();
        setThreads(config.threads());
        try (PointerScope scope = new PointerScope()) {
            return withWeights(modelConfig, ModelInit.random(modelConfig, config.seed(), config.initStd()),
                    tokenizerJson, config);
        }
    }

    /**
     * A trainer that continues from the weights of a checkpoint folder (as {@link io.github.icl4j.Model#save}
     * and {@link #train} write them): fine-tuning, or the second stage of a curriculum. The optimizer starts
     * afresh; the config's seed drives the data only. The checkpoint's tokenizer is saved with every new one.
     *
     * @throws IllegalArgumentException when the folder is not a loadable checkpoint (the message says why)
     */
    public static Trainer resume(java.nio.file.Path checkpoint, TrainingConfig config) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(config, "config");
        Natives.init();
        setThreads(config.threads());
        try (Model start = Model.load(checkpoint); PointerScope scope = new PointerScope()) {
            return withWeights(start.config(), trainableCopy(start.transformer().weights()), start.tokenizerJson(),
                    config);
        }
    }

    /** Leaf copies of every tensor with gradients on, ties kept (a tied unembedding stays the embedding). */
    private static TransformerWeights trainableCopy(TransformerWeights w) {
        java.util.Map<Tensor, Tensor> copies = new java.util.IdentityHashMap<>();
        java.util.function.UnaryOperator<Tensor> c = t -> t == null ? null
                : copies.computeIfAbsent(t, x -> x.detach().to(org.bytedeco.pytorch.global.torch.ScalarType.Float)
                        .clone().requires_grad_(true));
        List<io.github.icl4j.model.LayerWeights> layers = new java.util.ArrayList<>();
        for (io.github.icl4j.model.LayerWeights l : w.layers()) {
            layers.add(l.map(c)); // every tensor of the block, the newer families' q/k and post norms included
        }
        return new TransformerWeights(c.apply(w.embed()), c.apply(w.posEmbed()), layers, c.apply(w.finalNormW()),
                c.apply(w.finalNormB()), c.apply(w.unembed()), c.apply(w.unembedBias()));
    }

    /** The model on {@code w} (which it retains) and an AdamW over its parameters; runs in the caller's scope. */
    private static Trainer withWeights(ModelConfig modelConfig, TransformerWeights w, String tokenizerJson,
            TrainingConfig config) {
        // the model retains every parameter beyond the caller's scope
        Model model = Model.fromWeights(modelConfig, w, tokenizerJson, LoadOptions.defaults());
        List<Tensor> all = w.parameters();
        TensorVector decay = new TensorVector();
        TensorVector noDecay = new TensorVector();
        for (Tensor p : all) {
            (p.dim() >= 2 ? decay : noDecay).push_back(p);
        }
        TensorVector params = new TensorVector(all.toArray(Tensor[]::new));
        AdamW opt = new AdamW(decay, adamW(config.learningRate(), config.weightDecay()));
        if (noDecay.size() > 0) {
            // A group without options gets a clone of the defaults; its weight decay is then set to 0 through
            // the group's own options (an AdamWOptions behind the OptimizerOptions base: single inheritance,
            // so the pointer is the same). Passing options to OptimizerParamGroup would hand a unique_ptr
            // over from Java, which JavaCPP cannot do safely.
            opt.add_param_group(new OptimizerParamGroup(noDecay));
            OptimizerParamGroup g = opt.param_groups().get(opt.param_groups().size() - 1);
            new AdamWOptions(g.options()).weight_decay().put(0.0);
        }
        params.retainReference();
        opt.retainReference();
        return new Trainer(model, config, params, opt);
    }

    private static AdamWOptions adamW(double lr, double weightDecay) {
        AdamWOptions o = new AdamWOptions(lr);
        o.betas().put(0, 0.9).put(1, 0.95);
        o.eps().put(1e-8);
        o.weight_decay().put(weightDecay);
        return o;
    }

    /** Sets LibTorch's intra-op threads and the bundled OpenBLAS's threads (which LibTorch does not control). */
    static void setThreads(int threads) {
        if (threads <= 0) {
            return;
        }
        io.github.icl4j.runtime.Natives.setThreads(threads);
    }

    /** The model being trained; it shares the trainer's weights and is closed with the trainer. */
    public Model model() {
        checkOpen();
        return model;
    }

    public TrainingConfig config() {
        return config;
    }

    /** The weight decay of each parameter group (matrices, then norm scales). */
    double[] weightDecays() {
        double[] out = new double[(int) optimizer.param_groups().size()];
        for (int g = 0; g < out.length; g++) {
            out[g] = new AdamWOptions(optimizer.param_groups().get(g).options()).weight_decay().get();
        }
        return out;
    }

    /** Optimizer steps done so far. */
    public int stepsDone() {
        return stepsDone;
    }

    /** Trains without evaluation or checkpoints. */
    public TrainingResult train(TrainingData data, Consumer<TrainingProgress> progress) {
        return train(data, null, progress, null);
    }

    /**
     * Runs {@link TrainingConfig#steps()} steps.
     *
     * @param data          the batches
     * @param evaluator     scores the model (higher is better) every {@code evalInterval} steps and after the
     *                      last; called with gradients off; null = no evaluation
     * @param progress      called after every step (null = nothing)
     * @param checkpointDir when not null, each evaluation writes the model to {@code checkpointDir/last} and,
     *                      when it is the best so far, to {@code checkpointDir/best} (without an evaluator only
     *                      {@code last}, at the end)
     * @throws IllegalStateException when called twice, or after {@link #close()}
     */
    public TrainingResult train(TrainingData data, ToDoubleFunction<Model> evaluator,
            Consumer<TrainingProgress> progress, Path checkpointDir) {
        checkOpen();
        Objects.requireNonNull(data, "data");
        if (stepsDone > 0) {
            throw new IllegalStateException("this trainer has already run " + stepsDone + " steps; make a new one");
        }
        setThreads(config.threads());
        Transformer transformer = model.transformer();
        ModelConfig cfg = model.config();
        List<TrainingProgress> history = new ArrayList<>();
        List<TrainingProgress> evals = new ArrayList<>();
        int bestStep = -1;
        double best = Double.NaN;
        long t0 = System.nanoTime();
        double clip = config.gradClipNorm() > 0 ? config.gradClipNorm() : Double.MAX_VALUE;
        for (int step = 0; step < config.steps(); step++) {
            double lr = config.learningRateAt(step);
            double loss;
            double gradNorm;
            // the lease keeps the weights alive through the step: a concurrent Model.close() waits for it
            try (Lifecycle.Lease lease = model.acquire(); PointerScope scope = new PointerScope()) {
                TrainingBatch batch = data.batch(step, config.batchSize(), dataRandom(config.seed(), step));
                loss = lossOf(transformer, cfg, batch);
                gradNorm = lastGradNorm(clip);
                for (long g = 0; g < optimizer.param_groups().size(); g++) {
                    optimizer.param_groups().get(g).options().set_lr(lr);
                }
                optimizer.step();
            }
            stepsDone = step + 1;
            boolean evalNow = evaluator != null && (stepsDone == config.steps()
                    || (config.evalInterval() > 0 && stepsDone % config.evalInterval() == 0));
            double score = Double.NaN;
            if (evalNow) {
                score = evaluator.applyAsDouble(model);
            }
            TrainingProgress p = new TrainingProgress(stepsDone, config.steps(), loss, lr, gradNorm, score,
                    (System.nanoTime() - t0) / 1_000_000);
            history.add(p);
            if (evalNow) {
                evals.add(p);
                boolean isBest = Double.isNaN(best) || score >= best;
                if (isBest) {
                    best = score;
                    bestStep = stepsDone;
                }
                if (checkpointDir != null) {
                    model.save(checkpointDir.resolve("last"));
                    if (isBest) {
                        model.save(checkpointDir.resolve("best"));
                    }
                }
            } else if (checkpointDir != null && evaluator == null && stepsDone == config.steps()) {
                model.save(checkpointDir.resolve("last"));
            }
            if (progress != null) {
                progress.accept(p);
            }
        }
        long wall = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("trained {} steps in {} ms; best evaluation {} at step {}", config.steps(), wall, best, bestStep);
        return new TrainingResult(history, evals, bestStep, best, wall);
    }

    /** Forward, loss on the target tokens, backward. Returns the loss. */
    private double lossOf(Transformer transformer, ModelConfig cfg, TrainingBatch batch) {
        TokenBatch tb = TokenBatch.of(batch.sequences()).validate(cfg.vocabSize(), cfg.maxPositions(), 0);
        int width = tb.width();
        int n = batch.targetCount();
        if (n == 0) {
            throw new IllegalArgumentException("the training batch has no target tokens");
        }
        long[] rows = new long[n];
        long[] targets = new long[n];
        int k = 0;
        for (int i = 0; i < batch.size(); i++) {
            long[] seq = batch.sequences()[i];
            for (int p : batch.targets()[i]) {
                rows[k] = (long) i * width + tb.column(i, p - 1); // the prediction for position p is made at p - 1
                targets[k] = seq[p];
                k++;
            }
        }
        Tensor hidden = transformer.hidden(tb.ids(), tb.mask(), null, Hooks.none(), null); // [b, s, d]
        Tensor picked = hidden.reshape(-1, cfg.dModel()).index_select(0, Tensors.fromLongs(rows, n)); // [n, d]
        Tensor logits = transformer.unembed(picked); // [n, vocab]
        Tensor loss = torch.cross_entropy(logits, Tensors.fromLongs(targets, n));
        optimizer.zero_grad();
        loss.backward();
        return loss.item_double();
    }

    private double lastGradNorm(double clip) {
        return torch.clip_grad_norm_(parameters, clip);
    }

    /** The data's random source for one step: independent of the evaluation schedule and of earlier steps. */
    static Random dataRandom(long seed, int step) {
        return new Random(mix(mix(seed ^ DATA_SALT) + step));
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("trainer is closed");
        }
    }

    /** Frees the optimizer state and the weights (the model from {@link #model()} is closed too). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        optimizer.releaseReference();
        parameters.releaseReference();
        model.close();
    }
}
