"""Unsupervised domain adaptation for the ZeroWaste UDA track.

Pure-torch building blocks (each one small, typed and tested on its own):

- :mod:`baselines.uda.ema` — EMA teacher update (DDP-safe).
- :mod:`baselines.uda.pseudo_label` — confident pseudo-labels, per-image weight, crop margins.
- :mod:`baselines.uda.classmix` — ClassMix masks, mixing, colour jitter + blur.
- :mod:`baselines.uda.fdist` — ImageNet feature distance on the thing classes.
- :mod:`baselines.uda.mic` — MIC block masking.
- :mod:`baselines.uda.snd` — soft neighbourhood density for unsupervised model selection.

mmseg integration (imports mmseg lazily through the kit's compat module):

- :mod:`baselines.uda.dacs` — the ``DACS`` segmentor wrapper and the ``UDADataset`` (source + target).
- :mod:`baselines.uda.hooks` — keep the best-SND checkpoint during training.
- :mod:`baselines.uda.cli` — ``zerowaste select`` and ``zerowaste pseudo-label``.
"""
