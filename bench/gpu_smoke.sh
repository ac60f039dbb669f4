#!/usr/bin/env bash
# GPU smoke test of the kit's recipes on one GPU, sized to stay under 8 minutes (not measured: no GPU
# here; lower ITERS / HEAVY_ITERS if it does not); prints one table at the end.
#
#   bash bench/gpu_smoke.sh [OUT_DIR]          (default /tmp/zerowaste-gpu-smoke; ITERS=200 HEAVY_ITERS=60)
#
# 1. fixture data at full resolution (ZeroWaste-f 8 frames/split, ZeroWaste v2 with val labels);
# 2. a few hundred AMP iterations (`--amp`: float16 + loss scaling) of each recipe's small variant,
#    from scratch (no weights are downloaded; the feature distance is off for that reason):
#    SegFormer MiT-B0 source-only, DAFormer MiT-B5 DACS, MIC, ConvNeXt-L DACS (1st place, stage 1),
#    DINOv2 ViT-S source-only; it/s and images/s from mmengine's scalars.json (mean iteration time
#    of the second half), peak memory from its `memory` field (MB, max_memory_allocated);
# 3. predict (flip TTA) + pack + score with the SegFormer checkpoint on the v2 val images;
# 4. a Cycles render of 8 frames on the GPU (OptiX, else CUDA) at 960x540, 16 samples.
#
# It has not been run on the project's machines (no GPU there): it was checked by reading against
# the commands' --help. Every step stops the script on failure (set -e) and names itself.
set -euo pipefail

OUT=${1:-/tmp/zerowaste-gpu-smoke}
ITERS=${ITERS:-200}
HEAVY_ITERS=${HEAVY_ITERS:-60}
PY=${PYTHON:-python}
ZW=("$PY" -m zerowaste)
mkdir -p "$OUT"
ROWS="$OUT/rows.tsv"
: > "$ROWS"

"$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 'no CUDA device: this script needs a GPU')"

echo "== fixture data in $OUT/data"
"${ZW[@]}" data fixture "$OUT/data/zerowaste-f" --dataset zerowaste-f --n 8 --size 1920x1080 --seed 1
"${ZW[@]}" data fixture "$OUT/data/zerowaste-v2" --dataset zerowaste-v2 --n 8 --size 1920x1080 --seed 2 --labeled
SRC="$OUT/data/zerowaste-f"
TGT="$OUT/data/zerowaste-v2"

# train NAME CONFIG ITERS BATCH_IMAGES [KEY=VALUE ...]: AMP training, then one row of the table
train() {
  local name=$1 config=$2 iters=$3 images=$4
  shift 4
  local work="$OUT/work/$name" start end
  echo "== train $name ($config, $iters iterations, AMP)"
  start=$(date +%s)
  "${ZW[@]}" train "$config" --amp --work-dir "$work" --seed 0 \
    "train_cfg.max_iters=$iters" "train_cfg.val_interval=$iters" "default_hooks.checkpoint.interval=$iters" \
    "default_hooks.logger.interval=10" "val_dataloader.dataset.root=$SRC" "test_dataloader.dataset.root=$SRC" "$@"
  end=$(date +%s)
  "$PY" - "$work" "$name" "$images" "$((end - start))" >> "$ROWS" <<'EOF'
import glob, json, sys
work, name, images, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [json.loads(l) for f in sorted(glob.glob(f"{work}/*/vis_data/scalars.json")) for l in open(f)]
train = [r for r in rows if "time" in r and "loss" in r]
late = train[len(train) // 2:] or train
t = sum(r["time"] for r in late) / len(late)
memory = max((r.get("memory", 0) for r in train), default=0)
print(f"{name}\t{seconds}\t{1 / t:.2f}\t{images / t:.1f}\t{memory}")
EOF
}

SEG_ROOTS=("train_dataloader.dataset.root=$SRC")
UDA_ROOTS=("train_dataloader.dataset.source.root=$SRC" "train_dataloader.dataset.target.root=$TGT" "model.fdist_lambda=0")
train segformer-b0 segformer/segformer_mit-b0_zerowaste-f.py "$ITERS" 2 "${SEG_ROOTS[@]}"
train daformer-b5-dacs uda/daformer_mitb5_zerowaste.py "$ITERS" 4 "${UDA_ROOTS[@]}"
train mic-b5 uda/mic_mitb5_zerowaste.py "$HEAVY_ITERS" 4 "${UDA_ROOTS[@]}"
train convnext-l-dacs uda/daformer_convnext-l_zerowaste.py "$HEAVY_ITERS" 4 "${UDA_ROOTS[@]}"
train dinov2-s dinov2/daformer_dinov2-vit-s_zerowaste-f.py "$ITERS" 2 "${SEG_ROOTS[@]}"

echo "== predict + pack + score (SegFormer MiT-B0, flip TTA)"
start=$(date +%s)
CKPT="$OUT/work/segformer-b0/last.pth"
"${ZW[@]}" predict "$CKPT" --device cuda --tta flip --images "$TGT/val/data" --out "$OUT/preds" --track source_only
"${ZW[@]}" predict "$CKPT" --device cuda --tta flip --images "$TGT/val/data" --out "$OUT/preds" --track uda
"${ZW[@]}" submission pack --source-only "$OUT/preds/source_only" --uda "$OUT/preds/uda" \
  --images "$TGT/val/data" -o "$OUT/submission.zip"
"${ZW[@]}" score "$OUT/submission.zip" --gt "$TGT/val/sem_seg" --json "$OUT/scores.json"
printf 'predict+pack+score\t%s\t-\t-\t-\n' "$(($(date +%s) - start))" >> "$ROWS"

echo "== Cycles GPU render, 8 frames"
DEVICE=optix
"$PY" -c "import bpy" 2>/dev/null || { echo "bpy not installed: pip install 'zerowaste-kit[synth]'"; exit 1; }
start=$(date +%s)
"${ZW[@]}" synth render --out "$OUT/render" --n 8 --device "$DEVICE" --resolution 960x540 --samples 16 \
  || { DEVICE=cuda; start=$(date +%s); "${ZW[@]}" synth render --out "$OUT/render" --n 8 --device cuda \
       --resolution 960x540 --samples 16; }
seconds=$(($(date +%s) - start))
printf 'render 8 frames (%s)\t%s\t%s frames/s\t-\t-\n' "$DEVICE" "$seconds" \
  "$("$PY" -c "print(f'{8 / max($seconds, 1):.2f}')")" >> "$ROWS"

echo
"$PY" - "$ROWS" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head = ["step", "seconds", "it/s", "images/s", "peak MB"]
widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
for r in [head, ["-" * w for w in widths], *rows]:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
EOF
