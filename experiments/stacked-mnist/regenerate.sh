#!/usr/bin/env bash
# Regenerates every number of experiments/stacked-mnist/results.md, from the repository root:
#   bash experiments/stacked-mnist/regenerate.sh
# RESEARCH names the program (default: 'research' on PATH; e.g. RESEARCH=src/Research.Cli/bin/Release/net10.0/linux-x64/research).
# Resumable: re-running skips finished sweep points, and a stopped point continues from its last checkpoint (a stopped
# 26,000-sample draw from its last saved chunk). Two rows train side by side, one libtorch thread each. On a fresh
# machine the sweep first takes back the points finished elsewhere from their committed small files (--restore-from).
set -euo pipefail
research="${RESEARCH:-research}"
study=experiments/stacked-mnist
md=.md   # Markdown outputs written below (they do not exist until this script has run)

"$research" data fetch mnist
# The judge is committed; its held-out accuracy is printed again here (README.md "How to regenerate").
"$research" train-features --data mnist --image-size 0 --evaluate-only --out .cache/features/mnist28-judge.safetensors

# Five rows on seeds 1 and 2 (DDPM, DDGAN T = 4 / T = 1 / no z, SIDDM T = 4), each with its real-data row at its own n.
restore=(); [ -d "$study/runs/heldout/stacked-mnist" ] && restore=(--restore-from "$study/runs/heldout")
"$research" sweep "$study/experiment.json" --workers 2 "${restore[@]}"

# The GAN rows again on their first 5,000 samples, the DDPM row's n (no drawing; the real-data row at 5,000 too). A point
# restored from its small files has no samples and already carries this line; a point rescored before is skipped.
for point in runs/stacked-mnist/*_seed=*; do
  samples="$point/samples/trained-chain--26k.safetensors"
  [ -f "$samples" ] || continue
  grep -q '"trained chain, 26k, first 5000"' "$point/metrics.jsonl" && continue
  "$research" eval "$point" --rescore --first 5000
done

# Modes and KL: mean ± sd over the two seeds, then every seed's own row; the small files of every run; the seed-1 grids.
"$research" table runs/stacked-mnist --layout ablation --mean-over-seeds --out "$study/table$md"
"$research" table runs/stacked-mnist --layout ablation --out "$study/table-per-seed$md"
"$research" collect runs/stacked-mnist --no-images --out "$study/runs/heldout"
for point in runs/stacked-mnist/*_seed=1; do
  variant=$(basename "$point" _seed=1)
  grid=$(ls "$point"/samples/*.png | head -n 1)
  cp "$grid" "$study/grid-$variant.png"
done
