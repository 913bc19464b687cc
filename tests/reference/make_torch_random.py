#!/usr/bin/python3
"""Makes fixtures/torch_random.json: raw draws of PyTorch's CPU generator, bit for bit.

Run with Debian's PyTorch:  /usr/bin/python3 tests/reference/make_torch_random.py
PyTorch picks its CPU kernels at start-up, so the script runs itself once per kernel set:
ATEN_CPU_CAPABILITY=avx2 (what x86-64 CPUs with AVX2 use; AVX-512 CPUs use the same normal_
kernel) and ATEN_CPU_CAPABILITY=default (the generic kernels). It needs a CPU with AVX2.
Each float is written as the hex of its float32 bits, so the test compares bits, not decimals.
"""
import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "fixtures" / "torch_random.json"
CAPABILITIES = {"avx2": "avx2", "generic": "default"}


def bits(t):
    import numpy as np
    return [f"{b:08x}" for b in t.detach().numpy().astype(np.float32).ravel().view(np.uint32)]


def draws():
    """One sequence of calls from one seed: the order matters (a cached normal carries over)."""
    import torch
    import torch.nn as nn
    torch.manual_seed(1337)
    steps = []

    def step(call, t):
        steps.append({"call": call, "bits": bits(t)})

    step("randn(1)", torch.randn(1))       # the double-precision path; keeps its second value
    step("randn(7)", torch.randn(7))       # starts with that kept value
    step("randn(16)", torch.randn(16))     # the float kernel, one block of 16
    step("randn(17)", torch.randn(17))     # a ragged end: the last 16 are drawn again
    step("randn(1027)", torch.randn(1027))
    step("uniform_(-0.3, 0.7) of 1000", torch.empty(1000).uniform_(-0.3, 0.7))
    step("normal_(0.5, 2.0) of 5", torch.empty(5).normal_(0.5, 2.0))
    step("normal_(-1.0, 0.25) of 40", torch.empty(40).normal_(-1.0, 0.25))
    for fan_in in (1, 3, 16, 768):
        linear = nn.Linear(fan_in, 3)
        step(f"Linear({fan_in}, 3).weight", linear.weight)
        step(f"Linear({fan_in}, 3).bias", linear.bias)
    torch.manual_seed(2**40 + 5)  # only the low 32 bits seed mt19937
    step("manual_seed(2**40 + 5); randn(20)", torch.randn(20))
    return {"torch_version": torch.__version__, "seed": 1337, "steps": steps}


def main():
    if len(sys.argv) == 2:  # the child: one capability
        print(json.dumps(draws()))
        return
    if "avx2" not in pathlib.Path("/proc/cpuinfo").read_text():
        sys.exit("make_torch_random.py: this CPU has no AVX2; PyTorch would not run its AVX2 kernel")
    doc = {}
    for name, capability in CAPABILITIES.items():
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability)
        child = subprocess.run([sys.executable, __file__, name], env=env, check=True,
                               capture_output=True, text=True)
        doc[name] = json.loads(child.stdout)
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"{OUT.name}: " + ", ".join(f"{k}: {len(v['steps'])} steps" for k, v in doc.items()))


if __name__ == "__main__":
    main()
