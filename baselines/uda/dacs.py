"""DACS self-training (DAFormer recipe) + MIC as an mmseg segmentor wrapping any baseline model.

Registered in mmseg's registries (``default_scope='mmseg'``) by :mod:`zerowaste.baselines.registry`,
like every other component of the kit:

- ``DACS`` (MODELS): ``model=dict(type='DACS', model=<any EncoderDecoder config>, ...)``. The wrapped
  model is the *student*; an EMA copy is the *teacher*; with ``fdist_lambda > 0`` a frozen copy of
  the ImageNet-initialised student gives the feature-distance targets. Test/val/predict use the
  student, so ``zerowaste eval/predict/soup`` work on DACS checkpoints unchanged.
- ``UDADataset`` (DATASETS): yields ``dict(source=<labeled sample>, target=<unlabeled sample>)``;
  the source can be any dataset (e.g. the kit's mixed dataset with rare-class sampling).
- ``UDADataPreProcessor`` (MODELS): normalises/pads the two halves of such a batch separately.

One training iteration (all terms switchable in the config and usable together):

0. (``warmup_iters``) the first iterations train on the source only, so the teacher is not
   trusted before it has learned anything (useful without ImageNet weights and on short schedules).
1. EMA teacher update (``alpha``), from the unwrapped student (DDP-safe: every rank applies the
   same update to the same synchronised weights).
2. Source loss (the wrapped model's own decode/auxiliary losses) + ImageNet feature distance on
   classes 1..4 (``fdist_lambda``; training refuses to start without pretrained weights).
3. Teacher pseudo-labels on the target crop: arg-max labels, weight = fraction of the target batch's
   pixels with max probability >= ``pseudo_threshold`` (one number per batch, as DAFormer's and MIC's
   code), weight 0 in the top/bottom ``pseudo_margins`` rows. ``pseudo_weighting="image"`` gives each
   image its own fraction, ``"pixel"`` trains on the confident pixels only (weight 1, the others 0);
   ``pseudo_threshold="adaptive"`` uses class-wise self-adaptive thresholds
   (:class:`~zerowaste.baselines.uda.pseudo_label.AdaptiveThreshold`, FreeMatch; never above 0.968),
   and ``pseudo_align=True`` first aligns the teacher's class distribution with the source labels'
   (:class:`~zerowaste.baselines.uda.pseudo_label.DistributionAlignment`).
4. ``mix='class'``: ClassMix of source into target -- half of the classes of the whole source batch
   (``classmix_scope="batch"``, DAFormer; ``"image"``: the image's own classes) -- then DAFormer's
   strong augmentation, drawn once per batch: colour jitter (kornia ``ColorJiggle``, strength
   ``color_jitter_strength``) in ``color_jitter_p`` = 80 % of the iterations, Gaussian blur in 50 %
   (``color_jitter`` / ``blur`` switch them off); pixel-weighted cross-entropy on the mixed image.
   ``mix=None``: the same on the (augmented) target image.
5. ``mic=dict(enabled=True, mask_ratio=0.7, mask_block_size=64, loss_weight=1.0)``: the student sees
   the strongly augmented (its own draw), block-masked target image and learns the teacher's
   pseudo-labels and weights (MIC). ``mic=None`` or
   ``enabled=False`` switches it off (configs keep the dict so a child config or
   ``model.mic.enabled=True`` turns it on).

All losses are summed and back-propagated once (``optim_wrapper.update_params``), so AMP,
gradient clipping and accumulation work as for any mmseg model. The target losses use pixel-weighted
cross-entropy on the decode head's logits (upsampled to the crop) times the head's loss weight.

Example (a config, see ``baselines/configs/uda/``)::

    model = dict(type="DACS", model=base_model, alpha=0.999, pseudo_threshold=0.968,
                 mix="class", fdist_lambda=0.0, mic=dict(enabled=True, mask_ratio=0.7, mask_block_size=64))
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F

import zerowaste.compat.mmseg  # noqa: F401  (must precede mmseg)

# isort: split
from mmseg.models.data_preprocessor import SegDataPreProcessor
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.registry import DATA_SAMPLERS, DATASETS, MODELS
from torch.utils.data import Sampler

from zerowaste.baselines.uda import classmix, fdist, mic, pseudo_label
from zerowaste.baselines.uda.ema import ema_update, make_teacher
from zerowaste.contract import IGNORE_INDEX
from zerowaste.data import sampling


class UDADataPreProcessor(SegDataPreProcessor):
    """``SegDataPreProcessor`` that also accepts ``dict(source=batch, target=batch)`` (UDA training).

    A UDA batch becomes ``dict(inputs, data_samples, target_inputs, target_data_samples)``; any other
    batch (validation, test) is processed exactly as by ``SegDataPreProcessor``.
    """

    def forward(self, data: dict, training: bool = False) -> dict[str, Any]:
        if "source" not in data:
            return super().forward(data, training)
        src = super().forward(data["source"], training)
        tgt = super().forward(data["target"], training)
        return dict(
            inputs=src["inputs"], data_samples=src["data_samples"],
            target_inputs=tgt["inputs"], target_data_samples=tgt["data_samples"],
        )


class UDADataset:
    """Pairs every labeled source sample with a random unlabeled target sample.

    ``source``/``target`` are dataset configs (or built datasets). Length and ``metainfo`` are the
    source's. Target samples are drawn uniformly with Python's ``random`` (seeded by mmengine per
    worker).

    Rare-class sampling (a source sampler with ``rcs_temperature``, e.g. ``MixedSourceSampler``) hands
    over indices that remember their class (:class:`~zerowaste.data.sampling.RareClassIndex`); such a
    source sample is re-cropped (its pipeline run again, up to 10 times) until the crop holds more than
    ``rcs_min_crop_ratio`` x ``rcs_min_pixels`` pixels of that class -- DAFormer's ``min_crop_ratio``
    (0.5; 0 turns it off).
    """

    def __init__(self, source: Mapping | Any, target: Mapping | Any, rcs_min_crop_ratio: float = 0.5) -> None:
        self.source = DATASETS.build(source) if isinstance(source, Mapping) else source
        self.target = DATASETS.build(target) if isinstance(target, Mapping) else target
        if len(self.target) == 0:
            raise ValueError("UDADataset: the target dataset is empty")
        if not 0.0 <= rcs_min_crop_ratio <= 1.0:
            raise ValueError(f"UDADataset: rcs_min_crop_ratio must be in [0, 1], got {rcs_min_crop_ratio}")
        self.rcs_min_crop_ratio = float(rcs_min_crop_ratio)
        self.metainfo = getattr(self.source, "metainfo", {})

    def __len__(self) -> int:
        return len(self.source)

    def source_sample(self, idx: int) -> dict:
        """Source sample ``idx``; re-cropped for its rare class when rare-class sampling drew it."""
        rare = getattr(idx, "rare_class", None)
        if rare is None or self.rcs_min_crop_ratio <= 0:
            return self.source[idx]
        needed = self.rcs_min_crop_ratio * idx.min_pixels
        return sampling.recrop_for_class(lambda: self.source[idx], lambda s: class_pixels(s, rare), needed)

    def __getitem__(self, idx: int) -> dict:
        return dict(source=self.source_sample(idx), target=self.target[random.randrange(len(self.target))])


def class_pixels(sample: dict, cls: int) -> int:
    """Pixels of class ``cls`` in a packed sample's label (``data_samples.gt_sem_seg``, or ``gt_seg_map``)."""
    if "data_samples" in sample:
        label = sample["data_samples"].gt_sem_seg.data
    else:
        label = torch.as_tensor(sample["gt_seg_map"])
    return int((label == cls).sum())


class UDASourceSampler(Sampler):
    """Run a source sampler (e.g. the baselines' ``MixedSourceSampler`` with rare-class sampling) on a
    ``UDADataset``'s source: index ``i`` of the UDA dataset is source sample ``i``.

    ``sampler=dict(type="UDASourceSampler", sampler=dict(type="MixedSourceSampler", batch_size=2, ...))``
    """

    def __init__(self, dataset: UDADataset, sampler: Mapping, **kwargs: Any) -> None:
        if not isinstance(dataset, UDADataset):
            raise TypeError(f"UDASourceSampler needs a UDADataset, got {type(dataset).__name__}")
        inner = dict(sampler)
        for key, value in kwargs.items():  # what the Runner passes (seed) unless the inner config sets it
            inner.setdefault(key, value)
        self.inner = DATA_SAMPLERS.build(inner, default_args=dict(dataset=dataset.source))

    def __iter__(self):
        return iter(self.inner)

    def __len__(self) -> int:
        return len(self.inner)

    def set_epoch(self, epoch: int) -> None:
        if hasattr(self.inner, "set_epoch"):
            self.inner.set_epoch(epoch)


class DACS(BaseSegmentor):
    """DACS / DAFormer self-training with optional MIC around a wrapped mmseg segmentor (see module doc).

    ``backbone`` (optional) is merged into the student's backbone config: DACS configs set
    ``backbone=dict()`` so that tools editing ``model.backbone`` / ``model.pretrained``
    (``zerowaste train --pretrained``) reach the student.
    """

    def __init__(
        self,
        model: Mapping,
        alpha: float = 0.999,
        pseudo_threshold: float | str = 0.968,
        pseudo_weighting: str = "batch",
        adaptive_momentum: float = 0.99,
        pseudo_align: bool = False,
        pseudo_margins: Sequence[int] = (0, 0),
        mix: str | None = "class",
        classmix_scope: str = "batch",
        color_jitter: bool = True,
        color_jitter_p: float = classmix.JITTER_P,
        color_jitter_strength: float = classmix.JITTER_STRENGTH,
        blur: bool = True,
        fdist_lambda: float = 0.0,
        fdist_classes: Sequence[int] = fdist.THING_CLASSES,
        fdist_min_ratio: float = 0.75,
        mic: Mapping | None = None,
        warmup_iters: int = 0,
        backbone: Mapping | None = None,
        pretrained: str | None = None,
        train_cfg: Mapping | None = None,
        test_cfg: Mapping | None = None,
        data_preprocessor: Mapping | None = None,
        init_cfg: Mapping | None = None,
    ) -> None:
        model = copy.deepcopy(dict(model))
        if backbone:  # overrides for the student's backbone (what `zerowaste train --pretrained` sets)
            model["backbone"] = {**model.get("backbone", {}), **backbone}
        # mmseg's top-level keys that tools set on `cfg.model` (e.g. `zerowaste predict` clears them)
        for key, value in (("pretrained", pretrained), ("train_cfg", train_cfg), ("test_cfg", test_cfg)):
            if value is not None:
                model[key] = value
        dp = dict(data_preprocessor or model.pop("data_preprocessor", None) or {})
        model.pop("data_preprocessor", None)
        if dp.get("type", "SegDataPreProcessor") in ("SegDataPreProcessor", "mmseg.SegDataPreProcessor"):
            dp["type"] = "UDADataPreProcessor"
        super().__init__(data_preprocessor=dp, init_cfg=init_cfg)
        if mix not in ("class", None):
            raise ValueError(f"DACS: mix must be 'class' or None, got {mix!r}")
        if len(pseudo_margins) != 2:
            raise ValueError("DACS: pseudo_margins is (top_rows, bottom_rows) for a 512-row crop")
        self._backbone_cfg = dict(model.get("backbone", {}))
        self.model = MODELS.build(model)
        self.alpha = float(alpha)
        if pseudo_weighting not in pseudo_label.PSEUDO_WEIGHTINGS:
            raise ValueError(f"DACS: pseudo_weighting must be one of {pseudo_label.PSEUDO_WEIGHTINGS}, "
                             f"got {pseudo_weighting!r}")
        if classmix_scope not in classmix.CLASSMIX_SCOPES:
            raise ValueError(f"DACS: classmix_scope must be one of {classmix.CLASSMIX_SCOPES}, got {classmix_scope!r}")
        if not 0.0 <= color_jitter_p <= 1.0 or color_jitter_strength < 0:
            raise ValueError("DACS: color_jitter_p must be in [0, 1] and color_jitter_strength >= 0")
        self.pseudo_weighting = pseudo_weighting
        if pseudo_threshold == "adaptive":
            self.pseudo_threshold: float | str = "adaptive"
            self.adaptive_threshold = pseudo_label.AdaptiveThreshold(
                self.model.decode_head.num_classes, momentum=adaptive_momentum)
        elif isinstance(pseudo_threshold, str):
            raise ValueError(f"DACS: pseudo_threshold must be a number in [0, 1) or 'adaptive', got {pseudo_threshold!r}")
        else:
            self.pseudo_threshold = float(pseudo_threshold)
            pseudo_label.check_threshold(self.pseudo_threshold)
            self.adaptive_threshold = None
        self.distribution_alignment = (
            pseudo_label.DistributionAlignment(self.model.decode_head.num_classes, momentum=adaptive_momentum)
            if pseudo_align else None)
        self.pseudo_margins = (int(pseudo_margins[0]), int(pseudo_margins[1]))
        self.mix, self.classmix_scope = mix, classmix_scope
        self.color_jitter, self.blur = bool(color_jitter), bool(blur)
        self.color_jitter_p, self.color_jitter_strength = float(color_jitter_p), float(color_jitter_strength)
        self.fdist_lambda = float(fdist_lambda)
        self.fdist_classes = tuple(fdist_classes)
        self.fdist_min_ratio = float(fdist_min_ratio)
        self.mic = _mic_settings(mic)
        if warmup_iters < 0:
            raise ValueError("DACS: warmup_iters must be >= 0")
        self.warmup_iters = int(warmup_iters)
        # frozen copies of the student; init_weights() refreshes them once the student has its weights
        self.ema_model = make_teacher(self.model)
        self.imnet_model = make_teacher(self.model) if self.fdist_lambda > 0 else None
        self.register_buffer("local_iter", torch.zeros((), dtype=torch.long))

    # --- construction -------------------------------------------------------------------------

    def init_weights(self) -> None:
        """Initialise the student (loads ImageNet weights), then copy it into teacher and ImageNet model.

        Training starts here (mmengine's Runner calls it; loading a checkpoint for inference does not),
        so this is where the feature distance is refused without ImageNet weights.
        """
        if self.fdist_lambda > 0:
            fdist.require_pretrained(self._backbone_cfg)
        self.model.init_weights()
        if self.fdist_lambda > 0:  # what was actually loaded, not what the config asked for
            from zerowaste.baselines.weights import require_loaded

            require_loaded(self.model.backbone)
        self.ema_model.load_state_dict(self.model.state_dict())
        if self.imnet_model is not None:
            self.imnet_model.load_state_dict(self.model.state_dict())
        self._is_init = True

    # --- inference: delegated to the student ----------------------------------------------------

    @property
    def student(self) -> torch.nn.Module:
        """The network that predicts (and that ``zerowaste pseudo-label`` saves as ``init.pth``)."""
        return self.model

    @property
    def num_classes(self) -> int:
        return self.model.decode_head.num_classes

    @property
    def align_corners(self) -> bool:
        return self.model.decode_head.align_corners

    def extract_feat(self, inputs: torch.Tensor) -> list[torch.Tensor]:
        return self.model.extract_feat(inputs)

    def encode_decode(self, inputs: torch.Tensor, batch_data_samples: list) -> torch.Tensor:
        return self.model.encode_decode(inputs, batch_data_samples)

    def inference(self, inputs: torch.Tensor, batch_img_metas: list[dict]) -> torch.Tensor:
        return self.model.inference(inputs, batch_img_metas)

    def predict(self, inputs: torch.Tensor, data_samples: list | None = None) -> list:
        return self.model.predict(inputs, data_samples)

    def _forward(self, inputs: torch.Tensor, data_samples: list | None = None) -> Any:
        return self.model._forward(inputs, data_samples)

    def forward(self, inputs: torch.Tensor, data_samples: list | None = None, mode: str = "tensor",
                target_inputs: torch.Tensor | None = None, target_data_samples: list | None = None) -> Any:
        if mode == "loss":
            return self.loss(inputs, data_samples, target_inputs, target_data_samples)
        return super().forward(inputs, data_samples, mode)

    # --- training ------------------------------------------------------------------------------

    def _logits(self, net: torch.nn.Module, inputs: torch.Tensor, feats: list | None = None) -> torch.Tensor:
        """Decode-head logits of ``net`` upsampled to the input size."""
        feats = net.extract_feat(inputs) if feats is None else feats
        logits = net.decode_head(feats)
        return F.interpolate(logits, size=inputs.shape[-2:], mode="bilinear", align_corners=self.align_corners)

    def _weighted_ce(self, inputs: torch.Tensor, labels: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        logits = self._logits(self.model, inputs)
        ce = F.cross_entropy(logits, labels.long(), reduction="none", ignore_index=IGNORE_INDEX)
        head_weight = getattr(self.model.decode_head.loss_decode, "loss_weight", 1.0)
        return head_weight * (ce * weight).mean()

    def _augment(self, images: torch.Tensor) -> torch.Tensor:
        """DAFormer's strong augmentation, drawn once for the batch (see :mod:`classmix`)."""
        plan = classmix.draw_plan(images.shape[0], jitter_p=self.color_jitter_p if self.color_jitter else 0.0,
                                  blur_p=classmix.BLUR_P if self.blur else 0.0)
        return classmix.strong_augment(images, self.data_preprocessor.mean, self.data_preprocessor.std, plan,
                                       self.color_jitter_strength)

    def loss(self, inputs: torch.Tensor, data_samples: list, target_inputs: torch.Tensor | None = None,
             target_data_samples: list | None = None) -> dict[str, torch.Tensor]:
        """All DACS/MIC losses for one source batch and one target batch (see module doc)."""
        if target_inputs is None:
            raise ValueError(
                "DACS needs source and target batches: use a UDADataset as train dataset "
                "(dict(type='UDADataset', source=..., target=...)) and UDADataPreProcessor"
            )
        if target_inputs.shape != inputs.shape:
            raise ValueError(
                f"DACS: source crops {tuple(inputs.shape)} and target crops {tuple(target_inputs.shape)} "
                "differ; use the same crop size (and batch size) for both pipelines"
            )
        ema_update(self.ema_model, self.model, self.alpha, int(self.local_iter))
        self.local_iter += 1
        losses: dict[str, torch.Tensor] = {}

        # 1) supervised source loss (+ ImageNet feature distance)
        feats = self.model.extract_feat(inputs)
        for k, v in self.model._decode_head_forward_train(feats, data_samples).items():
            losses[f"src.{k}"] = v
        if self.model.with_auxiliary_head:
            for k, v in self.model._auxiliary_head_forward_train(feats, data_samples).items():
                losses[f"src.{k}"] = v
        gt = torch.stack([s.gt_sem_seg.data for s in data_samples]).squeeze(1)
        if self.imnet_model is not None:
            with torch.no_grad():
                self.imnet_model.eval()
                imnet_feats = self.imnet_model.extract_feat(inputs)
            losses["src.loss_fdist"] = fdist.feature_distance_loss(
                feats[-1], imnet_feats[-1], gt, lam=self.fdist_lambda, classes=self.fdist_classes,
                min_ratio=self.fdist_min_ratio, num_classes=self.num_classes,
            )

        # 2) teacher pseudo-labels on the target (after the optional source-only warm-up)
        if int(self.local_iter) <= self.warmup_iters:
            return losses
        with torch.no_grad():
            self.ema_model.eval()  # no dropout / drop-path; BN uses the statistics copied from the student
            t_logits = self._logits(self.ema_model, target_inputs)
            if self.distribution_alignment is not None:
                self.distribution_alignment.update(gt, t_logits)
                t_logits = self.distribution_alignment.align(t_logits)
            threshold: float | torch.Tensor = self.pseudo_threshold  # type: ignore[assignment]
            if self.adaptive_threshold is not None:
                self.adaptive_threshold.update(t_logits)
                threshold = self.adaptive_threshold.thresholds()
                losses["pseudo_threshold"] = threshold.mean().detach()
            ps_label, confident = pseudo_label.confident_pixels(t_logits, threshold)
        h, w = target_inputs.shape[-2:]
        weights = pseudo_label.confidence_weights(confident, self.pseudo_weighting)
        pixel_w = pseudo_label.pixel_weights(weights, h, w, *self.pseudo_margins)
        losses["pseudo_weight"] = confident.float().mean().detach()  # the batch's confident fraction

        # 3) ClassMix (or plain self-training) on the target
        if self.mix == "class":
            mask = classmix.class_masks(gt, scope=self.classmix_scope)
            mixed_img = self._augment(classmix.mix(mask, inputs, target_inputs))
            mixed_lbl = classmix.mix(mask, gt, ps_label)
            mixed_w = classmix.mix(mask, torch.ones_like(pixel_w), pixel_w)
            losses["mix.loss_ce"] = self._weighted_ce(mixed_img, mixed_lbl, mixed_w)
        else:
            losses["tgt.loss_ce"] = self._weighted_ce(self._augment(target_inputs), ps_label, pixel_w)

        # 4) MIC: masked target image, teacher's pseudo-labels of the unmasked image
        if self.mic is not None:
            m = mic.block_mask(inputs.shape[0], h, w, self.mic["mask_ratio"], self.mic["mask_block_size"],
                               device=inputs.device)
            masked = mic.mask_images(self._augment(target_inputs), m)
            losses["mic.loss_ce"] = self.mic["loss_weight"] * self._weighted_ce(masked, ps_label, pixel_w)
        return losses


def _mic_settings(mic: Mapping | None) -> dict | None:
    """MIC settings with defaults, or None when MIC is off.

    >>> _mic_settings(dict(enabled=False)) is None, _mic_settings(dict(mask_block_size=32))["mask_ratio"]
    (True, 0.7)
    """
    if mic is None:
        return None
    settings = {**dict(enabled=True, mask_ratio=0.7, mask_block_size=64, loss_weight=1.0), **mic}
    if not settings.pop("enabled"):
        return None
    unknown = set(settings) - {"mask_ratio", "mask_block_size", "loss_weight"}
    if unknown:
        raise ValueError(f"DACS: unknown MIC settings {sorted(unknown)}")
    return settings

