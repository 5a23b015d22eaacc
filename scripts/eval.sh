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
#   bash scripts/eval.sh ucf101 --retrieval --split all --encoder runs/pretrain_temporal/checkpoints/video_encoder.pt
#
# Options: --split N | all (UCF101 / HMDB51: 1-3; ESC-50: test fold 1-5;
# default 1), --root DIR (the data set, default data/DATASET), --encoder PATH
# (default: the graph's, runs/pretrain_tv/checkpoints/... for fine-tuning,
# runs/pretrain_temporal/checkpoints/... for retrieval), --scratch (no
# encoder: random weights), --linear-probe (frozen encoder), --retrieval
# (UCF101 / HMDB51: nearest-neighbour retrieval with the frozen encoder,
# graphs/retrieval_DATASET.toml, instead of fine-tuning), --runs DIR
# (default runs/eval), --train-set / --test-set NODE.PARAM=VALUE (an
# override for the training or the test graph alone, repeatable; with
# --retrieval both go to its one graph). Arguments after -- go to every
# `avflow run`. Each split is a run directory RUNS/DATASET/splitN
# (classifier/, metrics, curves.png, test.jsonl, test/confusion.png; with
# --retrieval retrieval.jsonl and retrieval/neighbours.csv); the table goes
# to RUNS/DATASET/results.md (retrieval: RUNS/DATASET/retrieval.md).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -ge 1 ]] || { echo "eval.sh: name a data set: ucf101, hmdb51 or esc50 (see --help)" >&2; exit 2; }
case "$1" in
  -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  ucf101|hmdb51) dataset=$1; splits_all="1 2 3" ;;
  esc50) dataset=$1; splits_all="1 2 3 4 5" ;;
  *) echo "eval.sh: unknown data set '$1': ucf101, hmdb51 or esc50" >&2; exit 2 ;;
esac
shift
split=1 root="" runs=runs/eval sets=() test_sets=() retrieval=0 encoder="" scratch=0 probe=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --split) split="$2"; shift 2 ;;
    --root) root="$2"; shift 2 ;;
    --encoder) encoder="$2"; shift 2 ;;
    --scratch) scratch=1; shift ;;
    --linear-probe) probe=1; shift ;;
    --retrieval) retrieval=1; shift ;;
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
if [[ -n "$encoder" && $scratch == 1 ]]; then echo "eval.sh: --encoder and --scratch exclude each other" >&2; exit 2; fi

if [[ $retrieval == 1 ]]; then
  [[ $dataset != esc50 ]] || { echo "eval.sh: --retrieval is the video protocol: ucf101 or hmdb51, not esc50" >&2; exit 2; }
  [[ $probe == 0 ]] || { echo "eval.sh: --retrieval uses the frozen encoder already; drop --linear-probe" >&2; exit 2; }
  if [[ -n "$encoder" ]]; then sets+=(--set "retrieval.encoder=$encoder"); fi
  if [[ $scratch == 1 ]]; then sets+=(--set "retrieval.encoder="); fi
  table="$runs/$dataset/retrieval.md"
  mkdir -p "$runs/$dataset"
  rows=()
  for s in $splits; do
    dir="$runs/$dataset/split$s"
    echo "== $dataset retrieval, split $s -> $dir" >&2
    "$avflow" run "graphs/retrieval_$dataset.toml" --run-dir "$dir" --set "clips.split=$s" "${sets[@]}" \
      "${test_sets[@]}" "${extra[@]}"
    rows+=("$s $(sed -n 's/.*"recall_1":\([-0-9.eE+]*\).*"recall_5":\([-0-9.eE+]*\).*"recall_10":\([-0-9.eE+]*\).*"recall_20":\([-0-9.eE+]*\).*"queries":\([0-9.eE+]*\).*"gallery":\([0-9.eE+]*\).*/\1 \2 \3 \4 \5 \6/p' "$dir/retrieval.jsonl" | tail -1)")
  done
  {
    echo "| $dataset split | R@1 | R@5 | R@10 | R@20 | queries | gallery |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}" | awk '{ printf "| %s | %.4f | %.4f | %.4f | %.4f | %d | %d |\n", $1, $2, $3, $4, $5, $6, $7
        for (i = 2; i <= 5; i++) t[i] += $i; n++ }
      END { if (n > 1) printf "| mean of %d | %.4f | %.4f | %.4f | %.4f | | |\n", n, t[2] / n, t[3] / n, t[4] / n, t[5] / n }'
  } > "$table"
  cat "$table"
  echo "eval.sh: table in $table" >&2
  exit 0
fi

if [[ -n "$encoder" ]]; then sets+=(--set "finetune.encoder=$encoder"); fi
if [[ $scratch == 1 ]]; then sets+=(--set "finetune.encoder="); fi
if [[ $probe == 1 ]]; then sets+=(--set "finetune.mode=linear_probe"); fi

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
