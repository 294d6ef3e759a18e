package io.github.icl4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Devices in order with a memory budget each: at load the blocks are split into one contiguous range per device
 * (in the order given; a device may be left without blocks) so that the largest share of a budget used is as small as
 * possible, counting each block's parameter bytes, the embedding with the first block and the final norm and
 * unembedding with the last. Activations, caches and temporaries are not counted: leave them room in the budget.
 * <pre>{@code
 * var budgets = DeviceBudgets.of(DeviceSpec.cuda(0), 20L << 30, DeviceSpec.CPU, 64L << 30);
 * Model m = Model.load(dir, LoadOptions.defaults().withDtype("bf16").withBalancedDevices(budgets));
 * }</pre>
 *
 * @param budgets the devices and their budgets, in placement order
 */
public record DeviceBudgets(List<Budget> budgets) implements DevicePlacement {

    /**
     * One device's budget.
     *
     * @param device the device
     * @param bytes  the parameter bytes it may hold, {@code > 0}
     */
    public record Budget(DeviceSpec device, long bytes) {
        /** Checks the values. */
        public Budget {
            if (device == null) {
                throw new IllegalArgumentException("device of a budget must not be null");
            }
            if (bytes <= 0) {
                throw new IllegalArgumentException("budget of " + device + " is " + bytes + " bytes; expected > 0");
            }
        }
    }

    /**
     * Checks that there is at least one budget and that no device is named twice.
     *
     * @throws IllegalArgumentException naming the repeated device
     */
    public DeviceBudgets {
        if (budgets == null || budgets.isEmpty()) {
            throw new IllegalArgumentException("device budgets need at least one device");
        }
        budgets = List.copyOf(budgets);
        Set<DeviceSpec> seen = new HashSet<>();
        for (Budget b : budgets) {
            if (!seen.add(b.device())) {
                throw new IllegalArgumentException("device " + b.device() + " has two budgets in " + budgets
                        + "; name each device once");
            }
        }
    }

    /** One device and its budget in bytes. */
    public static DeviceBudgets of(DeviceSpec device, long bytes) {
        return new DeviceBudgets(List.of(new Budget(device, bytes)));
    }

    /** Two devices with their budgets in bytes, in placement order. */
    public static DeviceBudgets of(DeviceSpec first, long firstBytes, DeviceSpec second, long secondBytes) {
        return new DeviceBudgets(List.of(new Budget(first, firstBytes), new Budget(second, secondBytes)));
    }

    @Override
    public List<DeviceSpec> devices() {
        return budgets.stream().map(Budget::device).toList();
    }

    /**
     * The contiguous ranges, in the budgets' device order, that minimise the largest fraction of a budget used.
     *
     * @throws IllegalArgumentException when the model's bytes do not fit the budgets, naming both
     */
    @Override
    public DeviceMap resolve(long[] layerBytes, long headBytes, long tailBytes) {
        if (layerBytes.length == 0) {
            throw new IllegalArgumentException("a model without layers cannot be placed");
        }
        if (fill(layerBytes, headBytes, tailBytes, 1.0) == null) {
            long total = headBytes + tailBytes;
            for (long b : layerBytes) {
                total += b;
            }
            throw new IllegalArgumentException("the model's " + total + " parameter bytes (" + layerBytes.length
                    + " layers) do not fit the budgets " + budgets + " as contiguous layer ranges");
        }
        // the smallest fraction of every budget at which the greedy fill still places every layer
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (fill(layerBytes, headBytes, tailBytes, mid) == null) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return fill(layerBytes, headBytes, tailBytes, hi);
    }

    /**
     * Fills the devices in order, each up to {@code fraction} of its budget, with as many blocks as fit; null when
     * blocks are left over. Taking as many as fit is optimal for contiguous ranges, so a null means no placement
     * within these caps exists.
     */
    private DeviceMap fill(long[] layerBytes, long headBytes, long tailBytes, double fraction) {
        int n = layerBytes.length;
        List<DeviceMap.Range> ranges = new ArrayList<>();
        int next = 0;
        for (Budget b : budgets) {
            double cap = fraction * b.bytes();
            double used = 0;
            int from = next;
            while (next < n) {
                double add = layerBytes[next] + (next == 0 ? headBytes : 0) + (next == n - 1 ? tailBytes : 0);
                if (used + add > cap) {
                    break;
                }
                used += add;
                next++;
            }
            if (next > from) {
                ranges.add(new DeviceMap.Range(b.device(), from, next - 1));
            }
        }
        return next == n ? new DeviceMap(ranges) : null;
    }
}
