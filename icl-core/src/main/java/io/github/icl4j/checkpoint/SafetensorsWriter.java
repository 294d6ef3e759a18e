package io.github.icl4j.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.icl4j.runtime.AtomicFiles;
import io.github.icl4j.runtime.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes tensors to a {@code .safetensors} file that Hugging Face's {@code safetensors} reads.
 *
 * <p>The file is written through {@link AtomicFiles}: a temporary sibling moved into place at the end, so a crash
 * or an error never leaves a half-written checkpoint under the final name, and the file gets default permissions.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (sorted by name) with optional string metadata. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        Map<String, Tensor> cpu = new TreeMap<>();
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor t = e.getValue().detach().cpu().contiguous();
            StoredType type = StoredType.of(t.scalar_type().intern());
            long bytes = t.numel() * type.bytes();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", type.name());
            ArrayNode shape = n.putArray("shape");
            for (long s : Tensors.shape(t)) {
                shape.add(s);
            }
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
            cpu.put(e.getKey(), t);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Pad the header with spaces to a multiple of 8 bytes, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        AtomicFiles.write(file, ch -> {
            AtomicFiles.writeFully(ch, head);
            for (Tensor t : cpu.values()) {
                long len = t.numel() * StoredType.of(t.scalar_type().intern()).bytes();
                BytePointer src = new BytePointer(t.data_ptr());
                long done = 0;
                while (done < len) {
                    int chunk = (int) Math.min(len - done, 1 << 30);
                    AtomicFiles.writeFully(ch, src.position(done).limit(done + chunk).asBuffer());
                    done += chunk;
                }
            }
        });
    }

    /** Writes {@code text} to {@code file} through a temporary sibling (never half-written). */
    public static void writeTextAtomically(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }
}
