#!/usr/bin/env python3
"""Writes the reference fixtures of tests/data/reference by running the official Python implementations.

The C# tests compare the project's numbers with what the official code computes for the same inputs and weights;
this script is the only place those numbers come from. It imports the official code from checkouts given on the
command line (nothing of it is copied here) and records the commit of each checkout in the files it writes.

    /usr/bin/python3 tests/data/reference/generate.py \
        --guided-diffusion <checkout of openai/guided-diffusion> \
        --ddgan <checkout of NVlabs/denoising-diffusion-gan> [--out DIR] [fixture ...]

Requirements: PyTorch (CPU) and NumPy; Debian 12's python3-torch (PyTorch 1.13) and python3-numpy made the
committed files. Each fixture is one function registered in FIXTURES; to add one, write a function taking the
Official handles and the output folder, and register it.
"""

import argparse
import ast
import contextlib
import copy
import json
import os
import struct
import subprocess
import sys
import types

import numpy as np
import torch

# The commits the committed fixtures were made from. A checkout at another commit is refused unless --any-commit.
GUIDED_DIFFUSION_COMMIT = "22e0df8183507e13a7813f8d38d51b072ca1e67c"
DDGAN_COMMIT = "6818ded6443e10ab69c7864745457ce391d4d883"

# The names taken from denoising-diffusion-gan's training script. The script itself imports torchvision and its
# dataset modules at the top, so only these top-level definitions are compiled (see load_ddgan).
DDGAN_NAMES = ("var_func_vp", "var_func_geometric", "get_time_schedule", "get_sigma_schedule",
               "Diffusion_Coefficients", "Posterior_Coefficients")


# ---------------------------------------------------------------------------------------------------------------------
# Loading the official code

def checkout_commit(path, expected, name, any_commit):
    """The commit of the checkout at `path` (git rev-parse HEAD); refuses a different commit unless any_commit."""
    try:
        commit = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], check=True, capture_output=True,
                                text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        sys.exit(f"{name}: {path} is not a git checkout; the commit it holds must be recorded")
    if commit != expected and not any_commit:
        sys.exit(f"{name}: {path} is at {commit}, expected {expected} (pass --any-commit to record another)")
    return commit


def load_guided_diffusion(path):
    """The guided_diffusion package of the checkout (its modules import only numpy and torch)."""
    sys.path.insert(0, os.path.abspath(path))
    from guided_diffusion import gaussian_diffusion, nn, respace, unet
    return types.SimpleNamespace(gaussian_diffusion=gaussian_diffusion, nn=nn, respace=respace, unet=unet)


def load_ddgan(path):
    """DDGAN_NAMES compiled from the checkout's train_ddgan.py, with torch and numpy as their globals."""
    file = os.path.join(path, "train_ddgan.py")
    with open(file, encoding="utf-8") as f:
        tree = ast.parse(f.read(), file)
    wanted = [node for node in tree.body
              if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in DDGAN_NAMES]
    missing = set(DDGAN_NAMES) - {node.name for node in wanted}
    if missing:
        sys.exit(f"{file}: no top-level {', '.join(sorted(missing))}")
    namespace = {"torch": torch, "np": np}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), file, "exec"), namespace)
    return types.SimpleNamespace(**{name: namespace[name] for name in DDGAN_NAMES})


# ---------------------------------------------------------------------------------------------------------------------
# Writers

def to_list(value):
    """A float64 / int list: float32 tensors are widened exactly, so the JSON holds the float32 values."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    value = np.asarray(value)
    return value.astype(np.float64).tolist() if value.dtype.kind == "f" else value.tolist()


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}


def write_safetensors(path, tensors):
    """safetensors layout: u64 little-endian header length, JSON header (names sorted, padded with spaces to a
    multiple of 8), then the raw little-endian data in header order."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        data = t.numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


# ---------------------------------------------------------------------------------------------------------------------
# golden/schedules.json

GUIDED_T = 1000
GUIDED_SCHEDULES = ("linear", "cosine")
# Respacings as space_timesteps takes them: a string, or a list of section counts (labelled as Python prints it).
GUIDED_RESPACINGS = ("ddim50", [10], "250", "10,15,20", "ddim25")
GUIDED_COEFFICIENTS = ("betas", "alphas_cumprod", "alphas_cumprod_prev", "alphas_cumprod_next", "sqrt_alphas_cumprod",
                       "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod",
                       "sqrt_recipm1_alphas_cumprod", "posterior_variance", "posterior_log_variance_clipped",
                       "posterior_mean_coef1", "posterior_mean_coef2")
DDGAN_STEPS = (1, 2, 4, 8)
DDGAN_ARGS = {"beta_min": 0.1, "beta_max": 20.0, "use_geometric": False}
DDGAN_POSTERIOR = ("betas", "alphas", "alphas_cumprod", "alphas_cumprod_prev", "posterior_variance",
                   "sqrt_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
                   "posterior_mean_coef1", "posterior_mean_coef2", "posterior_log_variance_clipped")


def guided_coefficients(diffusion):
    return {key: to_list(getattr(diffusion, key)) for key in GUIDED_COEFFICIENTS}


def guided_schedule(gd, name):
    g = gd.gaussian_diffusion
    kwargs = {"betas": g.get_named_beta_schedule(name, GUIDED_T), "model_mean_type": g.ModelMeanType.EPSILON,
              "model_var_type": g.ModelVarType.FIXED_SMALL, "loss_type": g.LossType.MSE}
    result = {"coefficients": guided_coefficients(g.GaussianDiffusion(**kwargs)), "respaced": {}}
    for spacing in GUIDED_RESPACINGS:
        use = gd.respace.space_timesteps(GUIDED_T, spacing)
        spaced = gd.respace.SpacedDiffusion(use, **kwargs)
        result["respaced"][str(spacing)] = {
            "section_counts": spacing, "use_timesteps": sorted(use), "timestep_map": list(spaced.timestep_map),
            "original_num_steps": spaced.original_num_steps, "coefficients": guided_coefficients(spaced)}
    return result


def ddgan_schedule(ddgan, n):
    args = types.SimpleNamespace(num_timesteps=n, **DDGAN_ARGS)
    t = ddgan.get_time_schedule(args, "cpu")
    var = ddgan.var_func_vp(t, args.beta_min, args.beta_max)
    sigmas, a_s, betas = ddgan.get_sigma_schedule(args, "cpu")
    diffusion = ddgan.Diffusion_Coefficients(args, "cpu")
    posterior = ddgan.Posterior_Coefficients(args, "cpu")
    fields = {"t": t, "var_vp": var, "alpha_bars": 1.0 - var, "betas": betas, "sigmas": sigmas, "a_s": a_s,
              "a_s_cum": diffusion.a_s_cum, "sigmas_cum": diffusion.sigmas_cum, "a_s_prev": diffusion.a_s_prev}
    result = {key: to_list(v) for key, v in fields.items()}
    result["_dtypes"] = {key: str(v.dtype) for key, v in fields.items()}
    result["posterior"] = {key: to_list(getattr(posterior, key)) for key in DDGAN_POSTERIOR}
    result["posterior"]["_dtypes"] = {key: str(getattr(posterior, key).dtype) for key in DDGAN_POSTERIOR}
    return result


def golden_schedules(official, out):
    data = {
        "torch_version": torch.__version__, "numpy_version": np.__version__,
        "ddgan": {
            "source": "denoising-diffusion-gan/train_ddgan.py: " + ", ".join(DDGAN_NAMES), "commit": official.ddgan_commit,
            **DDGAN_ARGS, "eps_small": 1e-3,
            "notes": ["t, var_vp, alpha_bars: float64 (n+1 entries); the rest float32 as the official code computes "
                      "them (_dtypes), stored as exact float64 widenings.",
                      "betas/sigmas/a_s: get_sigma_schedule (a leading beta of 1e-8); a_s_cum, sigmas_cum, a_s_prev: "
                      "Diffusion_Coefficients; posterior.*: Posterior_Coefficients (the leading beta dropped, n "
                      "entries)."],
            "by_n_timestep": {str(n): ddgan_schedule(official.ddgan, n) for n in DDGAN_STEPS},
        },
        "guided_diffusion": {
            "source": "guided-diffusion/guided_diffusion/gaussian_diffusion.py (get_named_beta_schedule, "
                      "GaussianDiffusion) and respace.py (space_timesteps, SpacedDiffusion)",
            "commit": official.guided_diffusion_commit, "T": GUIDED_T,
            "notes": ["All values float64 as the official numpy code computes them.",
                      "respaced[label]: use_timesteps (sorted), timestep_map and original_num_steps of "
                      "SpacedDiffusion, and the coefficients of the respaced process (its own betas)."],
            "schedules": {name: guided_schedule(official.gd, name) for name in GUIDED_SCHEDULES},
        },
    }
    os.makedirs(os.path.join(out, "golden"), exist_ok=True)
    write_json(os.path.join(out, "golden", "schedules.json"), data)


# ---------------------------------------------------------------------------------------------------------------------
# parity/: guided-diffusion networks, their weights, inputs and outputs

PARITY_TRUNK = {
    "image_size": 32, "in_channels": 3, "model_channels": 32, "num_res_blocks": 1,
    "attention_resolutions": [2, 4],  # downsampling factors: 32 // 16 and 32 // 8, as script_util passes them
    "dropout": 0.0, "channel_mult": [1, 2, 2], "conv_resample": True, "dims": 2, "use_checkpoint": False,
    "use_fp16": False, "num_heads": 1, "num_head_channels": 16, "num_heads_upsample": -1,
    "use_scale_shift_norm": True, "resblock_updown": True, "use_new_attention_order": False,
}
CONSTRUCT_SEED, FILL_SEED, INPUT_SEED, LOSS_WEIGHT_SEED = 0, 1, 2, 7
FILL_BELOW, FILL_STD = 1e-5, 0.02
BATCH_TIMESTEPS, BATCH_LABELS = [3, 777], [1, 7]
RECIPE = {
    "construct_seed": f"torch.manual_seed({CONSTRUCT_SEED}) immediately before construction",
    "zero_init_fill": f"parameters with max|p| < {FILL_BELOW} after construction replaced by N(0, {FILL_STD}^2): "
                      f"one randn(shape) per such tensor, in named_parameters order, from "
                      f"torch.Generator().manual_seed({FILL_SEED})",
    "inputs": f"in.x = randn(2, 3, 32, 32) from torch.Generator().manual_seed({INPUT_SEED}); "
              f"in.timesteps = {BATCH_TIMESTEPS}; in.y = {BATCH_LABELS} (class-conditional networks only)",
    "out": "forward in eval mode, float32",
    "out_f64": "the same weights widened to float64 with the network, GroupNorm32 and the linear layers after the "
               "timestep embedding all computing in float64 (the official code casts those to float32)",
    "loss": f"loss = mean(out * loss_weight), loss_weight = randn(out.shape) from "
            f"torch.Generator().manual_seed({LOSS_WEIGHT_SEED}); grad_in.x = d loss / d in.x (float32)",
}


@contextlib.contextmanager
def float64_forward(gd, model):
    """Makes the official network compute in float64: its input cast, GroupNorm32's float32 cast and the float32
    timestep embedding are the three places that fix the dtype."""
    original_norm, original_embedding = gd.nn.GroupNorm32.forward, gd.unet.timestep_embedding
    model.dtype = torch.float64
    gd.nn.GroupNorm32.forward = torch.nn.GroupNorm.forward
    gd.unet.timestep_embedding = lambda *a, **k: original_embedding(*a, **k).double()
    try:
        yield
    finally:
        gd.nn.GroupNorm32.forward, gd.unet.timestep_embedding = original_norm, original_embedding


def parity_network(official, out, tag, cls, kwargs, conditional, notes, recipe=None, batch=2, gradient_io=True):
    """Writes the four files of one parity network (README). batch < 2 keeps the last timesteps / labels of the
    batch; gradient_io=False leaves out_f64, loss_weight, loss and grad_in.x out of the io file (the config still
    records the float32-vs-float64 gap)."""
    gd = official.gd
    torch.manual_seed(CONSTRUCT_SEED)
    model = cls(**kwargs)
    fill = torch.Generator().manual_seed(FILL_SEED)
    filled = []
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.abs().max().item() < FILL_BELOW:
                p.copy_(torch.randn(p.shape, generator=fill) * FILL_STD)
                filled.append(name)
    model.eval()

    side = kwargs["image_size"]
    x = torch.randn(batch, kwargs["in_channels"], side, side, generator=torch.Generator().manual_seed(INPUT_SEED))
    timesteps = torch.tensor(BATCH_TIMESTEPS[-batch:], dtype=torch.int64)
    y = torch.tensor(BATCH_LABELS[-batch:], dtype=torch.int64) if conditional else None
    x_grad = x.clone().requires_grad_(True)
    output = model(x_grad, timesteps, y) if conditional else model(x_grad, timesteps)
    loss_weight = torch.randn(output.shape, generator=torch.Generator().manual_seed(LOSS_WEIGHT_SEED))
    loss = (output * loss_weight).mean()
    loss.backward()

    model64 = copy.deepcopy(model).double()
    with torch.no_grad(), float64_forward(gd, model64):
        output64 = model64(x.double(), timesteps, y) if conditional else model64(x.double(), timesteps)

    state = model.state_dict()
    folder = os.path.join(out, "parity")
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, tag + ".safetensors"), state)
    io = {"in.x": x, "in.timesteps": timesteps, "out": output.detach()}
    if gradient_io:
        io.update({"out_f64": output64, "loss_weight": loss_weight, "loss": loss.detach().reshape(1),
                   "grad_in.x": x_grad.grad})
    if conditional:
        io["in.y"] = y
    write_safetensors(os.path.join(folder, tag + ".io.safetensors"), io)

    total = 0
    with open(os.path.join(folder, tag + ".params.txt"), "w", encoding="utf-8") as f:
        for name, p in model.named_parameters():
            total += p.numel()
            f.write(f"{name}\t{tuple(p.shape)}\t{p.numel()}\t{'zero_init' if name in filled else ''}\n")
        f.write(f"# total_numel\t{total}\n")

    write_json(os.path.join(folder, tag + ".config.json"), {
        "tag": tag, "class": f"guided_diffusion.unet.{cls.__name__}", "commit": official.guided_diffusion_commit,
        "torch_version": torch.__version__, "constructor_kwargs": kwargs, **(recipe or RECIPE), "zero_init_filled": filled,
        "num_parameters": total, "state_dict_entries": len(state), "out_shape": list(output.shape),
        "max_abs_diff_fp32_vs_fp64": (output.detach().double() - output64).abs().max().item(), "notes": notes})


def parity_unet_small(official, out):
    parity_network(official, out, "unet_small", official.gd.unet.UNetModel,
                   {**PARITY_TRUNK, "out_channels": 3, "num_classes": 10}, True,
                   ["num_heads=1 with num_head_channels=16 gives 4 heads of 16 channels at the 64-channel levels"])


def parity_encoder_small(official, out):
    parity_network(official, out, "encoder_small", official.gd.unet.EncoderUNetModel,
                   {**PARITY_TRUNK, "out_channels": 10, "pool": "attention"}, False,
                   ["the noisy classifier of classifier guidance (pool='attention', the classifier default)"])


FIXTURES = {
    "golden_schedules": golden_schedules,
    "parity_unet_small": parity_unet_small,
    "parity_encoder_small": parity_encoder_small,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guided-diffusion", required=True, help="checkout of github.com/openai/guided-diffusion")
    parser.add_argument("--ddgan", required=True, help="checkout of github.com/NVlabs/denoising-diffusion-gan")
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)), help="output folder")
    parser.add_argument("--any-commit", action="store_true", help="accept checkouts at other commits")
    parser.add_argument("fixtures", nargs="*", help="any of " + ", ".join(FIXTURES) + " (default: all)")
    args = parser.parse_args()
    unknown = [name for name in args.fixtures if name not in FIXTURES]
    if unknown:
        parser.error("unknown fixture " + ", ".join(unknown) + "; known: " + ", ".join(FIXTURES))

    torch.set_num_threads(1)  # one thread: reductions in a fixed order
    official = types.SimpleNamespace(
        guided_diffusion_commit=checkout_commit(args.guided_diffusion, GUIDED_DIFFUSION_COMMIT, "guided-diffusion",
                                                args.any_commit),
        ddgan_commit=checkout_commit(args.ddgan, DDGAN_COMMIT, "denoising-diffusion-gan", args.any_commit),
        gd=load_guided_diffusion(args.guided_diffusion), ddgan=load_ddgan(args.ddgan))
    for name in args.fixtures or FIXTURES:
        FIXTURES[name](official, args.out)
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
