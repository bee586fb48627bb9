#!/usr/bin/env python3
"""Training wall time of a run folder from its metrics.jsonl training lines: sum of (steps since last line) / steps_per_sec."""
import json, sys
for folder in sys.argv[1:]:
    last, total = 0, 0.0
    for line in open(folder + "/metrics.jsonl"):
        o = json.loads(line)
        if "eval" in o or "steps_per_sec" not in o: continue
        s = o["step"]
        if s <= last: last = s if s < last else last; continue
        if o["steps_per_sec"] > 0: total += (s - last) / o["steps_per_sec"]
        last = s
    print(f"{folder}: {last} steps, {total/60:.1f} min")
