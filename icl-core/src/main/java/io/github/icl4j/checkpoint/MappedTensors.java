package io.github.icl4j.checkpoint;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.PointerConsumer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Zero-copy tensors over memory-mapped file regions.
 *
 * <p>LibTorch holds only a raw address, so the mapped buffer and the deleter callback must stay strongly
 * reachable until LibTorch frees the tensor; this registry keeps both and forgets them in the deleter.
 * Buffers must be mapped {@code PRIVATE} (copy-on-write): an in-place op on a read-only mapping kills the JVM.
 */
final class MappedTensors {
    private static final Map<Long, Object[]> LIVE = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    private MappedTensors() {
    }

    static Tensor wrap(ByteBuffer mapped, long[] shape, ScalarType type) {
        long id = IDS.incrementAndGet();
        BytePointer data = new BytePointer(mapped);
        PointerConsumer deleter = new PointerConsumer() {
            @Override
            public void call(Pointer p) {
                LIVE.remove(id);
            }
        };
        // The callback thunk must outlive any PointerScope open now: LibTorch calls it when the tensor dies.
        deleter.retainReference();
        LIVE.put(id, new Object[] {mapped, data, deleter});
        return torch.from_blob(data, shape, deleter, new TensorOptions(type));
    }

    /** Number of mapped regions still referenced by a tensor (for tests). */
    static int live() {
        return LIVE.size();
    }
}
