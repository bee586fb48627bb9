#!/usr/bin/env python3
"""Training wall time of run folders, from their metrics.jsonl training lines: the sum over lines of
(steps since the previous line) / steps_per_sec. Usage: python3 train_time.py runs/stacked-mnist/<point> ..."""
import json
import sys

for folder in sys.argv[1:]:
    last, seconds = 0, 0.0
    with open(folder + "/metrics.jsonl") as f:
        for line in f:
            o = json.loads(line)
            if "eval" in o or not o.get("steps_per_sec"):
                continue
            if o["step"] > last:
                seconds += (o["step"] - last) / o["steps_per_sec"]
            last = o["step"]
    print(f"{folder}: {last} steps, {seconds / 60:.1f} min")
