package io.github.icl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of every activation a hook can read or replace, spelled as in TransformerLens so results line up
 * with Python. {@code b} = batch, {@code s} = query positions of this forward, {@code t} = key positions
 * (cached prefix + {@code s}), {@code h} = query heads, {@code k} = key/value heads, {@code e} = head width,
 * {@code d} = model width.
 *
 * <table>
 *   <caption>Hook points and shapes</caption>
 *   <tr><th>name</th><th>shape</th><th>what</th></tr>
 *   <tr><td>{@code hook_embed}</td><td>[b, s, d]</td><td>token embeddings</td></tr>
 *   <tr><td>{@code hook_pos_embed}</td><td>[b, s, d]</td><td>learned position embeddings (GPT-2 only)</td></tr>
 *   <tr><td>{@code blocks.L.hook_resid_pre}</td><td>[b, s, d]</td><td>residual stream entering block L</td></tr>
 *   <tr><td>{@code blocks.L.ln1.hook_normalized}</td><td>[b, s, d]</td><td>input of attention (after its norm; absent in blocks without pre-norms, OLMo-2, whose attention reads the residual)</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_q}</td><td>[b, s, h, e]</td><td>queries before rotary (after the q norm where
 *       the model has one)</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_k}</td><td>[b, s, k, e]</td><td>keys before rotary (after the k norm)</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_v}</td><td>[b, s, k, e]</td><td>values</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_rot_q}</td><td>[b, s, h, e]</td><td>queries after rotary (rotary models)</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_rot_k}</td><td>[b, s, k, e]</td><td>keys after rotary (rotary models)</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_attn_scores}</td><td>[b, h, s, t]</td><td>scaled, masked scores (fp32)</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_pattern}</td><td>[b, h, s, t]</td><td>attention probabilities</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_z}</td><td>[b, s, h, e]</td><td>per-head weighted values, before the output projection</td></tr>
 *   <tr><td>{@code blocks.L.attn.hook_result}</td><td>[b, s, h, d]</td><td>per-head output in model space, without bias
 *       (opt-in: computed only when hooked); under a post-attention norm, through that norm with the real forward's
 *       scale frozen ({@link io.github.icl4j.model.Transformer#throughAttentionPostNorm}), so the heads still sum to
 *       {@code hook_attn_out}</td></tr>
 *   <tr><td>{@code blocks.L.ln1_post.hook_scale}</td><td>[b, s, 1]</td><td>divisor {@code sqrt(mean(y²) + ε)} of the
 *       norm on the attention output y (post-norm models: Gemma 2/3); replace it to freeze the scale</td></tr>
 *   <tr><td>{@code blocks.L.hook_attn_out}</td><td>[b, s, d]</td><td>attention output (bias included; after the
 *       post-attention norm where the model has one)</td></tr>
 *   <tr><td>{@code blocks.L.hook_resid_mid}</td><td>[b, s, d]</td><td>residual after attention (sequential blocks only)</td></tr>
 *   <tr><td>{@code blocks.L.ln2.hook_normalized}</td><td>[b, s, d]</td><td>input of the MLP (after its norm; absent when one norm feeds both or there are no pre-norms)</td></tr>
 *   <tr><td>{@code blocks.L.ln2_post.hook_scale}</td><td>[b, s, 1]</td><td>divisor of the norm on the MLP output
 *       (post-norm models)</td></tr>
 *   <tr><td>{@code blocks.L.hook_mlp_out}</td><td>[b, s, d]</td><td>MLP output (after the post-MLP norm where the
 *       model has one)</td></tr>
 *   <tr><td>{@code blocks.L.hook_resid_post}</td><td>[b, s, d]</td><td>residual stream leaving block L</td></tr>
 *   <tr><td>{@code ln_final.hook_normalized}</td><td>[b, s, d]</td><td>final norm output, the input of the unembedding</td></tr>
 *   <tr><td>{@code hook_logits}</td><td>[b, s, vocab]</td><td>logits</td></tr>
 * </table>
 * Hooks on {@code hook_attn_scores} or {@code hook_pattern} switch that block to the explicit-softmax
 * attention path; otherwise attention uses LibTorch's fused kernel.
 *
 * <p><b>Per-head meaning behind a post-norm</b> (OLMo-2, Gemma 2/3). Where a norm sits between the heads and the
 * residual, a head's contribution is not linear in the head. As METHOD §2 fixes the final norm's scale, every
 * per-head quantity freezes that norm's scale: at each prompt and position it is the real forward's
 * ({@code ln1_post.hook_scale}, from all heads plus the output bias), and a head's {@code z_h · W_O^h} — or any
 * part of it, such as a value-output vector — is divided by it and multiplied by the norm's weight (centred first
 * for a LayerNorm). {@code hook_result} is defined so; the heads' results plus the frozen-normed bias (plus the
 * norm's bias) sum exactly to {@code hook_attn_out}; head scores, value-output vectors and the bias fix use the
 * same rule. Replacing {@code hook_result} keeps the frozen scale (a direct-effect intervention); replace
 * {@code hook_z} to let a change flow through the norm as in the real model.
 */
public final class HookPoint {
    public static final String EMBED = "hook_embed";
    public static final String POS_EMBED = "hook_pos_embed";
    public static final String LN_FINAL = "ln_final.hook_normalized";
    public static final String LOGITS = "hook_logits";

    /** Per-block hook names after {@code blocks.L.}. */
    public static final List<String> BLOCK_HOOKS = List.of("hook_resid_pre", "ln1.hook_normalized", "attn.hook_q",
            "attn.hook_k", "attn.hook_v", "attn.hook_rot_q", "attn.hook_rot_k", "attn.hook_attn_scores",
            "attn.hook_pattern", "attn.hook_z", "attn.hook_result", "hook_attn_out", "hook_resid_mid",
            "ln2.hook_normalized", "hook_mlp_out", "hook_resid_post", "ln1_post.hook_scale", "ln2_post.hook_scale");

    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(.+)");

    private HookPoint() {
    }

    public static String residPre(int l) {
        return "blocks." + l + ".hook_resid_pre";
    }

    public static String residMid(int l) {
        return "blocks." + l + ".hook_resid_mid";
    }

    public static String residPost(int l) {
        return "blocks." + l + ".hook_resid_post";
    }

    public static String ln1(int l) {
        return "blocks." + l + ".ln1.hook_normalized";
    }

    public static String ln2(int l) {
        return "blocks." + l + ".ln2.hook_normalized";
    }

    public static String q(int l) {
        return "blocks." + l + ".attn.hook_q";
    }

    public static String k(int l) {
        return "blocks." + l + ".attn.hook_k";
    }

    public static String v(int l) {
        return "blocks." + l + ".attn.hook_v";
    }

    public static String rotQ(int l) {
        return "blocks." + l + ".attn.hook_rot_q";
    }

    public static String rotK(int l) {
        return "blocks." + l + ".attn.hook_rot_k";
    }

    public static String attnScores(int l) {
        return "blocks." + l + ".attn.hook_attn_scores";
    }

    public static String pattern(int l) {
        return "blocks." + l + ".attn.hook_pattern";
    }

    public static String z(int l) {
        return "blocks." + l + ".attn.hook_z";
    }

    public static String result(int l) {
        return "blocks." + l + ".attn.hook_result";
    }

    public static String attnOut(int l) {
        return "blocks." + l + ".hook_attn_out";
    }

    /** Divisor of the post-attention norm (post-norm models), {@code [b, s, 1]}. */
    public static String ln1PostScale(int l) {
        return "blocks." + l + ".ln1_post.hook_scale";
    }

    /** Divisor of the post-MLP norm (post-norm models), {@code [b, s, 1]}. */
    public static String ln2PostScale(int l) {
        return "blocks." + l + ".ln2_post.hook_scale";
    }

    public static String mlpOut(int l) {
        return "blocks." + l + ".hook_mlp_out";
    }

    /** Every hook name of a model with {@code nLayers} blocks. */
    public static List<String> all(int nLayers) {
        List<String> out = new ArrayList<>(List.of(EMBED, POS_EMBED));
        for (int l = 0; l < nLayers; l++) {
            for (String h : BLOCK_HOOKS) {
                out.add("blocks." + l + "." + h);
            }
        }
        out.add(LN_FINAL);
        out.add(LOGITS);
        return out;
    }

    /**
     * Checks a hook name against a model's depth.
     *
     * @throws IllegalArgumentException naming the bad name, the bad layer and the valid range
     */
    public static String validate(String name, int nLayers) {
        if (name.equals(EMBED) || name.equals(POS_EMBED) || name.equals(LN_FINAL) || name.equals(LOGITS)) {
            return name;
        }
        Matcher m = BLOCK.matcher(name);
        if (!m.matches() || !BLOCK_HOOKS.contains(m.group(2))) {
            throw new IllegalArgumentException("hook '" + name + "' is not a hook point; expected one of "
                    + List.of(EMBED, POS_EMBED, LN_FINAL, LOGITS) + " or blocks.<layer>.<" + String.join("|", BLOCK_HOOKS)
                    + ">");
        }
        int layer = Integer.parseInt(m.group(1));
        if (layer >= nLayers) {
            throw new IllegalArgumentException("hook '" + name + "': layer " + layer + " out of range [0, " + nLayers + ")");
        }
        return name;
    }
}
