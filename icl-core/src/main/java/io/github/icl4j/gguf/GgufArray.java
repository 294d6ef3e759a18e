package io.github.icl4j.gguf;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An array value of GGUF metadata: one element type and its elements, held in a primitive Java array.
 *
 * <p>Storage by element type: UINT8, INT8, UINT16, INT16, INT32 in an {@code int[]} (unsigned values widened);
 * UINT32, INT64, UINT64 in a {@code long[]} (UINT64 as its raw bits); FLOAT32 in a {@code float[]}; FLOAT64 in a
 * {@code double[]}; BOOL in a {@code boolean[]}; STRING in a {@code String[]}; ARRAY (nested arrays) in a
 * {@code GgufArray[]}. The accessors copy, so an instance is immutable.
 */
public final class GgufArray {
    private final GgufValueType elementType;
    private final Object values;
    private final int size;

    GgufArray(GgufValueType elementType, Object values, int size) {
        this.elementType = elementType;
        this.values = values;
        this.size = size;
    }

    /** The type of every element. */
    public GgufValueType elementType() {
        return elementType;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /**
     * The elements of a STRING array, as an unmodifiable list.
     *
     * @throws IllegalStateException when the elements are not strings
     */
    public List<String> strings() {
        return Collections.unmodifiableList(Arrays.asList((String[]) expect(String[].class, "STRING")));
    }

    /**
     * The elements of an integer array with values that fit an {@code int}.
     *
     * @throws IllegalStateException when the elements are not integers or one does not fit
     */
    public int[] ints() {
        if (values instanceof int[] a) {
            return a.clone();
        }
        if (values instanceof long[] a) {
            int[] out = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE
                        || (elementType == GgufValueType.UINT64 && a[i] < 0)) {
                    throw new IllegalStateException("element " + i + " of a " + elementType + " array, "
                            + (elementType == GgufValueType.UINT64 ? Long.toUnsignedString(a[i]) : a[i])
                            + ", does not fit an int");
                }
                out[i] = (int) a[i];
            }
            return out;
        }
        throw wrong("an integer type");
    }

    /**
     * The elements of an integer array as {@code long}s (UINT64 as raw bits).
     *
     * @throws IllegalStateException when the elements are not integers
     */
    public long[] longs() {
        if (values instanceof long[] a) {
            return a.clone();
        }
        if (values instanceof int[] a) {
            return Arrays.stream(a).asLongStream().toArray();
        }
        throw wrong("an integer type");
    }

    /**
     * The elements of a FLOAT32 array, or of a FLOAT64 or integer array converted to float.
     *
     * @throws IllegalStateException for a STRING, BOOL or ARRAY element type
     */
    public float[] floats() {
        if (values instanceof float[] a) {
            return a.clone();
        }
        double[] d = doubles();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /**
     * The elements of a numeric array as doubles.
     *
     * @throws IllegalStateException for a STRING, BOOL or ARRAY element type
     */
    public double[] doubles() {
        if (values instanceof double[] a) {
            return a.clone();
        }
        if (values instanceof float[] a) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = a[i];
            }
            return out;
        }
        if (values instanceof int[] a) {
            return Arrays.stream(a).asDoubleStream().toArray();
        }
        if (values instanceof long[] a) {
            double[] out = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                out[i] = elementType == GgufValueType.UINT64 && a[i] < 0
                        ? Double.parseDouble(Long.toUnsignedString(a[i])) : a[i];
            }
            return out;
        }
        throw wrong("a numeric type");
    }

    /**
     * The elements of a BOOL array.
     *
     * @throws IllegalStateException otherwise
     */
    public boolean[] booleans() {
        return ((boolean[]) expect(boolean[].class, "BOOL")).clone();
    }

    /**
     * The elements of an array of arrays.
     *
     * @throws IllegalStateException otherwise
     */
    public List<GgufArray> arrays() {
        return Collections.unmodifiableList(Arrays.asList((GgufArray[]) expect(GgufArray[].class, "ARRAY")));
    }

    /** Element {@code i} boxed as {@link GgufFile#get} boxes scalars. */
    public Object get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " of a GGUF array of " + size);
        }
        if (values instanceof int[] a) {
            return a[i];
        } else if (values instanceof long[] a) {
            return a[i];
        } else if (values instanceof float[] a) {
            return a[i];
        } else if (values instanceof double[] a) {
            return a[i];
        } else if (values instanceof boolean[] a) {
            return a[i];
        } else if (values instanceof String[] a) {
            return a[i];
        } else {
            return ((GgufArray[]) values)[i];
        }
    }

    private Object expect(Class<?> storage, String what) {
        if (!storage.isInstance(values)) {
            throw wrong(what);
        }
        return values;
    }

    private IllegalStateException wrong(String expected) {
        return new IllegalStateException("the array holds " + elementType + " elements, expected " + expected);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[").append(elementType).append(" × ").append(size);
        int shown = Math.min(size, 6);
        sb.append(shown > 0 ? ": " : "");
        for (int i = 0; i < shown; i++) {
            Object v = get(i);
            sb.append(i > 0 ? ", " : "").append(v instanceof String s ? "'" + s + "'" : v);
        }
        return sb.append(size > shown ? ", ...]" : "]").toString();
    }
}
