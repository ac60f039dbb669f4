#!/bin/bash
# Render 10,000 SynthWaste frames as a Slurm job array of 50 shards (200 frames each).
# Each array task is one shard: `zerowaste synth render` reads SLURM_ARRAY_TASK_ID and
# SLURM_ARRAY_TASK_COUNT when --shard is not given. Every shard writes its own frames, its own
# COCO part and manifest entry, and merges labels.json under a file lock, so all tasks can share
# one output directory on a shared file system. Re-submitting the array renders only what is
# missing (finished frames are skipped, crashed scenes are recorded in manifest.json).
#
#   sbatch synth/examples/slurm_array.sh
#
#SBATCH --job-name=synthwaste
#SBATCH --array=0-49
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=12:00:00
#SBATCH --output=logs/synthwaste_%A_%a.out
# For GPU nodes: add `#SBATCH --gres=gpu:1` and use --device optix (RTX) or --device cuda.

set -euo pipefail
OUT=${OUT:-/shared/datasets/synthwaste}
N=${N:-10000}

source .venv/bin/activate
zerowaste synth render \
  --out "$OUT" --n "$N" --split train \
  --preset default --seed 2022 \
  --resolution 1920x1080 \
  --device cpu --threads "${SLURM_CPUS_PER_TASK:-0}" \
  --per-process 20
