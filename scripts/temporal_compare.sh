#!/usr/bin/env bash
# Does temporal self-supervision help, on demo data? Three video encoders
# of the quickstart's size, compared downstream on a motion-only demo
# UCF101 (`avflow demo-datasets --motion-only`: every clip takes a random
# class's colour and tone, so only the direction a square drifts tells its
# class):
#
#   scratch      random weights, no pretraining
#   contrastive  graphs/quickstart_temporal.toml with the contrastive terms
#                alone (contrastive_vv, contrastive_va; pretext weights 0)
#   temporal     graphs/quickstart_temporal.toml as it is: the contrastive
#                terms and the speed, direction and order tasks
#
# Both pretrainings run the same steps with the same seeds. Each encoder is
# then tested twice on split 1, with scripts/eval.sh: a linear probe
# (frozen encoder, a linear classifier trained on the training videos,
# multi-view top-1 on the test videos) and retrieval (recall at 1, 5, 10 and
# 20 of the test videos against the training videos).
#
#   bash scripts/temporal_compare.sh                          # about 16 minutes on 2 cores
#   bash scripts/temporal_compare.sh --table                  # only tabulate earlier runs
#   bash scripts/temporal_compare.sh -- --set sampler.epochs=5 --set train.epochs=5   # shorter pretraining
#
# Options: --runs DIR (default runs/temporal_compare), --data DIR (the demo
# data sets; default build/demo-datasets-motion, written when missing),
# --skip-pretrain (reuse RUNS/contrastive and RUNS/temporal), --table.
# Arguments after -- go to both pretraining runs. Pretrains on the demo
# catalogue with an arrow of time, build/demo-temporal-prepared (written and
# prepared here when missing, as scripts/quickstart_temporal.sh does). Writes RUNS/NAME/ (the
# pretraining run directories and eval/ under each) and the table,
# RUNS/compare.md.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=runs/temporal_compare
data=build/demo-datasets-motion
pretrain=true
table_only=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --skip-pretrain) pretrain=false; shift ;;
    --table) table_only=true; shift ;;
    --) shift; break ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "temporal_compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
extra=("$@")
avflow=${AVFLOW:-build/avflow}

# Pretraining: the quickstart's model, 16 frames at 5 fps cropped to 112.
# Downstream the same input: 16 frames at 5 fps, short side 128, crop 112.
probe_sets=(--train-set reader.frames=16 --train-set reader.fps=5 --train-set jitter.min_short_side=128
  --train-set jitter.max_short_side=136 --train-set augment.crop=112 --train-set label_batch.size=8
  --train-set video_batch.size=8 --train-set finetune.batch_size=8 --train-set finetune.warmup_epochs=2
  --train-set finetune.lr_peak=0.05 --train-set clips.epochs=15
  --test-set reader.frames=16 --test-set reader.fps=5 --test-set reader.short_side=128 --test-set reader.test_crop=112)
retrieval_sets=(--test-set reader.frames=16 --test-set reader.fps=5 --test-set reader.short_side=128
  --test-set reader.test_crop=112)
# Random weights of the pretrained encoders' size.
scratch_probe=(--scratch --train-set finetune.width=8 --train-set finetune.blocks=1)
scratch_retrieval=(--scratch --test-set retrieval.width=8 --test-set retrieval.blocks=1)

run_all() {
  if [[ ! -d "$data/ucf101" ]]; then
    "$avflow" demo-datasets "$data" --classes 5 --clips 12 --seconds 4 --motion-only
  fi
  if $pretrain; then
    if [[ ! -d build/demo-temporal-prepared ]]; then
      "$avflow" demo-catalogue build/demo-data-temporal --arrow-of-time
      "$avflow" run graphs/prepare.toml --set titles.catalogue=build/demo-data-temporal \
        --set prepare.out=build/demo-temporal-prepared
    fi
    for name in contrastive temporal; do
      local out="$runs/$name" sets=()
      [[ $name == contrastive ]] && sets=(--set "train.loss_weights=[1,1,0,0,0,0,0,0,0]")
      echo "== pretraining: $name -> $out" >&2
      "$avflow" run graphs/quickstart_temporal.toml --run-dir "$out" --progress never "${sets[@]}" \
        --set "graph.checkpoints=$out/checkpoints" --set "log.path=$out/metrics.jsonl" \
        --set "plot.path=$out/curves.png" --set "accuracy_plot.path=$out/accuracy.png" "${extra[@]}"
    done
  fi
  for name in scratch contrastive temporal; do
    local encoder=() retrieval_encoder=()
    if [[ $name == scratch ]]; then
      encoder=("${scratch_probe[@]}") retrieval_encoder=("${scratch_retrieval[@]}")
    else
      encoder=(--encoder "$runs/$name/checkpoints/video_encoder.pt")
      retrieval_encoder=("${encoder[@]}")
    fi
    echo "== $name: linear probe and retrieval" >&2
    bash scripts/eval.sh ucf101 --linear-probe --root "$data/ucf101" --runs "$runs/$name/eval" "${encoder[@]}" \
      "${probe_sets[@]}" -- --progress never
    bash scripts/eval.sh ucf101 --retrieval --root "$data/ucf101" --runs "$runs/$name/eval" "${retrieval_encoder[@]}" \
      "${retrieval_sets[@]}" -- --progress never
  done
}

$table_only || run_all

# One row per encoder: the probe's top-1 and the retrieval's recalls (split 1).
table="$runs/compare.md"
{
  echo "| video encoder | linear probe top-1 | R@1 | R@5 | R@10 | R@20 |"
  echo "|---|---|---|---|---|---|"
  for name in scratch contrastive temporal; do
    top1=$(sed -n 's/^| 1 | \([0-9.]*\) |.*/\1/p' "$runs/$name/eval/ucf101/results.md" 2>/dev/null || true)
    recalls=$(sed -n 's/^| 1 | \([0-9.]*\) | \([0-9.]*\) | \([0-9.]*\) | \([0-9.]*\) |.*/\1 | \2 | \3 | \4/p' \
      "$runs/$name/eval/ucf101/retrieval.md" 2>/dev/null || true)
    echo "| $name | ${top1:--} | ${recalls:-- | - | - | -} |"
  done
} > "$table"
cat "$table"
echo "temporal_compare.sh: table in $table" >&2
