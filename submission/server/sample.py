"""Small generated ground truth and submissions, for the server's tests, benchmark and demos.

Masks are tiny (90x160 by default) so a whole challenge round trip takes seconds.

Example:
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> gt = write_sample_gt(root / "gt", n_images=2)
    >>> sorted(p.name for p in (gt / "val").iterdir())
    ['01_frame_000000.PNG', '02_frame_000001.PNG']
    >>> write_sample_submission(root / "sub.zip", n_images=2).stat().st_size > 0
    True
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from zerowaste import contract

SAMPLE_HW = (90, 160)


def png_bytes(mask: np.ndarray) -> bytes:
    """An 8-bit single-channel PNG of an id mask."""
    buf = io.BytesIO()
    Image.fromarray(mask.astype(np.uint8), mode="L").save(buf, format="PNG")
    return buf.getvalue()


def sample_names(n_images: int) -> list[str]:
    """ZeroWaste-style frame names (``01_frame_000000.PNG``, ...)."""
    return [f"{i % 3 + 1:02d}_frame_{i:06d}.PNG" for i in range(n_images)]


def sample_gt_mask(i: int, hw: tuple[int, int] = SAMPLE_HW) -> np.ndarray:
    """A deterministic random ground-truth mask; its top 5 rows are ignore (255)."""
    mask = np.random.default_rng(i).integers(0, contract.NUM_CLASSES, size=hw, dtype=np.uint8)
    mask[:5] = contract.IGNORE_INDEX
    return mask


def write_sample_gt(root: Path, n_images: int = 4, hw: tuple[int, int] = SAMPLE_HW) -> Path:
    """A ground-truth folder with ``val/`` and ``test/`` masks."""
    for split in contract.PHASES:
        d = Path(root) / split
        d.mkdir(parents=True, exist_ok=True)
        for i, name in enumerate(sample_names(n_images)):
            (d / name).write_bytes(png_bytes(sample_gt_mask(i, hw)))
    return Path(root)


def write_sample_submission(path: Path, quality: float = 0.9, seed: int = 0, n_images: int = 4,
                            hw: tuple[int, int] = SAMPLE_HW, invalid: bool = False) -> Path:
    """A submission zip that agrees with the sample GT on about ``quality`` of the pixels.

    ``invalid`` puts one out-of-range value (200) in the first image of each track.
    """
    rng = np.random.default_rng(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for track in contract.TRACKS:
            for i, name in enumerate(sample_names(n_images)):
                gt = sample_gt_mask(i, hw)
                pred = np.where(gt == contract.IGNORE_INDEX, 0, gt)
                noise = rng.random(pred.shape) > quality
                pred[noise] = rng.integers(0, contract.NUM_CLASSES, size=int(noise.sum()))
                if invalid and i == 0:
                    pred[0, 0] = 200
                zf.writestr(f"{track}/{name}", png_bytes(pred))
    return Path(path)
