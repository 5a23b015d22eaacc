#!/usr/bin/env bash
# Runs a chosen set of the ablation graphs in graphs/ablations/ one after the
# other and gathers their results into one table (markdown, printed and
# written to RUNS/results.md).
#
#   bash scripts/ablations.sh movie_k01 movie_k04 movie_k16   # three rows of Table 1
#   bash scripts/ablations.sh all                         # every file in graphs/ablations/
#   bash scripts/ablations.sh --table movie_k01 movie_k04    # only gather what earlier runs wrote
#   bash scripts/ablations.sh --runs /tmp/abl movie_k04 -- --set train.device=cuda
#   bash scripts/ablations.sh --probe data movie_k01 movie_k16   # and a linear probe of each
#
# Each run writes RUNS/NAME/metrics.jsonl and RUNS/NAME/checkpoints (RUNS:
# --runs, default runs/ablations). A run that fails is reported in the
# table and the others still run; rerunning a name with `-- --resume`
# continues it from its last checkpoint. Arguments after `--` go to every
# `avflow run`. Columns: steps trained, the mean loss of the last epoch, the
# lowest loss, mean clips/s, the KL monitor's last KL(S- || S!=) and gap
# (with their 95% intervals where the monitor reports them), the downstream
# linear probes' top-1 (UCF101 split 1 with the video encoder, ESC-50 fold 1
# with the audio encoder; empty until probed), and how the run ended.
# --probe DATA runs those probes on DATA/ucf101 and DATA/esc50 (real or
# `avflow demo-datasets` ones) after each finished run, with scripts/eval.sh
# into RUNS/NAME/eval; --probe-set ucf101:NODE.PARAM=VALUE (or esc50:...)
# and --probe-test-set pass an override to that data set's training or test
# graph (repeatable). Each
# RUNS/NAME is a run directory (graph.toml, metrics, curves.png), and
# RUNS/compare.png draws every run's loss and KL curves together (avflow
# plot).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=runs/ablations
table_only=false
probe=""
ucf101_sets=() esc50_sets=()
names=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --table) table_only=true; shift ;;
    --probe) probe="$2"; shift 2 ;;
    --probe-set|--probe-test-set)
      kind=--train-set; [[ "$1" == --probe-test-set ]] && kind=--test-set
      case "$2" in
        ucf101:*) ucf101_sets+=("$kind" "${2#ucf101:}") ;;
        esc50:*) esc50_sets+=("$kind" "${2#esc50:}") ;;
        *) echo "ablations.sh: $1 takes ucf101:NODE.PARAM=VALUE or esc50:NODE.PARAM=VALUE, not '$2'" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --) shift; break ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
      --set "log.path=$out/metrics.jsonl" --set "plot.path=$out/curves.png" --run-dir "$out" "${extra[@]}" >&2
    code=$?
    set -e
    if [[ $code -eq 0 ]]; then ended[$name]="finished"; else ended[$name]="failed (exit $code)"; fi
    if [[ $code -eq 0 && -n "$probe" ]]; then
      # The probes' own failures are reported in the run column, not fatal.
      for pair in "ucf101 video" "esc50 audio"; do
        set -- $pair
        if [[ $1 == ucf101 ]]; then sets=("${ucf101_sets[@]}"); else sets=("${esc50_sets[@]}"); fi
        if ! bash scripts/eval.sh "$1" --split 1 --linear-probe --root "$probe/$1" \
             --encoder "$out/checkpoints/$2_encoder.pt" --runs "$out/eval" "${sets[@]}" \
             -- --progress never >&2; then
          ended[$name]="finished; $1 probe failed"
        fi
      done
    fi
  done
fi

# The top-1 of a probe's split 1, or empty.
probe_top1() {
  local tests="$1/eval/$2/split1/test.jsonl"
  [[ -s "$tests" ]] || return 0
  sed -n 's/.*"top1":\([-0-9.eE+]*\).*/\1/p' "$tests" | tail -1 | awk '{ printf "%.4f", $1 }'
}

# One row per ablation from its metrics.jsonl (the trainer's object per step
# and the KL monitor's kl_* objects per measurement).
summarise() {
  awk '
    function field(key,   at, rest) {
      at = index($0, "\"" key "\":"); if (at == 0) return "";
      rest = substr($0, at + length(key) + 3); sub(/[,}].*/, "", rest); return rest + 0;
    }
    # A measure with its interval when the monitor reports one (_lo, _hi).
    function measure(key,   v) {
      v = sprintf("%.4f", field(key));
      if (index($0, "\"" key "_lo\":")) v = v sprintf(" [%.4f, %.4f]", field(key "_lo"), field(key "_hi"));
      return v;
    }
    /"kl_gap"/ { kl_mo = measure("kl_minus_other"); kl_gap = measure("kl_gap"); next }
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
  echo "| ablation | what | steps | last-epoch loss | lowest loss | clips/s | KL(S- ‖ S!=) | KL gap | UCF101 probe | ESC-50 probe | run |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for name in "${names[@]}"; do
    what=$(sed -n '1s/^# *//; 1s/\.$//; 1p' "graphs/ablations/$name.toml")
    metrics="$runs/$name/metrics.jsonl"
    status="${ended[$name]:-not run now}"
    probes="$(probe_top1 "$runs/$name" ucf101) | $(probe_top1 "$runs/$name" esc50) |"
    if [[ -s "$metrics" ]]; then
      echo "| $name | $what $(summarise "$metrics") $probes $status |"
    else
      echo "| $name | $what | 0 | | | | | | | | $status; no metrics in $metrics |"
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
