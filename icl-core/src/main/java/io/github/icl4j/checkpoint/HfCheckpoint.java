package io.github.icl4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.icl4j.DType;
import io.github.icl4j.DeviceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json}.
 *
 * <p>Pickled {@code pytorch_model.bin} files are refused: unpickling runs arbitrary code.
 */
public final class HfCheckpoint implements WeightSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Path origin;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byName;

    private HfCheckpoint(Path dir, Path origin, List<SafetensorsFile> files, Map<String, SafetensorsFile> byName) {
        this.dir = dir;
        this.origin = origin;
        this.files = files;
        this.byName = byName;
    }

    /**
     * Opens the weights of a model directory.
     *
     * @throws InvalidCheckpointException when there are no safetensors weights, only pickles, or the index
     *                                    names missing shards or a tensor twice
     */
    public static HfCheckpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidCheckpointException(dir + ": not a directory");
        }
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            if (Files.isRegularFile(index)) {
                JsonNode map = readJson(index).get("weight_map");
                if (map == null || !map.isObject()) {
                    throw new InvalidCheckpointException(index + ": no 'weight_map' object");
                }
                Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
                Set<String> listed = new LinkedHashSet<>();
                var it = map.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    String shardName = e.getValue().asText();
                    if (shardName.contains("/") || shardName.contains("\\") || shardName.startsWith("..")) {
                        throw new InvalidCheckpointException(index + ": shard name '" + shardName
                                + "' must be a plain file name in the model directory");
                    }
                    SafetensorsFile shard = shards.computeIfAbsent(shardName, n -> {
                        SafetensorsFile f = SafetensorsFile.open(dir.resolve(n));
                        files.add(f);
                        return f;
                    });
                    if (!shard.contains(e.getKey())) {
                        throw new InvalidCheckpointException(index + ": tensor '" + e.getKey() + "' is listed in shard "
                                + shardName + " but that file does not hold it");
                    }
                    listed.add(e.getKey());
                    byName.put(e.getKey(), shard);
                }
                for (SafetensorsFile f : files) {
                    for (String n : f.names()) {
                        if (!listed.contains(n)) {
                            throw new InvalidCheckpointException(f.origin() + ": tensor '" + n
                                    + "' is not listed in " + index.getFileName());
                        }
                    }
                }
            } else if (Files.isRegularFile(single)) {
                SafetensorsFile f = SafetensorsFile.open(single);
                files.add(f);
                f.names().forEach(n -> byName.put(n, f));
            } else {
                throw new InvalidCheckpointException(describeMissing(dir));
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new HfCheckpoint(dir, Files.isRegularFile(index) ? index : single, List.copyOf(files),
                Collections.unmodifiableMap(byName));
    }

    private static String describeMissing(Path dir) {
        boolean pickles;
        try (Stream<Path> s = Files.list(dir)) {
            pickles = s.map(p -> p.getFileName().toString())
                    .anyMatch(n -> n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".ckpt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (pickles) {
            return dir + ": only pickled PyTorch weights (.bin/.pt) found; icl4j does not unpickle (it can run "
                    + "arbitrary code). Convert them to safetensors first, e.g. in Python: "
                    + "model.save_pretrained(dir, safe_serialization=True)";
        }
        return dir + ": no model.safetensors or model.safetensors.index.json found";
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidCheckpointException(file + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The file that lists the weights: {@code model.safetensors}, or the shard index. */
    @Override
    public Path origin() {
        return origin;
    }

    @Override
    public Set<String> names() {
        return byName.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    @Override
    public Tensor load(String name, DType dtype, DeviceSpec device) {
        return file(name).load(name, dtype, device);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new InvalidCheckpointException(dir + ": no tensor named '" + name + "'");
        }
        return f;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
