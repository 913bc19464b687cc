#!/usr/bin/python3
"""A safetensors file's BF16 and F32 tensors as float32 torch tensors, read as a teacher's
script would (the safetensors package is not in Debian): the header, then each tensor's bytes."""
import json
import struct

import numpy as np
import torch


def read_bf16(folder):
    data = (folder / "model.safetensors").read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = np.frombuffer(data, dtype=np.uint16 if info["dtype"] == "BF16" else np.float32,
                            count=(end - begin) // (2 if info["dtype"] == "BF16" else 4),
                            offset=base + begin)
        if info["dtype"] == "BF16":  # the high half of a float32
            t = torch.from_numpy((raw.astype(np.uint32) << 16).view(np.float32))
        else:
            t = torch.from_numpy(raw.copy())
        tensors[name] = t.reshape(info["shape"])
    return tensors
