#!/usr/bin/env bash
# Downstream evaluation, the standard protocol: fine-tune on a split's
# training files (graphs/eval_DATASET.toml), test with multi-view testing
# (graphs/eval_DATASET_test.toml), for one split or all of them, then a
# table of top-1 / top-5 accuracy per split and their mean.
#
#   bash scripts/eval.sh ucf101 --split 1
#   bash scripts/eval.sh hmdb51 --split all --encoder runs/pretrain_tv/checkpoints/video_encoder.pt
#   bash scripts/eval.sh esc50 --split all --scratch               # the baseline, no pretraining
#   bash scripts/eval.sh ucf101 --linear-probe --root data/ucf101 -- --set finetune.device=cuda
#   bash scripts/eval.sh esc50 --train-set clips.epochs=20 --test-set test.batch=50
#
# Options: --split N | all (UCF101 / HMDB51: 1-3; ESC-50: test fold 1-5;
# default 1), --root DIR (the data set, default data/DATASET), --encoder PATH
# (default: the graph's, runs/pretrain_tv/checkpoints/...), --scratch (no
# encoder), --linear-probe (frozen encoder), --runs DIR (default
# runs/eval), --train-set / --test-set NODE.PARAM=VALUE (an override for the
# training or the test graph alone, repeatable). Arguments after -- go to
# every `avflow run`. Each split is a
# run directory RUNS/DATASET/splitN (classifier/, metrics, curves.png,
# test.jsonl, test/confusion.png); the table goes to RUNS/DATASET/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -ge 1 ]] || { echo "eval.sh: name a data set: ucf101, hmdb51 or esc50 (see --help)" >&2; exit 2; }
case "$1" in
  -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  ucf101|hmdb51) dataset=$1; splits_all="1 2 3" ;;
  esc50) dataset=$1; splits_all="1 2 3 4 5" ;;
  *) echo "eval.sh: unknown data set '$1': ucf101, hmdb51 or esc50" >&2; exit 2 ;;
esac
shift
split=1 root="" runs=runs/eval sets=() test_sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --split) split="$2"; shift 2 ;;
    --root) root="$2"; shift 2 ;;
    --encoder) sets+=(--set "finetune.encoder=$2"); shift 2 ;;
    --scratch) sets+=(--set "finetune.encoder="); shift ;;
    --linear-probe) sets+=(--set "finetune.mode=linear_probe"); shift ;;
    --runs) runs="$2"; shift 2 ;;
    --train-set) sets+=(--set "$2"); shift 2 ;;
    --test-set) test_sets+=(--set "$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "eval.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
extra=("$@")
if [[ -n "$root" ]]; then sets+=(--set "clips.root=$root"); test_sets+=(--set "clips.root=$root"); fi
if [[ "$split" == all ]]; then splits=$splits_all; else splits=$split; fi
avflow=${AVFLOW:-build/avflow}

table="$runs/$dataset/results.md"
mkdir -p "$runs/$dataset"
rows=()
for s in $splits; do
  dir="$runs/$dataset/split$s"
  echo "== $dataset split $s -> $dir" >&2
  "$avflow" run "graphs/eval_$dataset.toml" --run-dir "$dir" --set "clips.split=$s" "${sets[@]}" "${extra[@]}"
  "$avflow" run "graphs/eval_${dataset}_test.toml" --run-dir "$dir" --set "clips.split=$s" "${test_sets[@]}" "${extra[@]}"
  rows+=("$s $(sed -n 's/.*"top1":\([-0-9.eE+]*\).*"top5":\([-0-9.eE+]*\).*"files":\([0-9.eE+]*\).*/\1 \2 \3/p' "$dir/test.jsonl" | tail -1)")
done
{
  echo "| $dataset split | top-1 | top-5 | test files |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}" | awk '{ printf "| %s | %.4f | %.4f | %d |\n", $1, $2, $3, $4; t1 += $2; t5 += $3; n++ }
    END { if (n > 1) printf "| mean of %d | %.4f | %.4f | |\n", n, t1 / n, t5 / n }'
} > "$table"
cat "$table"
echo "eval.sh: table in $table" >&2
