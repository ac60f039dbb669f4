"""Unsupervised domain adaptation for the ZeroWaste UDA track.

Pure-torch building blocks (each one small, typed and tested on its own):

- :mod:`zerowaste.baselines.uda.ema` — EMA teacher update (DDP-safe).
- :mod:`zerowaste.baselines.uda.pseudo_label` — confident pseudo-labels, their weight (one per target batch), crop margins.
- :mod:`zerowaste.baselines.uda.classmix` — ClassMix masks, mixing, colour jitter + blur.
- :mod:`zerowaste.baselines.uda.fdist` — ImageNet feature distance on the thing classes.
- :mod:`zerowaste.baselines.uda.mic` — MIC block masking.
- :mod:`zerowaste.baselines.uda.snd` — soft neighbourhood density for unsupervised model selection.

mmseg integration (imports mmseg lazily through the kit's compat module; every component is registered
by :mod:`zerowaste.baselines.registry`, like the rest of the baselines):

- :mod:`zerowaste.baselines.uda.dacs` — the ``DACS`` segmentor wrapper and the ``UDADataset`` (source + target).
- :mod:`zerowaste.baselines.uda.selection` — SND ranking, pseudo-label files, and ``BestSNDHook`` (keeps the
  best-SND checkpoint during training).
- :mod:`zerowaste.baselines.uda.infer` — loading a checkpoint and its target predictions for the above.
- :mod:`zerowaste.baselines.uda.cli` — ``zerowaste select`` and ``zerowaste pseudo-label``.
"""
