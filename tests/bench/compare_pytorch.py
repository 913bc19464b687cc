#!/usr/bin/python3
"""attnviz against the PyTorch programs a student would write instead, side by side on this machine.

Run after building (scripts/bench.sh does both):  /usr/bin/python3 tests/bench/compare_pytorch.py
Needs Debian's python3-torch and python3-matplotlib. Measures, each as a ratio:
  1. `attnviz --text "Azərbaycan dili" --png out.png` against a Python script doing the same (the
     lesson's module from torch.manual_seed(1337), a matplotlib heatmap saved as PNG): median wall
     time of whole processes and their peak memory (maxrss from wait4).
  2. The kernel, T = 1024, n_embd = 256, one thread: the lesson's SelfAttention forward in PyTorch
     (torch.set_num_threads(1), with the BLAS PyTorch finds) against attnviz's BM_Attention.
  3. JSON for T = 2048: Python's json.dump of the weights against attnviz's BM_Json.
Prints a Markdown table and the machine it ran on.
"""
import os

# One thread for the kernel comparison: torch.set_num_threads does not reach a BLAS it was not
# built to know (Debian's PyTorch uses the system libblas, which may be multithreaded OpenBLAS).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
ATTNVIZ = ROOT / "build" / "release" / "attnviz"
BENCHES = {"portable": ROOT / "build" / "bench" / "tests" / "bench" / "attnviz_bench",
           "-march=native": ROOT / "build" / "bench-native" / "tests" / "bench" / "attnviz_bench"}

LESSON = '''
import torch
import torch.nn as nn
from torch.nn import functional as F

class SelfAttention(nn.Module):
    def __init__(self, n_embd, block_size):
        super().__init__()
        self.key = nn.Linear(n_embd, n_embd, bias=False)
        self.query = nn.Linear(n_embd, n_embd, bias=False)
        self.value = nn.Linear(n_embd, n_embd, bias=False)
        self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size))
                                     .view(1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        v = self.value(x)
        wei = q @ k.transpose(-2, -1) * (C**-0.5)
        wei = wei.masked_fill(self.tril[:, :T, :T] == 0, float('-inf'))
        wei = F.softmax(wei, dim=-1)
        self.wei = wei
        return wei @ v
'''

HEATMAP = LESSON + '''
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

torch.manual_seed(1337)
tokens = list("Azərbaycan dili")
vocab = list(dict.fromkeys(tokens))
n_embd, block_size = 16, 256
token_embedding = nn.Embedding(len(vocab), n_embd)
position_embedding = nn.Embedding(block_size, n_embd)
sa = SelfAttention(n_embd, block_size)
idx = torch.tensor([vocab.index(t) for t in tokens])
with torch.no_grad():
    x = token_embedding(idx) + position_embedding(torch.arange(len(tokens)))
    sa(x.unsqueeze(0))
wei = sa.wei[0].numpy()
print(wei.round(3))
fig, ax = plt.subplots(figsize=(7.5, 7.5))
im = ax.imshow(wei, cmap="viridis", vmin=0, vmax=1)
ax.set_xticks(range(len(tokens)), tokens)
ax.set_yticks(range(len(tokens)), tokens)
ax.set_xlabel("key")
ax.set_ylabel("query")
ax.set_title('"Azərbaycan dili": masked self-attention')
fig.colorbar(im)
fig.savefig(sys.argv[1], dpi=100)
'''


def run_process(args, repeat):
    """Median wall seconds of `repeat` runs of a whole process, and its peak RSS (MiB).

    The peak comes from GNU time: a child forked from this Python process would report this
    process's resident pages as its own maximum, whatever it then uses itself."""
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
    timed = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, check=True)
    return statistics.median(walls), int(timed.stderr.strip().splitlines()[-1]) / 1024


def bench(binary, name):
    """Median real time (ms) of one Google Benchmark case, or None without that build."""
    if not binary.exists():
        return None
    out = subprocess.run([str(binary), f"--benchmark_filter=^{name}$",
                          "--benchmark_repetitions=5", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    runs = [b for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"]
    unit = {"ms": 1.0, "us": 1e-3, "ns": 1e-6}[runs[0]["time_unit"]]
    return statistics.median(b["real_time"] * unit for b in runs)


def torch_kernel_ms():
    import torch
    torch.set_num_threads(1)
    scope = {}
    exec(LESSON, scope)
    torch.manual_seed(0)
    sa = scope["SelfAttention"](256, 1024)
    x = torch.randn(1, 1024, 256)
    times = []
    with torch.no_grad():
        for i in range(25):
            start = time.perf_counter()
            sa(x)
            if i >= 5:
                times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def python_json_ms():
    import torch
    torch.manual_seed(0)
    wei = torch.softmax(torch.randn(2048, 2048).masked_fill(
        torch.ones(2048, 2048).triu(1) == 1, float("-inf")), dim=-1)
    weights = wei.tolist()
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            with open(pathlib.Path(tmp) / "w.json", "w") as f:
                json.dump({"weights": weights}, f)
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def machine():
    import torch
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    blas = "OpenBLAS" if any("openblas" in line for line in open("/proc/self/maps")) else \
        "the BLAS it was built with"
    return (f"{cpu}, {os.cpu_count()} cores; {platform.platform()}; PyTorch {torch.__version__} "
            f"({blas}); Python {platform.python_version()}")


def main():
    if not ATTNVIZ.exists():
        sys.exit(f"build attnviz first: {ATTNVIZ} is missing")
    if not pathlib.Path("/usr/bin/time").exists():
        sys.exit("the peak memory is measured with GNU time: apt-get install time")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        script = pathlib.Path(tmp) / "heatmap.py"
        script.write_text(HEATMAP)
        subprocess.run([sys.executable, str(script), f"{tmp}/warm.png"], check=True,
                       stdout=subprocess.DEVNULL)  # file caches warm for both
        a_wall, a_mem = run_process([str(ATTNVIZ), "--text", "Azərbaycan dili", "--png",
                                     f"{tmp}/a.png"], 30)
        p_wall, p_mem = run_process([sys.executable, str(script), f"{tmp}/p.png"], 5)
    rows.append(("`--png` of the lesson sentence, wall time", f"{p_wall * 1e3:.0f} ms",
                 f"{a_wall * 1e3:.1f} ms", f"{p_wall / a_wall:.0f}×"))
    rows.append(("… peak memory", f"{p_mem:.0f} MiB", f"{a_mem:.1f} MiB",
                 f"1/{p_mem / a_mem:.0f}"))
    torch_ms = torch_kernel_ms()
    for build, binary in BENCHES.items():
        ms = bench(binary, "BM_Attention/T:1024/n_embd:256/heads:0")
        if ms is not None:
            rows.append((f"kernel T=1024, n_embd=256, 1 thread ({build})", f"{torch_ms:.1f} ms",
                         f"{ms:.1f} ms", f"{torch_ms / ms:.2f}×"))
    py_json = python_json_ms()
    for build, binary in BENCHES.items():
        ms = bench(binary, "BM_Json/T:2048")
        if ms is not None:
            rows.append((f"JSON of T=2048 weights ({build})", f"{py_json:.0f} ms", f"{ms:.0f} ms",
                         f"{py_json / ms:.0f}×"))
            break
    print(f"Machine: {machine()}\n")
    print("| measure | PyTorch (+ matplotlib, json) | attnviz | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
