package io.github.icl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A contiguous range of blocks per device (Hugging Face's {@code device_map}, by layer range): block {@code l} runs
 * on the device of the range holding it, the embedding on the first range's device, the final norm and the
 * unembedding on the last one's. Activations move to the next device at each range boundary; hooks see each block's
 * tensors on that block's device and are otherwise unchanged. A device may appear in several ranges.
 * <pre>{@code
 * // layers 0-15 on the GPU, 16-31 offloaded to the CPU
 * Model m = Model.load(dir, LoadOptions.defaults().withDtype("bf16").withDeviceMap("cuda:0@0-15,cpu@16-31"));
 * }</pre>
 *
 * @param ranges the ranges in layer order: the first starts at layer 0, each next one where the previous ends
 */
public record DeviceMap(List<Range> ranges) implements DevicePlacement {
    private static final Pattern ENTRY = Pattern.compile("\\s*([a-z]+(?::\\d+)?)\\s*@\\s*(\\d+)\\s*-\\s*(\\d+)\\s*");

    /**
     * Blocks {@code from..to} (both inclusive, as in the text form) on one device.
     *
     * @param device where the blocks' weights and activations live
     * @param from   first block
     * @param to     last block, {@code >= from}
     */
    public record Range(DeviceSpec device, int from, int to) {
        /** Checks the bounds. */
        public Range {
            if (device == null) {
                throw new IllegalArgumentException("device of a layer range must not be null");
            }
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("layer range " + from + "-" + to + " on " + device
                        + " is empty or negative; expected 0 <= from <= to");
            }
        }

        /** Number of blocks in the range. */
        public int size() {
            return to - from + 1;
        }

        @Override
        public String toString() {
            return device + "@" + from + "-" + to;
        }
    }

    /**
     * Checks that the ranges are contiguous: the first starts at 0 and each next one starts right after the previous.
     *
     * @throws IllegalArgumentException naming the gap or overlap
     */
    public DeviceMap {
        if (ranges == null || ranges.isEmpty()) {
            throw new IllegalArgumentException("a device map needs at least one layer range");
        }
        ranges = List.copyOf(ranges);
        int next = 0;
        for (Range r : ranges) {
            if (r.from() != next) {
                throw new IllegalArgumentException("device map " + ranges + ": range " + r + (r.from() > next
                        ? " leaves layers " + next + "-" + (r.from() - 1) + " without a device"
                        : " overlaps earlier ranges (layer " + r.from() + " is placed twice)")
                        + "; ranges must cover layers 0, 1, ... once each, in order");
            }
            next = r.to() + 1;
        }
    }

    /** All {@code nLayers} blocks on one device. */
    public static DeviceMap single(DeviceSpec device, int nLayers) {
        return new DeviceMap(List.of(new Range(device, 0, nLayers - 1)));
    }

    /**
     * Parses {@code device@from-to} entries separated by commas, e.g. {@code cuda:0@0-15,cpu@16-31} (both bounds
     * inclusive).
     *
     * @throws IllegalArgumentException naming the entry that is not understood, or the gap or overlap
     */
    public static DeviceMap parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("device map '" + text
                    + "' is empty; expected e.g. cuda:0@0-15,cpu@16-31");
        }
        List<Range> out = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("device map entry '" + entry.trim() + "' in '" + text
                        + "' is not understood; expected device@from-to, e.g. cuda:0@0-15 or cpu@16-31");
            }
            out.add(new Range(DeviceSpec.parse(m.group(1)), parseLayer(m.group(2), entry),
                    parseLayer(m.group(3), entry)));
        }
        return new DeviceMap(out);
    }

    private static int parseLayer(String digits, String entry) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layer '" + digits + "' in device map entry '" + entry.trim()
                    + "' is out of range [0, " + Integer.MAX_VALUE + "]", e);
        }
    }

    /** Number of blocks the map covers. */
    public int nLayers() {
        return ranges.get(ranges.size() - 1).to() + 1;
    }

    /** The device of block {@code layer}. */
    public DeviceSpec deviceOf(int layer) {
        for (Range r : ranges) {
            if (layer >= r.from() && layer <= r.to()) {
                return r.device();
            }
        }
        throw new IllegalArgumentException("layer " + layer + " is outside the device map's [0, " + (nLayers() - 1)
                + "]");
    }

    /** The device of the embedding and the inputs: the first range's. */
    public DeviceSpec first() {
        return ranges.get(0).device();
    }

    /** The device of the final norm and the unembedding: the last range's. */
    public DeviceSpec last() {
        return ranges.get(ranges.size() - 1).device();
    }

    /** The ranges' devices in order, each once. */
    @Override
    public List<DeviceSpec> devices() {
        return ranges.stream().map(Range::device).distinct().toList();
    }

    /**
     * This map, after checking that it covers exactly {@code layerBytes.length} blocks.
     *
     * @throws IllegalArgumentException when the map covers more or fewer blocks than the model has
     */
    @Override
    public DeviceMap resolve(long[] layerBytes, long headBytes, long tailBytes) {
        if (nLayers() != layerBytes.length) {
            throw new IllegalArgumentException("device map " + this + " covers layers 0-" + (nLayers() - 1)
                    + " but the model has " + layerBytes.length + " layers (0-" + (layerBytes.length - 1) + ")");
        }
        return this;
    }

    /** The text form {@link #parse} reads. */
    @Override
    public String toString() {
        return String.join(",", ranges.stream().map(Range::toString).toList());
    }
}
