#!/usr/bin/env bash
# The paper's KL finding on a demo catalogue: the quickstart with the KL
# monitor (graphs/quickstart_kl.toml) trained once per sampling setting and
# seed, the same steps each, then the KL measures of each run's last
# measurement (with their 95% intervals where the monitor reports them),
# their means over seeds, and whether each of the paper's directions holds
# in every seed: KL(S- || S!=) falls as k grows (title grouping against the
# uniform policy), and temporally adjacent snippets (w = k) against w = M_n
# at the same k.
#
#   bash scripts/kl_compare.sh                                  # uniform and k16, 3 seeds
#   bash scripts/kl_compare.sh --settings "uniform k04 k16 adjacent_k16" --seeds 3
#   bash scripts/kl_compare.sh --data build/demo-large -- --set sampler.epochs=4 --set train.epochs=4
#   bash scripts/kl_compare.sh --table --settings "uniform k16"   # only tabulate earlier runs
#
# Settings: uniform (k = 1), kNN (title grouping, k = NN, w = M_n) and
# adjacent_kNN (w = k = NN); with batches of 16, k16 puts one title in a
# batch. --seeds N (default 3): seed s sets the sampler's and the model's
# seed; the held-out sample is the same in every run. --data DIR: a demo
# catalogue DIR/data prepared into DIR/prepared (default: the quickstart's
# build/demo-data and build/demo-prepared); a larger one
# (`avflow demo-catalogue DIR/data --movies 12 --shows 6`, then
# graphs/prepare.toml) gives the monitor more held-out titles. Needs the
# shards (bash scripts/quickstart.sh prepares the default ones). Writes
# RUNS/SETTING/seedS/ (run directories), RUNS/compare.png (seed 0 of every
# setting) and RUNS/kl.md (the tables). RUNS: --runs, default
# runs/kl_compare. Arguments after -- go to every run.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=runs/kl_compare
settings="uniform k16"
seeds=3
data=""
table_only=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --settings) settings="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --table) table_only=true; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kl_compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
extra=("$@")
avflow=${AVFLOW:-build/avflow}
[[ -x "$avflow" ]] || { echo "kl_compare.sh: $avflow is missing; run bash scripts/quickstart.sh first" >&2; exit 2; }
[[ "$seeds" =~ ^[1-9][0-9]*$ ]] || { echo "kl_compare.sh: --seeds takes a whole number >= 1, not '$seeds'" >&2; exit 2; }

policy_of() {
  case "$1" in
    uniform) echo "--set sampler.policy=uniform --set sampler.k=1" ;;
    k[0-9][0-9]) echo "--set sampler.policy=title_grouping --set sampler.k=$((10#${1#k})) --set sampler.w=0" ;;
    adjacent_k[0-9][0-9]) echo "--set sampler.policy=adjacent --set sampler.k=$((10#${1#adjacent_k}))" ;;
    *) return 1 ;;
  esac
}
for s in $settings; do
  policy_of "$s" > /dev/null ||
    { echo "kl_compare.sh: unknown setting '$s': uniform, kNN or adjacent_kNN (two digits)" >&2; exit 2; }
done
where=()
if [[ -n "$data" ]]; then
  where=(--set "sampler.catalogue=$data/data" --set "sampler.shards=$data/prepared" --set "reader.dir=$data/prepared"
         --set "heldout_sampler.catalogue=$data/data" --set "heldout_sampler.shards=$data/prepared"
         --set "heldout_reader.dir=$data/prepared")
fi

$table_only || for s in $settings; do
  for ((seed = 0; seed < seeds; seed++)); do
    echo "== $s seed $seed: $(policy_of "$s")" >&2
    # shellcheck disable=SC2046
    "$avflow" run graphs/quickstart_kl.toml --run-dir "$runs/$s/seed$seed" --progress never $(policy_of "$s") \
      --set "sampler.seed=$seed" --set "train.seed=$seed" "${where[@]}" "${extra[@]}"
  done
done

# Every run's last KL row; then means over seeds and the directions.
table="$runs/kl.md"
awk -v settings="$settings" -v seeds="$seeds" -v runs="$runs" '
  function value(line, key,   at) {
    if (!match(line, "\"" key "\":[-0-9.eE+]+")) return ""
    return substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0
  }
  function shown(i, s, key,   v) {
    v = sprintf("%.4f", kl[i, s, key])
    if ((i, s, key "_lo") in kl) v = v sprintf(" [%.4f, %.4f]", kl[i, s, key "_lo"], kl[i, s, key "_hi"])
    return v
  }
  # In how many seeds measure `key` of setting a is below that of setting b,
  # and in how many their intervals do not overlap.
  function direction(a, b, key, what,   s, below, apart) {
    below = 0; apart = 0
    for (s = 0; s < seeds; s++) {
      if (kl[a, s, key] < kl[b, s, key]) below++
      if (((a, s, key "_hi") in kl) && kl[a, s, key "_hi"] < kl[b, s, key "_lo"]) apart++
    }
    printf "| %s: %s below %s | %d of %d | %d of %d | %s |\n", what, name[a], name[b], below, seeds, apart, seeds,
           below == seeds ? "in every seed" : (below == 0 ? "in no seed" : "mixed")
  }
  BEGIN {
    n = split(settings, name, " ")
    m = split("kl_minus_plus kl_other_plus kl_minus_other kl_gap", keys, " ")
    label["kl_minus_plus"] = "KL(S- ‖ S+)"; label["kl_other_plus"] = "KL(S!= ‖ S+)"
    label["kl_minus_other"] = "KL(S- ‖ S!=)"; label["kl_gap"] = "gap"
    for (i = 1; i <= n; i++) {
      index_of[name[i]] = i
      for (s = 0; s < seeds; s++) {
        file = runs "/" name[i] "/seed" s "/metrics.jsonl"
        row = ""
        while ((getline line < file) > 0) if (line ~ /"kl_gap"/) row = line
        close(file)
        step[i, s] = value(row, "step")
        for (k = 1; k <= m; k++) {
          kl[i, s, keys[k]] = value(row, keys[k])
          if (value(row, keys[k] "_lo") != "") {
            kl[i, s, keys[k] "_lo"] = value(row, keys[k] "_lo"); kl[i, s, keys[k] "_hi"] = value(row, keys[k] "_hi")
          }
        }
      }
    }
    printf "| setting | seed | step |"; for (k = 1; k <= m; k++) printf " %s |", label[keys[k]]
    printf "\n|---|---|---|"; for (k = 1; k <= m; k++) printf "---|"; printf "\n"
    for (i = 1; i <= n; i++) for (s = 0; s < seeds; s++) {
      printf "| %s | %d | %s |", name[i], s, step[i, s]
      for (k = 1; k <= m; k++) printf " %s |", shown(i, s, keys[k])
      printf "\n"
    }
    printf "\n| setting | mean over %d seeds |", seeds; for (k = 1; k <= m; k++) printf " %s |", label[keys[k]]
    printf "\n|---|---|"; for (k = 1; k <= m; k++) printf "---|"; printf "\n"
    for (i = 1; i <= n; i++) {
      printf "| %s | |", name[i]
      for (k = 1; k <= m; k++) { t = 0; for (s = 0; s < seeds; s++) t += kl[i, s, keys[k]]; printf " %.4f |", t / seeds }
      printf "\n"
    }
    # The paper: KL(S- || S!=) falls as k grows (each title-grouping k
    # against the uniform policy and every smaller k), and w = M_n against
    # w = k at the same k.
    printf "\n| comparison | seeds | seeds with intervals apart | |\n|---|---|---|---|\n"
    for (i = 1; i <= n; i++) {
      if (name[i] !~ /^k[0-9][0-9]$/) continue
      if ("uniform" in index_of) direction(i, index_of["uniform"], "kl_minus_other", "KL(S- ‖ S!=)")
      for (j = 1; j <= n; j++)
        if (name[j] ~ /^k[0-9][0-9]$/ && substr(name[j], 2) + 0 < substr(name[i], 2) + 0)
          direction(i, j, "kl_minus_other", "KL(S- ‖ S!=)")
      if (("adjacent_" name[i]) in index_of)
        direction(i, index_of["adjacent_" name[i]], "kl_minus_other", "KL(S- ‖ S!=)")
    }
  }' | tee "$table"
compare=()
for s in $settings; do compare+=("$runs/$s/seed0"); done
if [[ ${#compare[@]} -gt 1 ]]; then
  "$avflow" plot "${compare[@]}" -o "$runs/compare.png" --series loss,kl_minus_plus,kl_other_plus,kl_minus_other,kl_gap
fi
echo "kl_compare.sh: $table and $runs/compare.png" >&2
