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
#   bash scripts/kl_compare.sh --settings "uniform_s00 uniform_s10 k16_s00 k16_s10"   # Table 2's sigma
#
# Settings: uniform (k = 1), kNN (title grouping, k = NN, w = M_n) and
# adjacent_kNN (w = k = NN); with batches of 16, k16 puts one title in a
# batch. A suffix _sNN trains each with the paper's Table 2 augmentation
# (no flip, colour jitter sigma = N.N; _s00 is the paper's main setting)
# instead of the quickstart's flip and sigma 0.5. --seeds N (default 3):
# seed s sets the sampler's and the model's seed; the held-out sample is the
# same in every run. --data DIR: a demo
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
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "kl_compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
extra=("$@")
avflow=${AVFLOW:-build/avflow}
[[ -x "$avflow" ]] || { echo "kl_compare.sh: $avflow is missing; run bash scripts/quickstart.sh first" >&2; exit 2; }
[[ "$seeds" =~ ^[1-9][0-9]*$ ]] || { echo "kl_compare.sh: --seeds takes a whole number >= 1, not '$seeds'" >&2; exit 2; }

# A setting's --set arguments. A suffix _sNN (uniform_s10, k16_s00) trains
# with the paper's Table 2 augmentation instead of the quickstart's: no flip,
# colour jitter sigma = N.N.
policy_of() {
  local base=$1 augment=""
  if [[ "$1" =~ ^(.+)_s([0-9])([0-9])$ ]]; then
    base=${BASH_REMATCH[1]}
    augment=" --set augment.flip_probability=0 --set augment.sigma=${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
  fi
  case "$base" in
    uniform) echo "--set sampler.policy=uniform --set sampler.k=1$augment" ;;
    k[0-9][0-9]) echo "--set sampler.policy=title_grouping --set sampler.k=$((10#${base#k})) --set sampler.w=0$augment" ;;
    adjacent_k[0-9][0-9]) echo "--set sampler.policy=adjacent --set sampler.k=$((10#${base#adjacent_k}))$augment" ;;
    *) return 1 ;;
  esac
}
for s in $settings; do
  policy_of "$s" > /dev/null ||
    { echo "kl_compare.sh: unknown setting '$s': uniform, kNN or adjacent_kNN (two digits), each optionally with _sNN (sigma N.N, no flip)" >&2; exit 2; }
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

# Every run's last KL row; then means over seeds and the directions. A
# setting with fewer finished seeds than --seeds is tabulated over those it
# has, and a comparison counts the seeds both settings have.
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
  function direction(a, b, key, what,   s, both, below, apart) {
    both = 0; below = 0; apart = 0
    for (s = 0; s < seeds; s++) {
      if (!((a, s) in have) || !((b, s) in have)) continue
      both++
      if (kl[a, s, key] < kl[b, s, key]) below++
      if (((a, s, key "_hi") in kl) && kl[a, s, key "_hi"] < kl[b, s, key "_lo"]) apart++
    }
    if (both == 0) return
    printf "| %s: %s below %s | %d of %d | %d of %d | %s |\n", what, name[a], name[b], below, both, apart, both,
           below == both ? "in every seed" : (below == 0 ? "in no seed" : "mixed")
  }
  # A setting name: its sampling part and its augmentation suffix (_sNN or "").
  function base_of(n) { return n ~ /_s[0-9][0-9]$/ ? substr(n, 1, length(n) - 4) : n }
  function suffix_of(n) { return n ~ /_s[0-9][0-9]$/ ? substr(n, length(n) - 3) : "" }
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
        if (row == "") continue
        have[i, s] = 1; count[i]++
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
      if (!((i, s) in have)) continue
      printf "| %s | %d | %s |", name[i], s, step[i, s]
      for (k = 1; k <= m; k++) printf " %s |", shown(i, s, keys[k])
      printf "\n"
    }
    printf "\nMeans over seeds (lowest and highest seed in brackets):\n\n| setting | seeds |"; for (k = 1; k <= m; k++) printf " %s |", label[keys[k]]
    printf "\n|---|---|"; for (k = 1; k <= m; k++) printf "---|"; printf "\n"
    for (i = 1; i <= n; i++) {
      if (!count[i]) continue
      printf "| %s | %d |", name[i], count[i]
      for (k = 1; k <= m; k++) {
        t = 0; lo = ""; hi = ""
        for (s = 0; s < seeds; s++) {
          if (!((i, s) in have)) continue
          v = kl[i, s, keys[k]]; t += v
          if (lo == "" || v < lo) lo = v
          if (hi == "" || v > hi) hi = v
        }
        printf " %.4f (%.4f, %.4f) |", t / count[i], lo, hi
      }
      printf "\n"
    }
    # The paper: KL(S- || S!=) falls as k grows (each title-grouping k
    # against the uniform policy and every smaller k), and w = M_n against
    # w = k at the same k, each under the same augmentation; and Table 2,
    # colour jitter sigma at the same sampling setting.
    printf "\n| comparison | seeds | seeds with intervals apart | |\n|---|---|---|---|\n"
    for (i = 1; i <= n; i++) {
      b = base_of(name[i]); x = suffix_of(name[i])
      if (b !~ /^k[0-9][0-9]$/) continue
      if (("uniform" x) in index_of) direction(i, index_of["uniform" x], "kl_minus_other", "KL(S- ‖ S!=)")
      for (j = 1; j <= n; j++)
        if (base_of(name[j]) ~ /^k[0-9][0-9]$/ && suffix_of(name[j]) == x &&
            substr(base_of(name[j]), 2) + 0 < substr(b, 2) + 0)
          direction(i, j, "kl_minus_other", "KL(S- ‖ S!=)")
      if (("adjacent_" name[i]) in index_of)
        direction(i, index_of["adjacent_" name[i]], "kl_minus_other", "KL(S- ‖ S!=)")
    }
    for (i = 1; i <= n; i++) for (j = 1; j <= n; j++)
      if (i != j && suffix_of(name[i]) != "" && suffix_of(name[j]) != "" &&
          base_of(name[i]) == base_of(name[j]) && suffix_of(name[i]) > suffix_of(name[j]))
        for (k = 1; k <= m; k++) direction(i, j, keys[k], label[keys[k]])
  }' | tee "$table"
compare=()
for s in $settings; do compare+=("$runs/$s/seed0"); done
if [[ ${#compare[@]} -gt 1 ]]; then
  "$avflow" plot "${compare[@]}" -o "$runs/compare.png" --series loss,kl_minus_plus,kl_other_plus,kl_minus_other,kl_gap
fi
echo "kl_compare.sh: $table and $runs/compare.png" >&2
