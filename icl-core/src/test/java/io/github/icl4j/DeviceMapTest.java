package io.github.icl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.icl4j.runtime.Natives;
import io.github.icl4j.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Device maps: the text form, the validation messages and the balanced placement's invariants. */
class DeviceMapTest {

    @Test
    void parsesRangesAndPrintsTheSameText() {
        DeviceMap m = DeviceMap.parse("cuda:0@0-15, cpu@16-31");
        assertThat(m.ranges()).containsExactly(new DeviceMap.Range(DeviceSpec.cuda(0), 0, 15),
                new DeviceMap.Range(DeviceSpec.CPU, 16, 31));
        assertThat(m.toString()).isEqualTo("cuda:0@0-15,cpu@16-31");
        assertThat(DeviceMap.parse(m.toString())).isEqualTo(m);
        assertThat(m.nLayers()).isEqualTo(32);
        assertThat(m.deviceOf(15)).isEqualTo(DeviceSpec.cuda(0));
        assertThat(m.deviceOf(16)).isEqualTo(DeviceSpec.CPU);
        assertThat(m.first()).isEqualTo(DeviceSpec.cuda(0));
        assertThat(m.last()).isEqualTo(DeviceSpec.CPU);
        assertThat(DeviceMap.parse("cpu@0-1,cpu@2-3").devices()).containsExactly(DeviceSpec.CPU);
        assertThatThrownBy(() -> m.deviceOf(32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 32").hasMessageContaining("[0, 31]");
    }

    @Test
    void gapsOverlapsAndBadEntriesAreClearErrors() {
        assertThatThrownBy(() -> DeviceMap.parse("cpu@0-3,cpu@5-7")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cpu@5-7").hasMessageContaining("layers 4-4 without a device");
        assertThatThrownBy(() -> DeviceMap.parse("cpu@0-3,cpu@3-7")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 3 is placed twice");
        assertThatThrownBy(() -> DeviceMap.parse("cpu@2-7")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layers 0-1 without a device");
        assertThatThrownBy(() -> DeviceMap.parse("cpu@4-3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4-3").hasMessageContaining("0 <= from <= to");
        assertThatThrownBy(() -> DeviceMap.parse("gpu@0-3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpu'");
        assertThatThrownBy(() -> DeviceMap.parse("cpu:0-3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cpu:0-3'").hasMessageContaining("device@from-to");
        assertThatThrownBy(() -> DeviceMap.parse(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> DeviceMap.parse("cpu@0-99999999999")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("99999999999");
        assertThatThrownBy(() -> new LoadOptions(DeviceSpec.CPU, DType.FP32, DeviceMap.parse("cuda:0@0-1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first device cuda:0");
        assertThatThrownBy(() -> new DeviceBudgets(List.of(new DeviceBudgets.Budget(DeviceSpec.CPU, 1),
                new DeviceBudgets.Budget(DeviceSpec.CPU, 2)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cpu has two budgets");
        assertThatThrownBy(() -> DeviceBudgets.of(DeviceSpec.CPU, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 bytes");
    }

    @Test
    void aMapThatDoesNotCoverTheModelIsRefusedAtLoad() {
        // the parity llama has 3 layers
        assertThatThrownBy(() -> Model.load(TestData.resource("parity/llama"),
                LoadOptions.defaults().withDeviceMap("cpu@0-0,cpu@1-1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("covers layers 0-1").hasMessageContaining("has 3 layers");
        assertThatThrownBy(() -> Model.load(TestData.resource("parity/llama"),
                LoadOptions.defaults().withDeviceMap("cpu@0-3"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("covers layers 0-3");
        assertThatThrownBy(() -> Model.load(TestData.resource("parity/llama"),
                LoadOptions.defaults().withBalancedDevices(DeviceBudgets.of(DeviceSpec.CPU, 1000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit the budgets");
    }

    @Test
    void aCudaRangeWithoutCudaIsAClearError() {
        Assumptions.assumeFalse(Natives.cudaAvailable(), "CUDA is available here");
        assertThatThrownBy(() -> Model.load(TestData.resource("parity/llama"),
                LoadOptions.defaults().withDeviceMap("cpu@0-1,cuda:0@2-2"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cuda:0").hasMessageContaining("gpu profile");
    }

    @Test
    void balancedBudgetsResolveToTheMapTheModelReports() {
        try (Model m = Model.load(TestData.resource("parity/llama"),
                LoadOptions.defaults().withBalancedDevices(DeviceBudgets.of(DeviceSpec.CPU, 1L << 30)))) {
            assertThat(m.options().placement()).isEqualTo(DeviceMap.single(DeviceSpec.CPU, 3));
            assertThat(m.toString()).contains("cpu@0-2");
        }
    }

    /**
     * Property: for random block sizes and budgets, the balanced placement puts every layer on exactly one device,
     * in contiguous ranges in the budgets' device order, within every budget; it fails exactly when no contiguous
     * placement fits, and its largest budget fraction is the smallest any contiguous placement reaches (checked by
     * enumerating every placement).
     */
    @Test
    void balancedPlacementIsContiguousWithinBudgetAndOptimal() {
        Random rnd = new Random(18);
        int placed = 0;
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + rnd.nextInt(9);
            int k = 1 + rnd.nextInt(3);
            long[] layer = new long[n];
            for (int l = 0; l < n; l++) {
                layer[l] = 1 + rnd.nextInt(1000);
            }
            long head = rnd.nextInt(500);
            long tail = rnd.nextInt(500);
            long total = head + tail;
            for (long b : layer) {
                total += b;
            }
            List<DeviceBudgets.Budget> budgets = new ArrayList<>();
            List<DeviceSpec> devices = List.of(DeviceSpec.cuda(0), DeviceSpec.cuda(1), DeviceSpec.CPU);
            for (int i = 0; i < k; i++) {
                budgets.add(new DeviceBudgets.Budget(devices.get(i), 1 + (long) (rnd.nextDouble() * total * 1.2)));
            }
            DeviceBudgets db = new DeviceBudgets(budgets);
            double best = bestFraction(layer, head, tail, budgets);
            DeviceMap map;
            try {
                map = db.resolve(layer, head, tail);
            } catch (IllegalArgumentException e) {
                assertThat(best).as("trial %d: a placement exists but none was found", trial).isInfinite();
                assertThat(e.getMessage()).contains(total + " parameter bytes");
                continue;
            }
            placed++;
            assertThat(best).as("trial %d", trial).isFinite();
            // every layer once, contiguous, in order
            int next = 0;
            int lastDevice = -1;
            double worst = 0;
            for (DeviceMap.Range r : map.ranges()) {
                assertThat(r.from()).isEqualTo(next);
                next = r.to() + 1;
                int d = devices.indexOf(r.device());
                assertThat(d).as("devices in the budgets' order, each once").isGreaterThan(lastDevice);
                lastDevice = d;
                long bytes = bytes(layer, head, tail, r.from(), r.to());
                long budget = budgets.get(d).bytes();
                assertThat(bytes).as("trial %d range %s", trial, r).isLessThanOrEqualTo(budget);
                worst = Math.max(worst, (double) bytes / budget);
            }
            assertThat(next).isEqualTo(n);
            assertThat(worst).as("trial %d: optimal largest fraction", trial).isLessThanOrEqualTo(best * (1 + 1e-9));
        }
        assertThat(placed).as("both outcomes are exercised").isBetween(200, 1900);
    }

    private static long bytes(long[] layer, long head, long tail, int from, int to) {
        long s = 0;
        for (int l = from; l <= to; l++) {
            s += layer[l];
        }
        return s + (from == 0 ? head : 0) + (to == layer.length - 1 ? tail : 0);
    }

    /** The smallest largest-budget-fraction over every contiguous placement within the budgets; infinity if none. */
    private static double bestFraction(long[] layer, long head, long tail, List<DeviceBudgets.Budget> budgets) {
        return best(layer, head, tail, budgets, 0, 0);
    }

    private static double best(long[] layer, long head, long tail, List<DeviceBudgets.Budget> budgets, int device,
            int from) {
        if (from == layer.length) {
            return 0;
        }
        if (device == budgets.size()) {
            return Double.POSITIVE_INFINITY;
        }
        // this device takes layers from..to-1 (possibly none)
        double out = best(layer, head, tail, budgets, device + 1, from);
        for (int to = from + 1; to <= layer.length; to++) {
            long b = bytes(layer, head, tail, from, to - 1);
            if (b > budgets.get(device).bytes()) {
                break;
            }
            double f = Math.max((double) b / budgets.get(device).bytes(),
                    best(layer, head, tail, budgets, device + 1, to));
            out = Math.min(out, f);
        }
        return out;
    }
}
