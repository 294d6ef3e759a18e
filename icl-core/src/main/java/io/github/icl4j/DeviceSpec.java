package io.github.icl4j;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where tensors live: {@code cpu} or {@code cuda:N}. Parsed from the same text LibTorch and PyTorch use.
 *
 * @param type  {@code "cpu"} or {@code "cuda"}
 * @param index the CUDA device ordinal; 0 for CPU
 */
public record DeviceSpec(String type, int index) {
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");

    /** The CPU. */
    public static final DeviceSpec CPU = new DeviceSpec("cpu", 0);

    public DeviceSpec {
        if (!type.equals("cpu") && !type.equals("cuda")) {
            throw new IllegalArgumentException("device type '" + type + "' is not supported; expected cpu or cuda");
        }
        if (index < 0) {
            throw new IllegalArgumentException("device index " + index + " must be >= 0");
        }
    }

    /** CUDA device {@code n}. */
    public static DeviceSpec cuda(int n) {
        return new DeviceSpec("cuda", n);
    }

    /**
     * Parses {@code cpu}, {@code cuda} or {@code cuda:N}.
     *
     * @throws IllegalArgumentException naming the bad text and the accepted forms
     */
    public static DeviceSpec parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("cpu")) {
            return CPU;
        }
        Matcher m = CUDA.matcher(t);
        if (m.matches()) {
            return cuda(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
        }
        throw new IllegalArgumentException("device '" + text + "' is not understood; expected cpu, cuda or cuda:N");
    }

    /** True for a CUDA device. */
    public boolean isCuda() {
        return type.equals("cuda");
    }

    @Override
    public String toString() {
        return isCuda() ? "cuda:" + index : "cpu";
    }
}
