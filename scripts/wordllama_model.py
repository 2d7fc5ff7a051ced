#!/usr/bin/env python3
"""Build models/wordllama-l2-supercat/ from the `wordllama` wheel.

Usage:
  pip download wordllama==0.4.0.post1 --no-deps -d /tmp/wl
  unzip /tmp/wl/wordllama-*.whl -d /tmp/wl/whl
  python3 scripts/wordllama_model.py /tmp/wl/whl models/wordllama-l2-supercat

WordLlama's l2_supercat table is 32,000 tokens by 256 dimensions in f16,
trained with Matryoshka losses, so its first 128 dimensions are a model of
their own. This keeps those 128 and stores each row as int8 with one f32
scale (max |x| / 127): 4.2 MB instead of 16 MB. docs/semantic.md has the
measurement that the smaller table keeps the quality. Needs numpy only.
"""
import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

DIMS = 128


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header["embedding.weight"]
    start, end = meta["data_offsets"]
    dtype = {"F16": np.float16, "F32": np.float32}[meta["dtype"]]
    return np.frombuffer(raw[8 + n + start : 8 + n + end], dtype=dtype).reshape(meta["shape"])


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, (dtype, array) in tensors.items():
        data = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    wheel, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    table = read_safetensors(wheel / "wordllama/weights/l2_supercat_256.safetensors").astype(np.float32)[:, :DIMS]
    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    quantized = np.clip(np.round(table / scale[:, None]), -127, 127).astype(np.int8)
    write_safetensors(
        out / "embeddings.safetensors",
        {"embedding.weight": ("I8", quantized), "embedding.scale": ("F32", scale.astype(np.float32))},
    )
    shutil.copy(wheel / "wordllama/tokenizers/l2_supercat_tokenizer_config.json", out / "tokenizer.json")
    licence = next(wheel.glob("wordllama-*.dist-info/licenses/LICENSE"))
    shutil.copy(licence, out / "LICENSE")


if __name__ == "__main__":
    main()
