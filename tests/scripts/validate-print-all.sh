#!/bin/bash
# Writes `research validate --print` (stdout, stderr, exit code) of every shipped experiment, benchmark suite file,
# preset and test config into OUTDIR, one file per input. Run it before and after a change to the configuration
# loader and `diff -r` the two folders: resolved configurations must not change.
# Usage (from the repository root, after dotnet build -c Release): tests/scripts/validate-print-all.sh OUTDIR
set -u
out=${1:?usage: $0 OUTDIR}
mkdir -p "$out"
research=$(ls src/Research.Cli/bin/Release/net10.0/*/research | head -1)
for f in experiments/*/experiment.json benchmarks/suite/*.json configs/*.json tests/data/good-configs/*.json tests/data/bad-configs/*.json; do
  name=$(echo "$f" | tr '/' '_')
  "$research" validate "$f" --print >"$out/$name.out" 2>"$out/$name.err"
  echo $? >"$out/$name.rc"
done
