#!/usr/bin/python3
"""Makes the torch.save fixtures of the file-format tests: what PyTorch writes, read back by
attnviz value for value, and the files attnviz must refuse.

Run with Debian's PyTorch:  /usr/bin/python3 tests/reference/make_torch_files.py
Writes, into torch_files/:
  tensors.pth             torch.save of a dict of tensors in the zip format: float32, float16,
                          bfloat16 and float64; a transposed view and a slice of another tensor
                          (non-contiguous: read through their offset and strides); one tensor
                          under two names (one storage); a 1-D tensor; int64 and bool buffers
  tensors_legacy.pth      the same, _use_new_zipfile_serialization=False
  tensors_big_endian.pth  the float32 tensors, rewritten as a big-endian machine's torch.save
                          writes them: "byteorder" says big and every value's bytes are swapped
  tensors.expected.json   each float tensor's shape and its values as float32
  evil_system.pth         a checkpoint whose 'model' is built by posix.system (an object whose
                          __reduce__ returns os.system): refused by name, never run
  evil_eval.pth           the same with builtins.eval under 'state_dict'
  tensors_cuda.pth        tensors.pth as saved on a GPU: every storage's location "cuda:0"
                          (rewritten: this PyTorch has no GPU), read by torch.load with
                          map_location="cpu" as the same tensors
  compressed.pth          tensors.pth re-zipped with deflate (torch.save never compresses)
  duplicate.pth           tensors.pth with one entry twice
  no_tensors.pth          a dict of numbers, no tensors anywhere
  complex_buffer.pth      a float32 tensor beside a complex64 one, whose storage type attnviz
                          does not read; and the same in the legacy format
"""
import collections
import json
import os
import pathlib
import zipfile

import torch

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "torch_files"


def values(t):
    """A float tensor's values as float32, written as the doubles they are exactly."""
    return t.detach().float().tolist()


class Evil:
    """An object whose unpickling would run a command: what attnviz must never do."""
    def __init__(self, call, argument):
        self.call, self.argument = call, argument

    def __reduce__(self):
        return self.call, (self.argument,)


def rezip(source, target, compression=zipfile.ZIP_STORED, duplicate=None, transform=None,
          byteorder=None):
    """The archive `source` written again entry by entry (with `compression`, an entry given
    twice, each entry's bytes passed through transform(name, bytes), or a byteorder entry)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", compression) as zout:
        if byteorder:  # PyTorch 1.13 writes none (little-endian); later versions write one
            folder = zin.namelist()[0].split("/")[0]
            zout.writestr(f"{folder}/byteorder", byteorder)
        for info in zin.infolist():
            data = zin.read(info.filename)
            if transform:
                data = transform(info.filename, data)
            zout.writestr(info.filename, data)
            if info.filename == duplicate:
                zout.writestr(info.filename, data)


def main():
    OUT.mkdir(exist_ok=True)
    torch.manual_seed(31)
    base = torch.randn(3, 4)
    big = torch.randn(4, 6)
    tensors = collections.OrderedDict([
        ("f32", base),
        ("f16", base.half()),
        ("bf16", base.bfloat16()),
        ("f64", base.double()),
        ("transposed", base.t()),      # strides (1, 4) over base's storage
        ("sliced", big[1:3, 2:5]),     # offset 8, strides (6, 1)
        ("tied", base),                # the same tensor again: one storage
        ("vector", torch.arange(5, dtype=torch.float32) / 4),
        ("steps", torch.arange(6)),    # int64: not a float, refused when asked for
        ("mask", torch.ones(2, 2, dtype=torch.bool)),
    ])
    torch.save(tensors, OUT / "tensors.pth")
    torch.save(tensors, OUT / "tensors_legacy.pth", _use_new_zipfile_serialization=False)
    floats = {k: v for k, v in tensors.items() if v.dtype == torch.float32}
    torch.save(floats, OUT / "floats.tmp")

    def big_endian(name, data):
        if "/data/" in name:
            return bytes(b for i in range(0, len(data), 4) for b in reversed(data[i:i + 4]))
        return data
    rezip(OUT / "floats.tmp", OUT / "tensors_big_endian.pth", transform=big_endian, byteorder="big")
    os.remove(OUT / "floats.tmp")

    # Saved on a GPU: each storage's location says "cuda:0" (a CPU-only PyTorch cannot write
    # one, so the pickle's location strings are rewritten); torch.load(map_location="cpu") reads
    # it as the same tensors.
    def on_gpu(name, data):
        if name.endswith("data.pkl"):
            return data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
        return data
    rezip(OUT / "tensors.pth", OUT / "tensors_cuda.pth", transform=on_gpu)
    loaded = torch.load(OUT / "tensors_cuda.pth", map_location="cpu")
    assert all(torch.equal(loaded[k], v) for k, v in tensors.items())

    expected = {"torch_version": torch.__version__,
                "tensors": {k: {"shape": list(v.shape), "values": values(v)}
                            for k, v in tensors.items() if v.is_floating_point()},
                "big_endian": sorted(floats)}
    (OUT / "tensors.expected.json").write_text(json.dumps(expected) + "\n")

    torch.save({"model": Evil(os.system, "echo attnviz ran a command"), "iter_num": 1},
               OUT / "evil_system.pth")
    torch.save({"state_dict": Evil(eval, "print('attnviz ran code')")}, OUT / "evil_eval.pth")
    rezip(OUT / "tensors.pth", OUT / "compressed.pth", zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(OUT / "tensors.pth") as z:
        data_entry = next(n for n in z.namelist() if "/data/" in n)
    rezip(OUT / "tensors.pth", OUT / "duplicate.pth", duplicate=data_entry)
    torch.save({"epoch": 3, "lr": 0.1}, OUT / "no_tensors.pth")
    other = {"w": torch.arange(4, dtype=torch.float32).reshape(2, 2),
             "c": torch.zeros(3, dtype=torch.complex64)}
    torch.save(other, OUT / "complex_buffer.pth")
    torch.save(other, OUT / "complex_buffer_legacy.pth", _use_new_zipfile_serialization=False)
    for f in sorted(OUT.iterdir()):
        print(f"{f.name}: {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
