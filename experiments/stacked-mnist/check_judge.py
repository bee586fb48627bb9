#!/usr/bin/env python3
# Independent check of the StackedMNIST recognisable counts: the judge's forward pass in PyTorch 1.13 (Debian), read
# from its safetensors file, applied to a run's stored samples (data space [0, 1]). Run from the repository root:
#   /usr/bin/python3 experiments/stacked-mnist/check_judge.py [--first N] runs/stacked-mnist/<point>/samples/<request>.safetensors
# --first N scores only each file's first N samples, as `research eval <point> --rescore --first N`.
# (Debian python3-torch and python3-numpy).
import json, struct, sys, numpy as np, torch
import torch.nn.functional as F
def load(path):
    b = open(path, 'rb').read(); n = struct.unpack('<Q', b[:8])[0]; h = json.loads(b[8:8+n]); out = {}
    for k, v in h.items():
        if k == '__metadata__': continue
        s, e = v['data_offsets']; out[k] = torch.from_numpy(np.frombuffer(b[8+n+s:8+n+e], dtype=np.float32).reshape(v['shape']).copy())
    return out, h.get('__metadata__')
w, meta = load('.cache/features/mnist28-judge.safetensors'); tau = float(meta['recognisable_threshold'])
def logits(x):
    h = F.relu(F.conv2d(F.relu(F.conv2d(x, w['conv1.weight'], w['conv1.bias'], padding=1)), w['conv2.weight'], w['conv2.bias'], padding=1))
    h = F.max_pool2d(h, 2)
    h = F.relu(F.conv2d(F.relu(F.conv2d(h, w['conv3.weight'], w['conv3.bias'], padding=1)), w['conv4.weight'], w['conv4.bias'], padding=1))
    h = F.max_pool2d(h, 2); h = F.adaptive_avg_pool2d(h, 4).flatten(1)
    return F.linear(F.relu(F.linear(h, w['fc1.weight'], w['fc1.bias'])), w['fc2.weight'], w['fc2.bias'])
torch.set_num_threads(1)
args = sys.argv[1:]; first = None
if args[:1] == ['--first']: first, args = int(args[1]), args[2:]
for path in args:
    s, _ = load(path); x = (s['samples'][:first] * 2 - 1).clamp(-1, 1)
    with torch.no_grad():
        lg = [torch.cat([logits(x[i:i+1024, c:c+1]) for i in range(0, len(x), 1024)]) for c in range(3)]
    d = torch.stack([l.argmax(1) for l in lg], 1); p = torch.stack([l.double().softmax(1).max(1).values for l in lg], 1)
    modes = d[:, 0] * 100 + d[:, 1] * 10 + d[:, 2]; ok = (p >= tau).all(1)
    counts = torch.bincount(modes, minlength=1000).double(); q = counts / counts.sum(); nz = q > 0
    kl = float((q[nz] * torch.log(1000 * q[nz])).sum())
    print(f"{path}: modes {int(nz.sum())}, KL {kl:.6f}, recognisable {100*float(ok.double().mean()):.3f} % ({int(ok.sum())} samples), "
          f"recognisable modes {len(set(modes[ok].tolist()))}: {sorted(set(modes[ok].tolist()))}; per-channel ≥ τ: "
          f"{[round(100*float((p[:, c] >= tau).double().mean()), 2) for c in range(3)]} %")
