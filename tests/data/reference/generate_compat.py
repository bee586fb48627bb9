#!/usr/bin/env python3
"""Writes the guided-diffusion compatibility fixtures of tests/data/reference (parity/gd_*, golden/timestep_embedding).

The configurations the released guided-diffusion models use and generate.py's parity fixtures do not: a learned-Σ
UNet (2C outputs) with num_res_blocks 2, plain GroupNorm instead of AdaGN, plain up/down-sampling layers and the new
attention order at image size 64; a 128-pixel UNet; the noisy classifier with each of its four poolings; and the
sinusoidal timestep embedding at widths that are not a power of two. Like generate.py, it imports the official code
from a checkout given on the command line and copies none of it; the writers and the weight / input recipe are
generate.py's.

    /usr/bin/python3 tests/data/reference/generate_compat.py --guided-diffusion <checkout> [--out DIR] [fixture ...]

Only the guided_diffusion package is read (no denoising-diffusion-gan checkout is needed).
"""

import argparse
import contextlib
import os
import sys
import types

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate  # noqa: E402  (the sibling script: writers, recipe, commit check)

# Network widths: guided-diffusion's normalization(C) is GroupNorm(32, C), which needs C divisible by 32, so a faithful
# network is at least 32 channels wide everywhere. To keep the fixtures small, the networks narrower than that are
# built with normalization(C) = GroupNorm32(min(32, C), C) — the official GroupNorm32 class with the group count the
# project's GroupNorm32 uses. At C >= 32 this is the official layer itself; which fixtures it changes is recorded.
MIN_OFFICIAL_WIDTH = 32

COMMON = {"in_channels": 3, "dropout": 0.0, "conv_resample": True, "dims": 2, "use_checkpoint": False,
          "use_fp16": False, "num_heads_upsample": -1}

# a learn_sigma UNet as script_util's create_model(learn_sigma=True, ...) builds it: out_channels = 2 * 3.
UNET_LEARN_SIGMA_64 = {**COMMON, "image_size": 64, "model_channels": 32, "out_channels": 6, "num_res_blocks": 2,
                       "attention_resolutions": [2], "channel_mult": [1, 1], "num_classes": 10, "num_heads": 1,
                       "num_head_channels": 16, "use_scale_shift_norm": False, "resblock_updown": False,
                       "use_new_attention_order": True}
UNET_128 = {**COMMON, "image_size": 128, "model_channels": 8, "out_channels": 6, "num_res_blocks": 1,
            "attention_resolutions": [4, 8], "channel_mult": [1, 1, 2, 2], "num_classes": None, "num_heads": 2,
            "num_head_channels": -1, "use_scale_shift_norm": True, "resblock_updown": True,
            "use_new_attention_order": False}
ENCODER_64 = {**COMMON, "image_size": 64, "model_channels": 8, "out_channels": 10, "num_res_blocks": 2,
              "attention_resolutions": [2], "channel_mult": [1, 2], "num_heads": 1, "num_head_channels": 8,
              "use_scale_shift_norm": False, "resblock_updown": False, "use_new_attention_order": True}
ENCODER_128 = {**COMMON, "image_size": 128, "model_channels": 8, "out_channels": 10, "num_res_blocks": 1,
               "attention_resolutions": [4, 8], "channel_mult": [1, 1, 2, 2], "num_heads": 1, "num_head_channels": 8,
               "use_scale_shift_norm": True, "resblock_updown": True, "use_new_attention_order": False}
# spatial pooling concatenates the mean of every input block's output and the middle block's (the feature size) and
# maps it through Linear(feature size, 2048): one level and one block keep that matrix small.
ENCODER_SPATIAL = {**COMMON, "image_size": 32, "model_channels": 8, "out_channels": 10, "num_res_blocks": 1,
                   "attention_resolutions": [], "channel_mult": [1], "num_heads": 1, "num_head_channels": 8,
                   "use_scale_shift_norm": True, "resblock_updown": False, "use_new_attention_order": True}

EMBEDDING_DIMS = (32, 128, 192, 256, 320, 384, 33)
EMBEDDING_TIMESTEPS = (0, 1, 2, 3, 17, 250, 499, 500, 777, 998, 999)


@contextlib.contextmanager
def narrow_normalization(gd, kwargs):
    """normalization(C) = GroupNorm32(min(32, C), C) while building a network narrower than 32 channels."""
    original = gd.unet.normalization
    narrow = kwargs["model_channels"] * min(kwargs["channel_mult"]) < MIN_OFFICIAL_WIDTH
    if narrow:
        gd.unet.normalization = lambda channels: gd.nn.GroupNorm32(min(32, channels), channels)
    try:
        yield narrow
    finally:
        gd.unet.normalization = original


def network(official, out, tag, cls, kwargs, conditional, notes, batch=2):
    """generate.parity_network with the io file holding only in.* and out (batch 1: timestep 777, label 7)."""
    with narrow_normalization(official.gd, kwargs) as narrow:
        side = kwargs["image_size"]
        recipe = {**generate.RECIPE,
                  "inputs": f"in.x = randn({batch}, {kwargs['in_channels']}, {side}, {side}) from torch.Generator()."
                            f"manual_seed({generate.INPUT_SEED}); in.timesteps = {generate.BATCH_TIMESTEPS[-batch:]}; "
                            f"in.y = {generate.BATCH_LABELS[-batch:]} (class-conditional networks only)",
                  "loss": "not stored (out_f64, loss_weight, loss and grad_in.x are left out to keep the file small)"}
        recipe["normalization"] = ("GroupNorm32(min(32, C), C) (narrower than 32 channels; guided-diffusion's "
                                   "normalization needs C divisible by 32)") if narrow else "guided-diffusion's normalization(C)"
        generate.parity_network(official, out, tag, cls, kwargs, conditional, notes, recipe, batch, gradient_io=False)


def parity_gd_unet_learn_sigma_64(official, out):
    network(official, out, "gd_unet_learn_sigma_64", official.gd.unet.UNetModel, UNET_LEARN_SIGMA_64, True,
            ["learn_sigma: out_channels 6 = [eps, v] for 3 image channels (script_util.create_model)",
             "num_res_blocks 2, plain GroupNorm (no scale-shift), Downsample/Upsample convolutions, QKVAttention "
             "(new order), attention at 32x32 and in the middle block"])


def parity_gd_unet_128(official, out):
    network(official, out, "gd_unet_128", official.gd.unet.UNetModel, UNET_128, False,
            ["image 128, learned sigma (6 outputs), BigGAN up/down, scale-shift norm, attention at 32x32, 16x16 and "
             "the middle block, 2 heads by num_heads (legacy order), channel_mult (1, 1, 2, 2)"], batch=1)


def parity_gd_encoder(pool, kwargs, batch=2):
    def fixture(official, out):
        network(official, out, f"gd_encoder_{pool}", official.gd.unet.EncoderUNetModel, {**kwargs, "pool": pool},
                False, [f"EncoderUNetModel with pool='{pool}'"], batch)
    return fixture


class RecordingTorch(types.ModuleType):
    """torch, with every th.exp result recorded: the frequencies timestep_embedding computes."""

    def __init__(self):
        super().__init__("torch")
        self.exps = []

    def __getattr__(self, name):
        return getattr(torch, name)

    def exp(self, *args, **kwargs):
        result = torch.exp(*args, **kwargs)
        self.exps.append(result.clone())
        return result


def golden_timestep_embedding(official, out):
    """guided_diffusion.nn.timestep_embedding at several widths: its frequencies and its embeddings."""
    nn = official.gd.nn
    recorder, original = RecordingTorch(), nn.th
    nn.th = recorder
    tensors = {"t": torch.tensor(EMBEDDING_TIMESTEPS, dtype=torch.int64)}
    try:
        for dim in EMBEDDING_DIMS:
            recorder.exps.clear()
            tensors[f"emb.{dim}"] = nn.timestep_embedding(tensors["t"], dim)
            (tensors[f"freqs.{dim}"],) = recorder.exps
    finally:
        nn.th = original
    os.makedirs(os.path.join(out, "golden"), exist_ok=True)
    generate.write_safetensors(os.path.join(out, "golden", "timestep_embedding.safetensors"), tensors)
    generate.write_json(os.path.join(out, "golden", "timestep_embedding.json"), {
        "source": "guided-diffusion/guided_diffusion/nn.py: timestep_embedding(timesteps, dim) (max_period 10000)",
        "commit": official.guided_diffusion_commit, "torch_version": torch.__version__,
        "dims": list(EMBEDDING_DIMS), "timesteps": list(EMBEDDING_TIMESTEPS),
        "tensors": "t [N] int64; emb.<dim> [N, dim] float32 (the function's output); freqs.<dim> [dim // 2] float32 "
                   "(the value of its th.exp call, recorded by wrapping torch in nn.py's namespace)"})


FIXTURES = {
    "golden_timestep_embedding": golden_timestep_embedding,
    "parity_gd_unet_learn_sigma_64": parity_gd_unet_learn_sigma_64,
    "parity_gd_unet_128": parity_gd_unet_128,
    "parity_gd_encoder_adaptive": parity_gd_encoder("adaptive", ENCODER_64),
    "parity_gd_encoder_attention": parity_gd_encoder("attention", ENCODER_128, batch=1),
    "parity_gd_encoder_spatial": parity_gd_encoder("spatial", ENCODER_SPATIAL),
    "parity_gd_encoder_spatial_v2": parity_gd_encoder("spatial_v2", ENCODER_SPATIAL),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guided-diffusion", required=True, help="checkout of github.com/openai/guided-diffusion")
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)), help="output folder")
    parser.add_argument("--any-commit", action="store_true", help="accept a checkout at another commit")
    parser.add_argument("fixtures", nargs="*", help="any of " + ", ".join(FIXTURES) + " (default: all)")
    args = parser.parse_args()
    unknown = [name for name in args.fixtures if name not in FIXTURES]
    if unknown:
        parser.error("unknown fixture " + ", ".join(unknown) + "; known: " + ", ".join(FIXTURES))

    torch.set_num_threads(1)
    official = types.SimpleNamespace(
        guided_diffusion_commit=generate.checkout_commit(args.guided_diffusion, generate.GUIDED_DIFFUSION_COMMIT,
                                                         "guided-diffusion", args.any_commit),
        gd=generate.load_guided_diffusion(args.guided_diffusion))
    for name in args.fixtures or FIXTURES:
        FIXTURES[name](official, args.out)
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
