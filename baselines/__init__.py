"""Baselines on mmsegmentation 1.2.2: configs, train / eval / predict / soup / check-model.

Import :mod:`zerowaste.baselines.registry` (or call :func:`zerowaste.baselines.registry.register_all`) before building
anything from a config; it applies :mod:`zerowaste.compat.mmseg` first. See docs/baselines.md.
"""
