#!/usr/bin/env python3
"""Writes the PyTorch fixtures of the .pt / .pth import tests (tests/data/pytorch/README.md).

Run from the repository root with a Python that has torch (Debian 12: apt-get install python3-torch):

    python3 tests/data/pytorch/make_fixture.py [--out DIR]

Writes, next to this script unless --out is given:
  dtypes.pt       a state dict of every case the reader must handle (dtypes, a 0-d int64 buffer, a transposed
                  view, two tensors sharing one storage at different offsets), saved with torch.save (zip format)
  mlp-tiny.pth    model.state_dict() of a module with the parameter names and shapes of the project's 2-D MLP
                  backbone (hidden_dim 4, num_layers 1, time_embed_dim 4, 2 channels in and out); values exact in fp32
  nested.pt       a training checkpoint as DDGAN's code saves one: {'epoch': 3, 'netG_dict': <mlp-tiny's state dict>,
                  'args': {'lr': 0.0002, 'name': 'tiny'}}; imported with --key netG_dict
  legacy.pt       a tensor dict saved with the pre-1.6 format (_use_new_zipfile_serialization=False): refused
  malicious.pt    a torch.save archive whose pickle calls os.system when torch.load (weights_only=False) reads it:
                  refused by the project's reader, which never runs pickled code. Its command only echoes a line.
  expected.json   every tensor of dtypes.pt and mlp-tiny.pth: dtype, shape and exact values (row-major), and the
                  torch version that wrote the files
Nothing here is loaded back with torch.load: the script never unpickles malicious.pt.
"""
import argparse
import collections
import json
import os
import pathlib

import torch


def exact(t):
    """Row-major values as Python numbers (floats exact: every value here is a dyadic rational)."""
    flat = t.detach().reshape(-1)
    if t.dtype.is_floating_point:
        return [float(v) for v in flat.to(torch.float64).tolist()]
    if t.dtype == torch.bool:
        return [bool(v) for v in flat.tolist()]
    return [int(v) for v in flat.tolist()]


def describe(sd):
    return {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "values": exact(v)} for k, v in sd.items()}


def dtypes_state_dict():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.75         # [3, 4], exact in fp32
    shared = torch.arange(10, dtype=torch.float32) / 4                               # one storage, two views
    sd = collections.OrderedDict()
    sd["weight"] = base.clone()
    sd["transposed"] = base.t()                                                      # [4, 3], strides (1, 4)
    sd["half"] = torch.tensor([0.5, -1.25, 3.0, 65504.0, -0.0], dtype=torch.float16)
    sd["bf16"] = torch.tensor([1.0, -2.5, 0.015625, 256.0], dtype=torch.bfloat16)
    sd["double"] = torch.tensor([[1.0 / 3.0, -2.0], [1e-300, 7.0]], dtype=torch.float64)
    sd["num_batches_tracked"] = torch.tensor(7, dtype=torch.int64)                  # 0-d buffer, as BatchNorm's
    sd["counts"] = torch.tensor([-3, 0, 2147483647], dtype=torch.int32)
    sd["mask"] = torch.tensor([True, False, True])
    sd["bytes"] = torch.tensor([0, 7, 255], dtype=torch.uint8)
    sd["shared_a"] = shared[:6].view(2, 3)                                           # offset 0
    sd["shared_b"] = shared[4:]                                                      # offset 4 of the same storage
    sd["empty"] = torch.zeros(0, 3)
    return sd


class TinyMlp(torch.nn.Module):
    """The parameter names and shapes of the project's MLP backbone for the options above; not its forward pass."""

    def __init__(self, h=4, e=4, channels=2, layers=1):
        super().__init__()
        self.time_fc1 = torch.nn.Linear(e, h)
        self.time_fc2 = torch.nn.Linear(h, h)
        self.input = torch.nn.Linear(channels, h)
        self.hidden = torch.nn.ModuleList(torch.nn.Linear(h, h) for _ in range(layers))
        self.cond = torch.nn.ModuleList(torch.nn.Linear(h, h) for _ in range(layers))
        self.output = torch.nn.Linear(h, channels)


def mlp_state_dict():
    model = TinyMlp()
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            n = p.numel()
            p.copy_(((torch.arange(n, dtype=torch.float32) * 7 + i * 3) % 17 - 8).reshape(p.shape) / 32)
    return model.state_dict()                                                        # an OrderedDict with _metadata


class RunsCode:
    """Pickles as GLOBAL posix.system (os.system) + REDUCE: torch.load without weights_only would run the command."""

    def __reduce__(self):
        return (os.system, ("echo this pickle ran code when it was loaded",))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(pathlib.Path(__file__).resolve().parent))
    out = pathlib.Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)

    dtypes = dtypes_state_dict()
    torch.save(dtypes, out / "dtypes.pt")
    mlp = mlp_state_dict()
    torch.save(mlp, out / "mlp-tiny.pth")
    torch.save({"epoch": 3, "netG_dict": mlp, "args": {"lr": 0.0002, "name": "tiny"}}, out / "nested.pt")
    torch.save({"weight": torch.ones(2)}, out / "legacy.pt", _use_new_zipfile_serialization=False)
    torch.save(collections.OrderedDict(weight=torch.ones(2), hook=RunsCode()), out / "malicious.pt")

    expected = {
        "torch_version": torch.__version__,
        "dtypes.pt": describe(dtypes),
        "mlp-tiny.pth": describe(mlp),
    }
    (out / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
