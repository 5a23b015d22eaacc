#!/usr/bin/env bash
# Runs a chosen set of the ablation graphs in graphs/ablations/ one after the
# other and gathers their results into one table (markdown, printed and
# written to RUNS/results.md).
#
#   bash scripts/ablations.sh movie_k01 movie_k04 movie_k16   # three rows of Table 1
#   bash scripts/ablations.sh all                         # every file in graphs/ablations/
#   bash scripts/ablations.sh --table movie_k01 movie_k04    # only gather what earlier runs wrote
#   bash scripts/ablations.sh --runs /tmp/abl movie_k04 -- --set train.device=cuda
#
# Each run writes RUNS/NAME/metrics.jsonl and RUNS/NAME/checkpoints (RUNS:
# --runs, default runs/ablations). A run that fails is reported in the
# table and the others still run; rerunning a name with `-- --resume`
# continues it from its last checkpoint. Arguments after `--` go to every
# `avflow run`. Columns: steps trained, the mean loss of the last epoch, the
# lowest loss, mean clips/s, the KL monitor's last KL(S- || S!=) and gap,
# and how the run ended. Each RUNS/NAME is a run directory (graph.toml,
# metrics, curves.png), and RUNS/compare.png draws every run's loss and KL
# curves together (avflow plot).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=runs/ablations
table_only=false
names=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --table) table_only=true; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "ablations.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
extra=("$@")

if [[ ${#names[@]} -eq 0 ]]; then
  echo "ablations.sh: name the ablations to run (file names in graphs/ablations/ without .toml, or 'all')" >&2
  exit 2
fi
if [[ "${names[*]}" == "all" ]]; then
  names=()
  for f in graphs/ablations/*.toml; do names+=("$(basename "$f" .toml)"); done
fi
for name in "${names[@]}"; do
  if [[ ! -f "graphs/ablations/$name.toml" ]]; then
    echo "ablations.sh: no graphs/ablations/$name.toml; known: $(cd graphs/ablations && ls *.toml | sed 's/\.toml$//' | tr '\n' ' ')" >&2
    exit 2
  fi
done

declare -A ended
if ! $table_only; then
  [[ -x build/avflow ]] || bash scripts/build.sh
  for name in "${names[@]}"; do
    out="$runs/$name"
    mkdir -p "$out"
    echo "== $name -> $out" >&2
    set +e
    build/avflow run "graphs/ablations/$name.toml" \
      --set "graph.checkpoints=$out/checkpoints" \
      --set "log.path=$out/metrics.jsonl" --set "plot.path=$out/curves.png" --run-dir "$out" "${extra[@]}"
    code=$?
    set -e
    if [[ $code -eq 0 ]]; then ended[$name]="finished"; else ended[$name]="failed (exit $code)"; fi
  done
fi

# One row per ablation from its metrics.jsonl (the trainer's object per step
# and the KL monitor's kl_* objects per measurement).
summarise() {
  awk '
    function field(key,   at, rest) {
      at = index($0, "\"" key "\":"); if (at == 0) return "";
      rest = substr($0, at + length(key) + 3); sub(/[,}].*/, "", rest); return rest + 0;
    }
    /"kl_gap"/ { kl_mo = sprintf("%.4f", field("kl_minus_other")); kl_gap = sprintf("%.4f", field("kl_gap")); next }
    !/"loss"/ { next }
    { n++; loss[n] = field("loss"); epoch[n] = field("epoch"); speed += field("clips_per_s");
      if (n == 1 || loss[n] < lowest) lowest = loss[n]; if (epoch[n] > last) last = epoch[n]; }
    END {
      if (n == 0) { printf "| 0 | | | | %s | %s |", kl_mo, kl_gap; exit }
      top = int(last); if (top < last) top++;              # the epoch the last step belongs to
      for (i = 1; i <= n; i++) if (epoch[i] > top - 1) { sum += loss[i]; m++ }
      printf "| %d | %.4f | %.4f | %.1f | %s | %s |", n, sum / m, lowest, speed / n, kl_mo, kl_gap
    }' "$1"
}

table="$runs/results.md"
mkdir -p "$runs"
{
  echo "| ablation | what | steps | last-epoch loss | lowest loss | clips/s | KL(S- ‖ S!=) | KL gap | run |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for name in "${names[@]}"; do
    what=$(sed -n '1s/^# *//; 1s/\.$//; 1p' "graphs/ablations/$name.toml")
    metrics="$runs/$name/metrics.jsonl"
    status="${ended[$name]:-not run now}"
    if [[ -s "$metrics" ]]; then
      echo "| $name | $what $(summarise "$metrics") $status |"
    else
      echo "| $name | $what | 0 | | | | | | $status; no metrics in $metrics |"
    fi
  done
} > "$table"
cat "$table"
echo "ablations.sh: table in $table" >&2
# Loss and KL curves of every run with metrics, one curve per run.
plotted=()
for name in "${names[@]}"; do [[ -s "$runs/$name/metrics.jsonl" ]] && plotted+=("$runs/$name"); done
if [[ ${#plotted[@]} -gt 1 ]]; then build/avflow plot "${plotted[@]}" -o "$runs/compare.png" || true; fi
failed=0
for name in "${names[@]}"; do [[ "${ended[$name]:-}" == failed* ]] && failed=1; done
exit $failed
