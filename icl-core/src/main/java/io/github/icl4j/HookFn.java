package io.github.icl4j;

import org.bytedeco.pytorch.Tensor;

/**
 * A function run at a hook point during the forward pass. It may read the activation (copy what it keeps:
 * the tensor dies with the forward's scope) and return a replacement of the same shape, or return
 * {@code null} or the same tensor to leave it unchanged.
 */
@FunctionalInterface
public interface HookFn {
    /** Called with the activation and where it is. */
    Tensor apply(Tensor activation, HookContext context);
}
