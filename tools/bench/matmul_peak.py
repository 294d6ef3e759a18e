"""PyTorch wheel side of the matmul benchmark (issue 18 item 3): single-thread fp32 F.linear throughput for the
same shapes as io.github.icl4j.bench.MatmulBenchmark. One JSON object per shape.
Usage: python matmul_peak.py [threads] [repeats] [shapes m x k x n, comma-separated]"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20
shapes = sys.argv[3] if len(sys.argv) > 3 else ("1024x1024x1024,128x768x768,128x768x3072,128x3072x768,1024x768x768,"
                                                "1024x768x3072,1024x3072x768,512x768x768,512x768x3072,1x768x50257,"
                                                "128x768x50257")
torch.set_num_threads(threads)
print(json.dumps({"impl": "torch", "version": torch.__version__, "threads": torch.get_num_threads(),
                  "blas": "mkl" if torch.backends.mkl.is_available() else "other"}))
with torch.inference_mode():
    for s in shapes.split(","):
        m, k, n = (int(v) for v in s.split("x"))
        a = torch.randn(m, k)
        b = torch.randn(n, k)
        for _ in range(3):
            F.linear(a, b)
        ms, cpu = [], []
        for _ in range(repeats):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            F.linear(a, b)
            ms.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.thread_time() - c0) * 1e3)
        med = statistics.median(ms)
        med_cpu = statistics.median(cpu)
        # on one thread the matmul runs on the calling thread: its CPU time is the work, whatever the load
        print(json.dumps({"impl": "torch", "shape": s, "median_ms": round(med, 3),
                          "gflops": round(2.0 * m * k * n / med / 1e6, 1), "cpu_ms": round(med_cpu, 3),
                          "gflops_cpu": round(2.0 * m * k * n / med_cpu / 1e6, 1)}), flush=True)
