package io.github.icl4j.heads;

import io.github.icl4j.HookPoint;
import io.github.icl4j.Hooks;
import io.github.icl4j.Model;
import io.github.icl4j.PromptTokens;
import io.github.icl4j.model.ModelConfig;
import io.github.icl4j.model.Transformer;
import io.github.icl4j.runtime.Tensors;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The one-pass head scoring of METHOD §3.1: a single forward per prompt batch caches, at the last position only,
 * the residual entering every layer, every head's output ({@code hook_z} times its slice of {@code W_O}, through the
 * post-attention norm with the real scale where the model has one: {@code Transformer#throughAttentionPostNorm}) and
 * the final residual; every head's score then follows from projections, with no per-head re-run.
 */
final class Scoring {
    private Scoring() {
    }

    /** Per-prompt scores {@code [prompt][class][layer][head]} (fp32 precision). */
    static float[][][][] perPrompt(Model model, List<? extends PromptTokens> prompts, long[] labelIds,
            boolean unembedBias, int batchSize) {
        ModelConfig c = model.config();
        int nL = c.nLayers();
        int nH = c.nHeads();
        Transformer tf = model.transformer();
        float[][][][] out = new float[prompts.size()][2][nL][nH];
        Passes.chunks(prompts, batchSize, (index, part, batch, last) -> {
            int b = part.size();
            Tensor[] resid = new Tensor[nL];
            Tensor[] heads = new Tensor[nL];
            Tensor[] fin = new Tensor[1];
            Hooks.Builder hb = Hooks.builder();
            for (int l = 0; l < nL; l++) {
                int layer = l;
                Tensor wo = headProjection(model, l);
                hb.add(HookPoint.residPre(l), (x, ctx) -> {
                    resid[layer] = Passes.lastRows(x, last); // [b, d]
                    return null;
                });
                hb.add(HookPoint.z(l), (z, ctx) -> {
                    heads[layer] = headOutputs(Passes.lastRows(z, last), wo); // [b, h, d]
                    return null;
                });
                if (tf.weights().layers().get(l).postAttnNormW() != null) {
                    // under a post-attention norm each head's output goes through it with the real forward's scale
                    hb.add(HookPoint.ln1PostScale(l), (scale, ctx) -> {
                        heads[layer] = tf.throughAttentionPostNorm(layer, heads[layer],
                                Passes.lastRows(scale, last).unsqueeze(1)); // [b, 1] -> [b, 1, 1]
                        return null;
                    });
                }
            }
            hb.add(HookPoint.residPost(nL - 1), (x, ctx) -> {
                fin[0] = Passes.lastRows(x, last);
                return null;
            });
            // the forward's own tensors die with an inner scope; the last rows it read are kept
            PointerScope chunk = PointerScope.getInnerScope();
            try (PointerScope forward = new PointerScope()) {
                Passes.hidden(model, tf, batch, hb.build());
                for (int l = 0; l < nL; l++) {
                    chunk.attach(resid[l]);
                    chunk.attach(heads[l]);
                }
                chunk.attach(fin[0]);
            }
            FixedScaleProjection proj = FixedScaleProjection.of(model, unembedBias);
            Tensor inv = proj.inverseScale(fin[0]).unsqueeze(1); // [b, 1]
            Tensor ids = Tensors.fromLongs(labelIds, labelIds.length).to(fin[0].device(), ScalarType.Long);
            for (int l = 0; l < nL; l++) {
                try (PointerScope layer = new PointerScope()) {
                    Tensor base = resid[l].to(ScalarType.Float).unsqueeze(1); // [b, 1, d]
                    Tensor with = base.add(heads[l].to(ScalarType.Float)); // [b, h, d]
                    Tensor lp = proj.logProbsOf(torch.cat(new TensorVector(base, with), 1), inv, ids); // [b, 1 + h, 2]
                    // the increase of each head over the residual alone: [b, h, 2]
                    Tensor s = Tensors.slice(lp, 1, 1, nH + 1).sub(Tensors.slice(lp, 1, 0, 1));
                    float[] v = Tensors.toFloats(s);
                    for (int i = 0; i < b; i++) {
                        for (int h = 0; h < nH; h++) {
                            for (int k = 0; k < 2; k++) {
                                out[index[i]][k][l][h] = v[(i * nH + h) * 2 + k];
                            }
                        }
                    }
                }
            }
        });
        return out;
    }

    /** The output projection of layer {@code l} per head: {@code W_O [d, h*e]} viewed {@code [h, e, d]}. */
    static Tensor headProjection(Model model, int l) {
        ModelConfig c = model.config();
        Tensor wo = model.transformer().weights().layers().get(l).wO();
        return wo.view(c.dModel(), c.nHeads(), c.dHead()).permute(1, 2, 0); // [h, e, d]
    }

    /** Head outputs in model space from {@code z [b, h, e]} and {@code W_O} per head {@code [h, e, d]}: {@code [b, h, d]}. */
    static Tensor headOutputs(Tensor z, Tensor wo) {
        return z.transpose(0, 1).bmm(wo.to(z.scalar_type().intern())).transpose(0, 1);
    }
}
