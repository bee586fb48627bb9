#!/usr/bin/env bash
# Regenerates every held-out number of experiments/fashion-trilemma/results.md, from the repository root:
#   bash experiments/fashion-trilemma/regenerate.sh
# RESEARCH names the program (default: 'research' on PATH; e.g. RESEARCH=src/Research.Cli/bin/Release/net10.0/linux-x64/research).
# Every step is resumable: re-running the script skips finished sweep points and runs, and a killed point continues
# from its last checkpoint. Two rows train side by side (one libtorch thread each), as the study's budget assumes.
# On a fresh machine the sweeps first take back the points finished elsewhere from their committed small files
# (--restore-from runs/heldout: their numbers, not their weights), so only unfinished points train.
set -euo pipefail
research="${RESEARCH:-research}"
study=experiments/fashion-trilemma
md=.md   # Markdown outputs written below (they do not exist until this script has run)

"$research" data fetch fashion-mnist

# The claim rows on seeds 1-3 (DDPM, DDGAN T = 4 / T = 1 / no z, SIDDM with and without its regulariser), then
# DDGAN T = 2 and T = 8 on seed 1.
restore_from() { [ -d "$study/runs/heldout/$1" ] && echo "--restore-from $study/runs/heldout"; return 0; }   # once committed
"$research" sweep "$study/experiment.json" --workers 2 $(restore_from fashion-trilemma)
"$research" sweep "$study/t-ablation.json" --workers 2 $(restore_from fashion-trilemma-t)

# The DDPM weights of a seed: its sweep point's checkpoint when the point trained on this machine; otherwise (a point
# restored from the committed files has no weights) the point's own resolved.json trained again, same seed and steps,
# into runs/fashion-ddpm-weights/seed-N (resumed if a previous attempt stopped). Prints the checkpoint's path.
ddpm_checkpoint() {
  local seed=$1 point=runs/fashion-trilemma/ddpm_seed=$1 dir=runs/fashion-ddpm-weights/seed-$1 run
  if [ -f "$point/checkpoints/latest.safetensors" ]; then echo "$point/checkpoints/latest.safetensors"; return; fi
  run=$(ls -d "$dir"/*/ 2>/dev/null | head -1)
  if [ -z "$run" ]; then "$research" train "$point/resolved.json" --runs-dir "$dir" >&2
  elif ! grep -q '"status": "completed"' "$run/run.json"; then "$research" train --resume "$run" >&2; fi
  run=$(ls -d "$dir"/*/ | head -1)
  echo "${run%/}/checkpoints/latest.safetensors"
}

# Classifier guidance on each seed's DDPM: a noisy classifier trained with the same seed, six scales at sampling time.
# Two seeds at a time; a seed whose run folder holds a done marker is skipped. A stopped one is started again (its
# numbers repeat bit for bit: same seed, same DDPM weights) after its folder is moved to runs/fashion-guided-stopped,
# not deleted. Starting again costs the classifier's five minutes and the scales already drawn, and keeps the seed's
# rows in one run folder written by one command.
guided() {
  local seed=$1 folder=runs/fashion-guided/seed-$1 committed=$study/runs/heldout/fashion-guided/seed-$1 checkpoint
  [ -f "$folder/.done" ] && return 0
  # Finished on another machine: its committed small files hold every scale's evaluation line; take them back.
  # (Only where no local run exists: a local one is moved aside below, never deleted.)
  if [ ! -e "$folder" ] && [ "$(find "$committed" -name metrics.jsonl -exec cat {} + 2>/dev/null | grep -c '"eval":"s=')" -ge 6 ]; then
    mkdir -p runs/fashion-guided && cp -r "$committed" "$folder" && touch "$folder/.done"
    echo "restored guidance seed $seed from $committed (its numbers, not its weights)"
    return 0
  fi
  if [ -e "$folder" ]; then   # outside runs/fashion-guided, which the tables read
    mkdir -p runs/fashion-guided-stopped && mv "$folder" "runs/fashion-guided-stopped/seed-$seed-$(date -u +%Y%m%d-%H%M%S)"
  fi
  checkpoint=$(ddpm_checkpoint "$seed")
  mkdir -p "$folder"
  "$research" run "$study/guided.json" --runs-dir "$folder" --set seed="$seed" \
    --set training.init.denoiser.path="$checkpoint"
  touch "$folder/.done"
}
guided 1 & guided 2 & wait
guided 3

# Sampling speed, in one process on the quiet machine: every row's request timed back to back (the tables' and the
# figure's time column, --timing below), and DDPM-1000 against DDGAN T = 4 in alternating calls (the 100x claim).
"$research" bench "$study/experiment.json" "$study/t-ablation.json" --all-requests --ratio ddgan-t4 \
  --json "$study/runs/speed.json" --output "$study/speed$md"

# The tables, the trilemma figure, and the small per-run files committed beside results.md.
# Claim rows: mean ± sd over seeds 1-3 (T = 2 and T = 8 are one seed and show its value); then every seed's own row.
# Guided rows keep the times of their own evaluations (all drawn alike: 50 guided steps, batch 250).
timing=(--timing "$study/runs/speed.json")
"$research" table runs/fashion-trilemma runs/fashion-trilemma-t --layout ablation --mean-over-seeds "${timing[@]}" --out "$study/table$md"
"$research" table runs/fashion-trilemma runs/fashion-trilemma-t --layout ablation "${timing[@]}" --out "$study/table-per-seed$md"
"$research" table runs/fashion-guided --layout ablation --mean-over-seeds --out "$study/guided-table$md"
"$research" table runs/fashion-guided --layout ablation --out "$study/guided-table-per-seed$md"
"$research" plot runs/fashion-trilemma --mean-over-seeds "${timing[@]}" --out "$study/trilemma.png"
"$research" collect runs/fashion-trilemma runs/fashion-trilemma-t runs/fashion-guided --out "$study/runs/heldout"
