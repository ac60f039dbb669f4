"""The ZeroWaste data layer: reading and writing images and masks, dataset loaders, COCO
conversion, verification, statistics, archive fetching, augmentation and sampling.

Submodules import only what they need (albumentations and torch never at import time), so
``from zerowaste.data.io import read_mask`` stays cheap. See ``docs/data.md``.

Example:
    >>> from zerowaste.data import DataError
    >>> issubclass(DataError, Exception)
    True
"""

from zerowaste.data.io import DataError

__all__ = ["DataError"]
