#!/usr/bin/env bash
# The paper's KL finding on the demo catalogue: the quickstart with the KL
# monitor (graphs/quickstart_kl.toml) trained twice with the same seed and
# steps, once with the uniform policy (k = 1) and once with title grouping
# (k = 16: with batches of 16, every batch holds one title), then the four
# KL measures of the last measurement side by side and a comparison plot.
#
#   bash scripts/kl_compare.sh                       # about 12 minutes on 2 cores
#   bash scripts/kl_compare.sh --runs DIR -- --set sampler.epochs=4 --set train.epochs=4
#
# Needs the demo shards (bash scripts/quickstart.sh prepares them). Writes
# RUNS/uniform/ and RUNS/k16/ (run directories: graph.toml, metrics.jsonl,
# curves.png, checkpoints/), RUNS/compare.png and RUNS/kl.md (the table).
# RUNS: --runs, default runs/kl_compare. Arguments after -- go to both runs.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=runs/kl_compare
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kl_compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
extra=("$@")
avflow=${AVFLOW:-build/avflow}
[[ -x "$avflow" ]] || { echo "kl_compare.sh: $avflow is missing; run bash scripts/quickstart.sh first" >&2; exit 2; }

declare -A policy=([uniform]="--set sampler.policy=uniform --set sampler.k=1"
                   [k16]="--set sampler.policy=title_grouping --set sampler.k=16")
for name in uniform k16; do
  echo "== $name: ${policy[$name]}" >&2
  # shellcheck disable=SC2086
  "$avflow" run graphs/quickstart_kl.toml --run-dir "$runs/$name" --progress never ${policy[$name]} "${extra[@]}"
done

# The last KL row of each run, and its loss, side by side.
table="$runs/kl.md"
awk -v names="uniform k16" -v runs="$runs" '
  function value(line, key,   m) {
    if (match(line, "\"" key "\":[-0-9.eE+]+")) return substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
    return "-"
  }
  BEGIN {
    n = split(names, name, " ")
    split("kl_minus_plus kl_other_plus kl_minus_other kl_gap s_plus_mean s_minus_mean s_other_mean", keys, " ")
    label["kl_minus_plus"] = "KL(S- || S+)"; label["kl_other_plus"] = "KL(S!= || S+)"
    label["kl_minus_other"] = "KL(S- || S!=)"; label["kl_gap"] = "gap KL(S!= || S+) - KL(S- || S+)"
    label["s_plus_mean"] = "mean S+"; label["s_minus_mean"] = "mean S-"; label["s_other_mean"] = "mean S!="
    for (i = 1; i <= n; i++) {
      file = runs "/" name[i] "/metrics.jsonl"
      while ((getline line < file) > 0) {
        if (line ~ /"kl_gap"/) { kl[i] = line; step[i] = value(line, "step") }
        else if (line ~ /"loss"/) loss[i] = value(line, "loss")
      }
    }
    printf "| measure |"; for (i = 1; i <= n; i++) printf " %s |", name[i]; printf "\n|---|"
    for (i = 1; i <= n; i++) printf "---|"; printf "\n"
    printf "| step |"; for (i = 1; i <= n; i++) printf " %s |", step[i]; printf "\n"
    printf "| last loss |"; for (i = 1; i <= n; i++) printf " %s |", loss[i]; printf "\n"
    for (k = 1; k <= 7; k++) {
      printf "| %s |", label[keys[k]]
      for (i = 1; i <= n; i++) printf " %.4f |", value(kl[i], keys[k])
      printf "\n"
    }
  }' | tee "$table"
"$avflow" plot "$runs/uniform" "$runs/k16" -o "$runs/compare.png" \
  --series loss,kl_minus_plus,kl_other_plus,kl_minus_other,kl_gap
echo "kl_compare.sh: $table and $runs/compare.png" >&2
