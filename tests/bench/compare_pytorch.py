#!/usr/bin/python3
"""attnviz against the PyTorch programs a student or teacher would write instead, side by side.

Run after building (scripts/bench.sh does both):  /usr/bin/python3 tests/bench/compare_pytorch.py
Needs Debian's python3-torch and python3-matplotlib, and GNU time for peak memory. Prints one
Markdown table, each row with its target and whether this run meets it:
  1. `attnviz --text "Azərbaycan dili" --png out.png` against a Python script doing the same (the
     lesson's module from torch.manual_seed(1337), a matplotlib heatmap saved as PNG): median wall
     time of whole processes and their peak memory (maxrss).
  2. JSON of a 2 048-character text, default flags, whole processes: the lesson's module and
     json.dump of its weights, against `attnviz --file text --json out.json`.
  3. The kernel, T = 1024, n_embd = 256, one thread: the lesson's SelfAttention forward in PyTorch
     against attnviz's BM_Attention in the default (portable) build.
  4. GPT-2 small's shape (tests/bench/gpt2_small.py): the forward pass with every layer's
     attention kept and all logits, PyTorch on one and two threads against BM_Gpt2Forward.
  5. A teacher's whole-model run, whole processes: map the safetensors file, run the model, draw
     one head's heatmap (matplotlib / `attnviz --weights DIR --layer 5 --head 3 --png`), T = 64
     and 1024: wall time and peak memory. attnviz stops after layer 5 (nothing shown needs more);
     two rows for comparison make it run every block at T = 64, and the logits too.
  5b. The teacher's run (T = 64) from nanoGPT's ckpt.pt of the same model, 1.5 GB with AdamW's
     state (gpt2_small.py ckpt), against it as safetensors: the same time and memory within 10 %.
  6. SVG of T = 2 048 (attnviz alone: its target is absolute), and `--json -` against `--json
     FILE` at T = 2 048: the same peak memory means standard output streams as files do.
  7. Generation, 1 and 2 threads, whole processes: `attnviz --generate` (every kernel set this CPU
     has) against nanoGPT's generate() (no cache, every layer's attention kept: what students run)
     and a key/value-cached PyTorch loop (its attention rows kept): 256 new tokens after 10 on
     GPT-2 small's shape (gpt2_small.py generate), 200 characters on the shipped `az-long` model
     (shipped_generate.py). attnviz's peak memory beside each. Under the table, the least time
     GPT-2's shape can take, reading its weights once per token at this machine's memory speed
     (bench_kernels.cpp's BM_MemoryRead, from the portable bench build).
     `compare_pytorch.py generate` prints only these rows.
  8. Hugging Face decoders, BF16 folders of SmolLM2-135M's and Qwen2.5-0.5B's shapes
     (tests/bench/hf_shapes.py, random weights), whole processes against the PyTorch reference of
     transformers' code (tests/reference/hf_reference.py) reading the same file: the teacher's
     one-head PNG at T = 64 (the middle layer; the peer runs the whole model, as a script does),
     and the whole forward at T = 1024 (attnviz shows the last layer's head, so every block runs;
     the peer keeps every layer's attention and the logits), PyTorch on 1 and 2 threads (its own
     and OpenBLAS's), its best taken; the peak memory against the file's size.
     `compare_pytorch.py hf` prints only these rows.
  9. GGUF against llama.cpp itself (tests/llama's llama_reference on npm's prebuilt libraries):
     Q8_0 and Q4_K_M files of SmolLM2-135M's shape (tests/bench/gguf_shapes.py: hf_shapes.py's
     weights, quantized by llama_model_quantize), whole processes on 1 and 2 threads, T = 64 and
     512: attnviz running every block (the last layer's head drawn, every head's (T, T) weights
     computed) against llama.cpp's prompt processing of the same tokens with its default settings
     (flash attention, no weights kept); its decode time alone beside it; peak memory of both.
     Each of attnviz's kernel sets against llama.cpp's CPU backend for the same instruction set
     (ATTNVIZ_LLAMA_CPU: its best, haswell for AVX2, sse42 for SSE4). Then writing: 128 tokens
     greedily after 8, attnviz's --generate (every new token's attention row in every head kept,
     a head's PNG drawn) against llama_reference generate (llama.cpp's simple example: the prompt
     in one decode, then one token per decode).
     `compare_pytorch.py gguf` prints only these rows.
"""
import os

# Whole processes run as a user runs them: the environment as it was, every thread allowed.
USER_ENV = dict(os.environ)
# One thread for the kernel comparison: torch.set_num_threads does not reach a BLAS it was not
# built to know (Debian's PyTorch uses the system libblas, which may be multithreaded OpenBLAS).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import importlib.util
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


def lesson_weights(tokens, n_embd, block_size):
    """The lesson's (T, T) weights for `tokens` from torch.manual_seed(1337)."""
    torch.manual_seed(1337)
    vocab = list(dict.fromkeys(tokens))
    token_embedding = nn.Embedding(len(vocab), n_embd)
    position_embedding = nn.Embedding(block_size, n_embd)
    sa = SelfAttention(n_embd, block_size)
    idx = torch.tensor([vocab.index(t) for t in tokens])
    with torch.no_grad():
        x = token_embedding(idx) + position_embedding(torch.arange(len(tokens)))
        sa(x.unsqueeze(0))
    return sa.wei[0]
'''

HEATMAP = LESSON + '''
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

tokens = list("Azərbaycan dili")
wei = lesson_weights(tokens, 16, 256).numpy()
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


def run_process(args, repeat, env=None):
    """Median wall seconds of `repeat` runs of a whole process, and its peak RSS (MiB).

    The peak comes from GNU time: a child forked from this Python process would report this
    process's resident pages as its own maximum, whatever it then uses itself."""
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, stdout=subprocess.DEVNULL, check=True, env=env or USER_ENV)
        walls.append(time.perf_counter() - start)
    timed = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, check=True, env=env or USER_ENV)
    return statistics.median(walls), int(timed.stderr.strip().splitlines()[-1]) / 1024


RATES = {}  # benchmark name → median FLOP/s, for the GFLOP/s lines under the table


def bench(binary, name, env=None, label=""):
    """Median real time (ms) of one Google Benchmark case, or None without that build."""
    if not binary.exists():
        return None
    out = subprocess.run([str(binary), f"--benchmark_filter=^{name}$",
                          "--benchmark_repetitions=5", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True, env=env).stdout
    runs = [b for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"]
    unit = {"ms": 1.0, "us": 1e-3, "ns": 1e-6}[runs[0]["time_unit"]]
    if "FLOP/s" in runs[0]:
        RATES[name + label] = statistics.median(b["FLOP/s"] for b in runs)
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


JSON_PEER = LESSON + '''
import json, sys
tokens = list(open(sys.argv[1], encoding="utf-8").read())
wei = lesson_weights(tokens, 16, len(tokens))
with open(sys.argv[2], "w") as f:
    json.dump({"tokens": tokens, "weights": wei.tolist()}, f)
'''


def text_of(n):
    """The first n characters of the course's lesson text, its lines joined by spaces."""
    text = " ".join((ROOT / "data" / "texts" / "day12-attention.az.md").read_text().split())
    while len(text) < n:
        text += " " + text
    return text[:n]


def on_openblas():
    """Whether Debian's PyTorch runs on OpenBLAS: it calls the system's libblas.so.3, which is
    the reference BLAS unless libopenblas0-pthread is installed (OpenBLAS's liblapack may be
    loaded beside the reference BLAS: the BLAS itself is what counts)."""
    import torch  # noqa: F401
    blas = [line.split()[-1] for line in open("/proc/self/maps") if "/libblas.so" in line]
    return bool(blas) and all("openblas" in path for path in blas)


def machine():
    import torch
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    blas = "OpenBLAS" if on_openblas() else "the reference BLAS"
    return (f"{cpu}, {os.cpu_count()} cores; {platform.platform()}; PyTorch {torch.__version__} "
            f"({blas}); Python {platform.python_version()}")


GPT2 = ROOT / "build" / "gpt2-small"
AVX2_ENV = None  # set in main(): USER_ENV with ATTNVIZ_KERNELS=AVX2
PEER = ROOT / "tests" / "bench" / "gpt2_small.py"


def row(rows, measure, peer, ours, ratio, target, met):
    rows.append((measure, peer, ours, ratio, target, "met" if met else "**not met**"))


def peer_seconds(args, threads):
    """The seconds a peer script prints first, run on `threads` threads (its BLAS's too)."""
    env = dict(USER_ENV, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-W", "ignore"] + args, check=True, capture_output=True,
                         text=True, env=env).stdout
    return float(out.split()[0])


def kernel_sets():
    """("", {}) for this CPU's own kernels, then every other set it can run (ATTNVIZ_KERNELS)."""
    sets = [("", {})]
    for name in ("AVX2", "SSE4"):
        env = dict(USER_ENV, ATTNVIZ_KERNELS=name)
        if subprocess.run([str(ATTNVIZ), "--text", "a", "--no-table"], env=env,
                          capture_output=True).returncode == 0:
            sets.append((f", {name} kernels", env))
    return sets


NOTES = []  # lines printed under the table


def memory_bound():
    """The fastest GPT-2 small's shape can write 256 tokens here: each new token reads every
    weight once, so no faster than this machine reads memory (BM_MemoryRead, 1 and 2 threads)."""
    size = (GPT2 / "model.safetensors").stat().st_size
    speeds = {}
    for threads in (1, 2):
        ms = bench(BENCHES["portable"], f"BM_MemoryRead/threads:{threads}/real_time")
        if ms is None:
            return
        speeds[threads] = (512 << 20) / (ms / 1e3)
    NOTES.append(f"Memory read (BM_MemoryRead): {speeds[1] / 1e9:.1f} GB/s on one thread, "
                 f"{speeds[2] / 1e9:.1f} on two; GPT-2 small's shape reads its {size / 1e6:.0f} MB "
                 f"of weights for each new token, so 256 tokens take at least "
                 f"{256 * size / speeds[1]:.1f} s on one thread, {256 * size / speeds[2]:.1f} s "
                 "on two.")


def generation_rows(rows, tmp):
    """7. Tokens per second while writing, every attention row kept."""
    memory_bound()
    runs = [("GPT-2-small-shaped, 256 new tokens after 10",
             ["--weights", str(GPT2), "--text", " ".join(["the"] * 10), "--generate", "256"],
             lambda t, mode: [str(PEER), "generate", str(GPT2), "10", "256", str(t), mode], 256)]
    shipped = ROOT / "data" / "models" / "az-long" / "az-long.safetensors"
    if shipped.exists():
        runs.append(("the shipped az-long, 200 new characters after 23",
                     ["--model", "az-long", "--text", "Mən çayı sevirəm, çünki", "--generate",
                      "200"],
                     lambda t, mode: [str(PEER.parent / "shipped_generate.py"), str(shipped), "200",
                                      str(t), mode], 200))
    for name, args, peer, n in runs:
        for threads in (1, 2):
            cached = peer_seconds(peer(threads, "cache"), threads)
            nocache = peer_seconds(peer(threads, "nocache"), threads)
            for kernels, env in kernel_sets():
                a_wall, a_mem = run_process(
                    [str(ATTNVIZ), *args, "--threads", str(threads), "--png", f"{tmp}/g.png",
                     "--no-table"], 3, env or None)
                ok = cached / a_wall >= 3 and nocache / a_wall >= 10
                row(rows, f"{name}, {threads} thread{'s' if threads > 1 else ''}{kernels}",
                    f"cached {cached:.2f} s ({n / cached:.0f}/s); nanoGPT {nocache:.1f} s "
                    f"({n / nocache:.1f}/s)", f"{a_wall:.2f} s ({n / a_wall:.0f}/s), {a_mem:.0f} MiB",
                    f"{cached / a_wall:.1f}× cached, {nocache / a_wall:.0f}× nanoGPT",
                    "≥ 3× cached, ≥ 10× nanoGPT", ok)


HF = {"SmolLM2-135M": ROOT / "build" / "hf" / "smollm2-135m",
      "Qwen2.5-0.5B": ROOT / "build" / "hf" / "qwen2.5-0.5b"}
HF_PEER = ROOT / "tests" / "bench" / "hf_shapes.py"


def hf_rows(rows, tmp):
    """8. The Hugging Face decoders: a teacher's PNG at T = 64, the whole forward at T = 1024."""
    for name, folder in HF.items():
        if not (folder / "model.safetensors").exists():
            subprocess.run([sys.executable, str(HF_PEER), "make", folder.name, str(folder)],
                           check=True)
        config = json.loads((folder / "config.json").read_text())
        n_layer = config["num_hidden_layers"]
        file_mib = (folder / "model.safetensors").stat().st_size / 2**20
        for T, layer, goal in ((64, n_layer // 2, 5), (1024, n_layer - 1, 2)):
            text = ("the " * (T // 4 + 1))[:T]
            peer_args = ["heatmap", str(folder), str(T), str(layer), "0", f"{tmp}/p.png"]
            peers = {}
            for threads in (1, 2):
                env = dict(USER_ENV, OPENBLAS_NUM_THREADS=str(threads),
                           OMP_NUM_THREADS=str(threads))
                peers[threads] = run_process([sys.executable, "-W", "ignore", str(HF_PEER),
                                              *peer_args], 1, env)
            best = min(peers, key=lambda t: peers[t][0])
            p_wall, p_mem = peers[best]
            for kernels, env in kernel_sets():
                a_wall, a_mem = run_process([str(ATTNVIZ), "--weights", str(folder), "--text", text,
                                             "--layer", str(layer), "--head", "0", "--png",
                                             f"{tmp}/a.png", "--no-table"], 3, env or None)
                row(rows, f"{name} (BF16, {file_mib:.0f} MiB), one head's PNG, layer {layer}, "
                    f"T={T}{kernels}",
                    f"{p_wall:.2f} s ({best} thread{'s' if best > 1 else ''}), {p_mem:.0f} MiB",
                    f"{a_wall:.2f} s, {a_mem:.0f} MiB", f"{p_wall / a_wall:.1f}×",
                    f"≥ {goal}×, memory < the file", p_wall / a_wall >= goal and a_mem < file_mib)


GGUF = ROOT / "build" / "gguf"
LLAMA = ROOT / "build" / "release" / "tests"  # llama_reference and llama.cpp's gguf-py, from
LLAMA_LIBS = ROOT / "tests" / "llama" / "node_modules" / "@node-llama-cpp" / "linux-x64" / "bins" \
    / "linux-x64"  # the test build with tests/llama installed (scripts/setup.sh --test)


def gguf_rows(rows, tmp):
    """9. GGUF against llama.cpp: the whole forward of SmolLM2-135M's shape, Q8_0 and Q4_K_M."""
    reference = LLAMA / "llama_reference"
    if not reference.exists() or not LLAMA_LIBS.exists():
        print("bench: the GGUF rows need the test build with llama.cpp installed "
              "(scripts/setup.sh --test)", file=sys.stderr)
        return
    name = "smollm2-135m"
    if not (GGUF / f"{name}-Q4_K_M.gguf").exists():
        subprocess.run([sys.executable, str(ROOT / "tests" / "bench" / "gguf_shapes.py"), "make",
                        name, str(GGUF), str(LLAMA / "llama.cpp" / "gguf-py"), str(reference),
                        str(LLAMA_LIBS)], check=True)
    env = dict(USER_ENV, ATTNVIZ_LLAMA_LIBS=str(LLAMA_LIBS))
    token = str(ord("a") - 32)  # gguf_shapes.py's vocabulary: the ASCII characters from 32
    # Each of attnviz's kernel sets against llama.cpp's CPU backend for the same instruction set:
    # its best here (all of them loaded, the best chosen), haswell (AVX2), sse42.
    backends = {"": "", ", AVX2 kernels": "haswell", ", SSE4 kernels": "sse42"}
    for ftype in ("Q8_0", "Q4_K_M"):
        model = GGUF / f"{name}-{ftype}.gguf"
        file_mib = model.stat().st_size / 2**20
        for T in (64, 512):
            for threads in (1, 2):
                for kernels, k_env in kernel_sets():
                    p_env = dict(env, ATTNVIZ_LLAMA_CPU=backends[kernels])
                    p_args = [str(reference), "bench", str(model), str(threads), str(T), token]
                    p_wall, p_mem = run_process(p_args, 3, p_env)
                    decode = float(subprocess.run(p_args, check=True, capture_output=True,
                                                  text=True, env=p_env).stdout)
                    a_wall, a_mem = run_process(
                        [str(ATTNVIZ), "--weights", str(model), "--text", "a" * T, "--layer", "29",
                         "--head", "0", "--png", f"{tmp}/g.png", "--no-table", "--threads",
                         str(threads)], 3, k_env or None)
                    row(rows, f"SmolLM2-135M-shaped {ftype} GGUF ({file_mib:.0f} MiB), whole "
                        f"forward, every weight computed, T={T}, {threads} thread"
                        f"{'s' if threads > 1 else ''}{kernels}",
                        f"llama.cpp{' ' + backends[kernels] if backends[kernels] else ''}: "
                        f"{p_wall:.2f} s (decode {decode:.2f} s), {p_mem:.0f} MiB",
                        f"{a_wall:.2f} s, {a_mem:.0f} MiB", f"{a_wall / p_wall:.2f}× its time",
                        "≤ 1.5× llama.cpp's time", a_wall <= 1.5 * p_wall)
    prompt, n = "abcdefgh", 128
    ids = [str(ord(c) - 32) for c in prompt]
    for ftype in ("Q8_0", "Q4_K_M"):
        model = GGUF / f"{name}-{ftype}.gguf"
        for threads in (1, 2):
            for kernels, k_env in kernel_sets():
                p_env = dict(env, ATTNVIZ_LLAMA_CPU=backends[kernels])
                p_args = [str(reference), "generate", str(model), str(threads), str(n), *ids]
                p_wall, p_mem = run_process(p_args, 3, p_env)
                decode = float(subprocess.run(p_args, check=True, capture_output=True, text=True,
                                              env=p_env).stdout.split()[0])
                a_wall, a_mem = run_process(
                    [str(ATTNVIZ), "--weights", str(model), "--text", prompt, "--generate", str(n),
                     "--temperature", "0", "--layer", "29", "--head", "0", "--png",
                     f"{tmp}/g.png", "--no-table", "--threads", str(threads)], 3, k_env or None)
                row(rows, f"SmolLM2-135M-shaped {ftype} GGUF, writing {n} tokens after "
                    f"{len(ids)}, greedy, {threads} thread{'s' if threads > 1 else ''}{kernels}",
                    f"llama.cpp{' ' + backends[kernels] if backends[kernels] else ''}: "
                    f"{p_wall:.2f} s (decodes {decode:.2f} s), {p_mem:.0f} MiB",
                    f"{a_wall:.2f} s ({n / a_wall:.0f}/s), {a_mem:.0f} MiB",
                    f"{a_wall / p_wall:.2f}× its time", "(for comparison)", True)


def print_rows(rows):
    print(f"Machine: {machine()}\n")
    print("| measure | peer (PyTorch; llama.cpp for GGUF) | attnviz | ratio | target | |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


def main():
    if not ATTNVIZ.exists():
        sys.exit(f"build attnviz first: {ATTNVIZ} is missing")
    if not pathlib.Path("/usr/bin/time").exists():
        sys.exit("the peak memory is measured with GNU time: apt-get install time")
    # PyTorch at its best, or no comparison (the GGUF rows compare with llama.cpp alone)
    if sys.argv[1:2] != ["gguf"] and not on_openblas() and \
            not os.environ.get("ATTNVIZ_BENCH_ANY_BLAS"):
        sys.exit("PyTorch here runs on the reference BLAS, 35× slower than OpenBLAS on the kernel "
                 "row: apt-get install libopenblas0-pthread (or ATTNVIZ_BENCH_ANY_BLAS=1 to "
                 "compare with it anyway)")
    # the teacher's scripts draw with matplotlib (the lesson's heatmap, the decoders' rows)
    if sys.argv[1:2] in ([], ["hf"]) and importlib.util.find_spec("matplotlib") is None:
        sys.exit("the PyTorch side draws with matplotlib: apt-get install python3-matplotlib")
    global AVX2_ENV
    AVX2_ENV = dict(USER_ENV, ATTNVIZ_KERNELS="AVX2")
    rows = []
    sections = {"generate": generation_rows, "hf": hf_rows, "gguf": gguf_rows}
    if sys.argv[1:2] in (["generate"], []) and not (GPT2 / "model.safetensors").exists():
        subprocess.run([sys.executable, str(PEER), "make", str(GPT2)], check=True)
    if sys.argv[1:2] and sys.argv[1] in sections:
        with tempfile.TemporaryDirectory() as tmp:
            sections[sys.argv[1]](rows, tmp)
        print_rows(rows)
        print("\n".join(NOTES))
        return
    with tempfile.TemporaryDirectory() as tmp:
        # 1. The lesson's heatmap.
        script = pathlib.Path(tmp) / "heatmap.py"
        script.write_text(HEATMAP)
        subprocess.run([sys.executable, str(script), f"{tmp}/warm.png"], check=True,
                       stdout=subprocess.DEVNULL)  # file caches warm for both
        a_wall, a_mem = run_process([str(ATTNVIZ), "--text", "Azərbaycan dili", "--png",
                                     f"{tmp}/a.png"], 40)
        p_wall, p_mem = run_process([sys.executable, str(script), f"{tmp}/p.png"], 5)
        row(rows, "lesson PNG, whole process", f"{p_wall * 1e3:.0f} ms", f"{a_wall * 1e3:.1f} ms",
            f"{p_wall / a_wall:.0f}×", "≥ 200×", p_wall / a_wall >= 200)
        avx2_wall, _ = run_process([str(ATTNVIZ), "--text", "Azərbaycan dili", "--png",
                                    f"{tmp}/a.png"], 40, AVX2_ENV)
        row(rows, "… with the AVX2 kernels", f"{p_wall * 1e3:.0f} ms", f"{avx2_wall * 1e3:.1f} ms",
            f"{p_wall / avx2_wall:.0f}×", "≥ 200×", p_wall / avx2_wall >= 200)
        row(rows, "… its peak memory", f"{p_mem:.0f} MiB", f"{a_mem:.1f} MiB",
            f"1/{p_mem / a_mem:.0f}", "≤ 1/30", p_mem / a_mem >= 30)

        # 2. JSON of a 2 048-character text, default flags.
        text = pathlib.Path(tmp) / "text.txt"
        text.write_text(text_of(2048))
        peer = pathlib.Path(tmp) / "json_peer.py"
        peer.write_text(JSON_PEER)
        p_wall, _ = run_process([sys.executable, str(peer), str(text), f"{tmp}/p.json"], 3)
        a_wall, _ = run_process([str(ATTNVIZ), "--file", str(text), "--block-size", "2048",
                                 "--json", f"{tmp}/a.json"], 5)
        row(rows, "JSON of a 2 048-char text, default flags", f"{p_wall:.2f} s",
            f"{a_wall * 1e3:.0f} ms", f"{p_wall / a_wall:.0f}×", "≥ 10×", p_wall / a_wall >= 10)

        # 3. The kernel, one thread.
        torch_ms = torch_kernel_ms()
        runs = [("portable build", BENCHES["portable"], None),
                ("portable build, AVX2 kernels", BENCHES["portable"], AVX2_ENV),
                ("-march=native build", BENCHES["-march=native"], None)]
        for what, binary, env in runs:
            ms = bench(binary, "BM_Attention/T:1024/n_embd:256/heads:0/threads:1/real_time", env,
                       label=f" ({what})")
            if ms is not None:
                portable = binary == BENCHES["portable"]
                row(rows, f"kernel T=1024, n_embd=256, 1 thread, {what}",
                    f"{torch_ms:.1f} ms", f"{ms:.1f} ms", f"{torch_ms / ms:.2f}×",
                    "≥ 1.5×" if portable else "(for comparison)",
                    torch_ms / ms >= 1.5 or not portable)

        # 4. GPT-2 small's shape, the forward pass. PyTorch's threads are its own (intra-op)
        # and OpenBLAS's, set apart: its best here is one of its own over two of OpenBLAS's.
        configs = {"1 thread": (1, 1), "2 threads": (2, 2), "1 + 2 OpenBLAS threads": (1, 2)}
        torch_s = {name: float(subprocess.run(
            [sys.executable, "-W", "ignore", str(PEER), "forward", str(GPT2), "1024", str(t), "3"],
            check=True, capture_output=True, text=True,
            env=dict(USER_ENV, OPENBLAS_NUM_THREADS=str(b), OMP_NUM_THREADS=str(b))).stdout)
            for name, (t, b) in configs.items()}
        best_name = min(torch_s, key=torch_s.get)
        best = torch_s[best_name]
        for kernels, env in (("", {}), (", AVX2 kernels", {"ATTNVIZ_KERNELS": "AVX2"})):
            env = dict(os.environ, ATTNVIZ_BENCH_GPT2=str(GPT2), **env)
            for n in (1, 2):
                ms = bench(BENCHES["portable"], f"BM_Gpt2Forward/T:1024/threads:{n}/real_time",
                           env, label=kernels)
                peer = torch_s["1 thread" if n == 1 else "2 threads"]
                row(rows, f"GPT-2-small-shaped forward, T=1024, all attention and logits, {n} "
                    f"thread{'s' if n > 1 else ''}{kernels}",
                    f"{peer:.2f} s (best: {best:.2f} s, {best_name})", f"{ms / 1e3:.2f} s",
                    f"{best / (ms / 1e3):.2f}× the best", "≥ 2× PyTorch's best",
                    best / (ms / 1e3) >= 2)

        # 5. A teacher's whole-model run: one head's heatmap.
        for T, goal in ((64, 10), (1024, 2)):
            words = " ".join(["the"] * T)
            p_wall, p_mem = run_process([sys.executable, "-W", "ignore", str(PEER), "heatmap",
                                         str(GPT2), str(T), "5", "3", f"{tmp}/p.png"], 3)
            a_wall, a_mem = run_process([str(ATTNVIZ), "--weights", str(GPT2), "--text", words,
                                         "--layer", "5", "--head", "3", "--png", f"{tmp}/a.png",
                                         "--no-table"], 5)
            row(rows, f"teacher's GPT-2-small run, one head's PNG, T={T}", f"{p_wall:.2f} s",
                f"{a_wall:.3f} s", f"{p_wall / a_wall:.1f}×", f"≥ {goal}×", p_wall / a_wall >= goal)
            row(rows, "… its peak memory", f"{p_mem:.0f} MiB", f"{a_mem:.0f} MiB",
                f"1/{p_mem / a_mem:.1f}", "well under", a_mem < 0.5 * p_mem)
            if T != 64:
                continue
            # attnviz runs a model only as far as its outputs look; the peer always runs it all.
            # The same run made to go through every block: the last layer's head, then the
            # table's next-token guesses too (the output embedding as well).
            for what, more in (("layer 11 (every block)", ["--layer", "11", "--no-table"]),
                               ("with the table's guesses (every block and the logits)",
                                ["--layer", "5"])):
                a_wall, _ = run_process([str(ATTNVIZ), "--weights", str(GPT2), "--text", words,
                                         "--head", "3", "--png", f"{tmp}/a.png"] + more, 5)
                row(rows, f"… {what}", f"{p_wall:.2f} s", f"{a_wall:.3f} s",
                    f"{p_wall / a_wall:.1f}×", "(for comparison)", True)

        # 5b. The same run from nanoGPT's ckpt.pt (1.5 GB, the optimizer's state included)
        # against the same model as safetensors: attnviz against itself.
        if not (GPT2 / "ckpt.pt").exists():
            subprocess.run([sys.executable, str(PEER), "ckpt", str(GPT2)], check=True)
        words = " ".join(["the"] * 64)
        runs = {}
        for name in ("nanogpt.safetensors", "ckpt.pt"):
            runs[name] = run_process([str(ATTNVIZ), "--weights", str(GPT2 / name), "--text",
                                      words, "--layer", "5", "--head", "3", "--png",
                                      f"{tmp}/a.png", "--no-table"], 9)
        (s_wall, s_mem), (c_wall, c_mem) = runs["nanogpt.safetensors"], runs["ckpt.pt"]
        row(rows, "teacher's run from nanoGPT's ckpt.pt (1.5 GB with AdamW's state), T=64, "
            "against the same model as safetensors", f"{s_wall:.3f} s, {s_mem:.0f} MiB",
            f"{c_wall:.3f} s, {c_mem:.0f} MiB", f"{c_wall / s_wall:.2f}×, {c_mem / s_mem:.2f}×",
            "within 10 %", c_wall <= 1.1 * s_wall and c_mem <= 1.1 * s_mem)

        # 6. SVG of T = 2048, and --json - against --json FILE.
        a_wall, a_mem = run_process([str(ATTNVIZ), "--file", str(text), "--block-size", "2048",
                                     "--svg", f"{tmp}/a.svg", "--no-table"], 3)
        row(rows, "SVG of T=2048, whole process", "", f"{a_wall:.2f} s, {a_mem:.0f} MiB", "",
            "< 0.5 s, < 30 MiB", a_wall < 0.5 and a_mem < 30)
        _, file_mem = run_process([str(ATTNVIZ), "--file", str(text), "--block-size", "2048",
                                   "--json", f"{tmp}/b.json", "--no-table"], 1)
        _, out_mem = run_process([str(ATTNVIZ), "--file", str(text), "--block-size", "2048",
                                  "--json", "-", "--no-table"], 1)
        row(rows, "`--json -` of T=2048: peak memory", f"(to a file: {file_mem:.0f} MiB)",
            f"{out_mem:.0f} MiB", "", "streams as files do", out_mem < 1.2 * file_mem)

        # 7. Generation.
        generation_rows(rows, tmp)

        # 8. Hugging Face decoders.
        hf_rows(rows, tmp)

        # 9. GGUF against llama.cpp.
        gguf_rows(rows, tmp)
    bench(BENCHES["-march=native"], "BM_PeakMultiplyAdd")
    peak = RATES.pop("BM_PeakMultiplyAdd", None)
    # Each instruction set's products at T = 1024 beside its own peak (bench_kernels.cpp).
    shares = []
    for target in ("AVX3", "AVX2", "SSE4"):
        if bench(BENCHES["portable"], f"BM_Peak/{target}") is None or f"BM_Peak/{target}" not in RATES:
            continue
        own = RATES.pop(f"BM_Peak/{target}")
        out = subprocess.run([str(BENCHES["portable"]), f"--benchmark_filter=^BM_Product/{target}/",
                              "--benchmark_format=json"], check=True, capture_output=True,
                             text=True).stdout
        for b in json.loads(out)["benchmarks"]:
            shares.append(f"- {b['name']}: {b['FLOP/s'] / 1e9:.0f} GFLOP/s, "
                          f"{100 * b['FLOP/s'] / own:.0f} % of {target}'s peak ({own / 1e9:.0f})")
    print_rows(rows)
    print("\n".join(NOTES))
    if peak:
        print(f"\nOne core's measured peak (BM_PeakMultiplyAdd, -march=native): {peak / 1e9:.0f} "
              "GFLOP/s. Useful work, in GFLOP/s and as a share of the peak of the cores used:")
        for name, rate in RATES.items():
            if name == "BM_PeakMultiplyAdd":
                continue
            cores = 2 if "threads:2" in name else 1
            print(f"- {name}: {rate / 1e9:.0f} ({100 * rate / (cores * peak):.0f} % of "
                  f"{cores} core{'s' if cores > 1 else ''})")
    if shares:
        print("\nThe products at T = 1024, one thread, on each instruction set (target: ≥ 60 % of "
              "its own peak):")
        print("\n".join(shares))


if __name__ == "__main__":
    main()
