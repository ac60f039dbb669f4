"""The one contract every part of the kit imports: classes, palette, layouts, submission format.

Nothing else in the kit hard-codes a class id, a folder name or a file-name rule: it asks this
module. This module imports nothing of ours (and nothing heavy), so the scorer, the server and
the CLI can load it in milliseconds.

Example:
    >>> from zerowaste import contract as C
    >>> C.CLASS_NAMES
    ('background', 'rigid_plastic', 'cardboard', 'metal', 'soft_plastic')
    >>> C.layout("zerowaste-v2").image_ext
    '.png'
    >>> int(C.synth_to_zerowaste_lut()[C.PAPER_ID])
    0
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

# --------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassInfo:
    """One semantic class: its id in masks, its name and its RGB colour in visualizations."""

    id: int
    name: str
    color: tuple[int, int, int]


#: The ZeroWaste label space (what is scored). Background is class 0 and is scored too.
CLASSES: tuple[ClassInfo, ...] = (
    ClassInfo(0, "background", (0, 0, 0)),
    ClassInfo(1, "rigid_plastic", (128, 64, 128)),
    ClassInfo(2, "cardboard", (244, 35, 232)),
    ClassInfo(3, "metal", (70, 70, 70)),
    ClassInfo(4, "soft_plastic", (102, 102, 156)),
)
NUM_CLASSES: int = len(CLASSES)
CLASS_NAMES: tuple[str, ...] = tuple(c.name for c in CLASSES)
PALETTE: tuple[tuple[int, int, int], ...] = tuple(c.color for c in CLASSES)
#: Ignore value in ground truth and training pipelines (padding). Never a valid prediction.
IGNORE_INDEX: int = 255

#: SynthWaste adds `paper`, which is background in the ZeroWaste label space.
PAPER_ID: int = 5
PAPER = ClassInfo(PAPER_ID, "paper", (250, 250, 210))
SYNTH_CLASSES: tuple[ClassInfo, ...] = (*CLASSES, PAPER)
SYNTH_NUM_CLASSES: int = len(SYNTH_CLASSES)
SYNTH_CLASS_NAMES: tuple[str, ...] = tuple(c.name for c in SYNTH_CLASSES)
SYNTH_PALETTE: tuple[tuple[int, int, int], ...] = tuple(c.color for c in SYNTH_CLASSES)
#: ``paper_to``, everywhere in the kit, is the class id that SynthWaste's paper pixels are written as.
#: Reading SynthWaste into the ZeroWaste label space (loaders, training configs) it is a ZeroWaste id or
#: 255, by default background; writing SynthWaste (the generator) it is ``PAPER_ID`` (keep paper as its
#: own class, the default) or background. :func:`check_paper_to` checks both uses.
DEFAULT_PAPER_TARGET: int = 0
GENERATOR_PAPER_TARGETS: tuple[int, ...] = (PAPER_ID, 0)


def class_id(name: str, *, synthetic: bool = False) -> int:
    """Return the id of a class by name (`paper` only when ``synthetic``)."""
    names = SYNTH_CLASS_NAMES if synthetic else CLASS_NAMES
    if name not in names:
        raise ValueError(f"unknown class {name!r}; known: {', '.join(names)}")
    return names.index(name)


def check_paper_to(paper_to: int, *, generator: bool = False) -> int:
    """Return ``paper_to`` if it is a valid target for paper pixels, else raise ``ValueError``.

    >>> check_paper_to(255), check_paper_to(PAPER_ID, generator=True)
    (255, 5)
    >>> check_paper_to(PAPER_ID)
    Traceback (most recent call last):
    ...
    ValueError: paper_to must be a ZeroWaste class id 0..4 or 255 (where paper goes in the ZeroWaste label space), got 5
    """
    if generator:
        if paper_to not in GENERATOR_PAPER_TARGETS:
            raise ValueError(f"paper_to must be {PAPER_ID} (keep paper as its own class) or 0 (background) "
                             f"when generating SynthWaste, got {paper_to}")
    elif not (0 <= paper_to < NUM_CLASSES or paper_to == IGNORE_INDEX):
        raise ValueError(f"paper_to must be a ZeroWaste class id 0..{NUM_CLASSES - 1} or {IGNORE_INDEX} "
                         f"(where paper goes in the ZeroWaste label space), got {paper_to}")
    return paper_to


def synth_to_zerowaste_lut(paper_to: int = DEFAULT_PAPER_TARGET) -> np.ndarray:
    """A 256-entry lookup table mapping SynthWaste ids to ZeroWaste ids.

    Ids 0..4 stay, paper (5) becomes ``paper_to`` (background by default, or 255 to ignore it),
    255 stays 255 and any other value maps to 255.

    >>> lut = synth_to_zerowaste_lut(paper_to=255)
    >>> int(lut[5]), int(lut[3]), int(lut[9])
    (255, 3, 255)
    """
    check_paper_to(paper_to)
    lut = np.full(256, IGNORE_INDEX, dtype=np.uint8)
    lut[:NUM_CLASSES] = np.arange(NUM_CLASSES, dtype=np.uint8)
    lut[PAPER_ID] = paper_to
    return lut


def palette_array(synthetic: bool = False) -> np.ndarray:
    """Palette as a (256, 3) uint8 array; unused entries (and 255) are white-ish grey."""
    pal = np.full((256, 3), 255, dtype=np.uint8)
    pal[IGNORE_INDEX] = (255, 255, 255)
    for c in SYNTH_CLASSES if synthetic else CLASSES:
        pal[c.id] = c.color
    return pal


def colorize(mask: np.ndarray, synthetic: bool = False) -> np.ndarray:
    """Map an id mask (H, W) to an RGB image (H, W, 3) with the official palette."""
    return palette_array(synthetic)[mask]


#: COCO category ids equal the class ids; background has no category.
def coco_categories(synthetic: bool = False) -> list[dict]:
    """The `categories` list of a ZeroWaste (1..4) or SynthWaste (1..5) COCO `labels.json`."""
    classes = SYNTH_CLASSES if synthetic else CLASSES
    return [{"id": c.id, "name": c.name, "supercategory": "waste"} for c in classes if c.id != 0]


# --------------------------------------------------------------------------------------------
# Dataset layouts
# --------------------------------------------------------------------------------------------

IMAGE_HEIGHT: int = 1080
IMAGE_WIDTH: int = 1920
IMAGE_DIR: str = "data"
SEM_DIR: str = "sem_seg"
INST_DIR: str = "inst_seg"
LABELS_JSON: str = "labels.json"
SPLITS: tuple[str, ...] = ("train", "val", "test")

#: ZeroWaste-f / -s frame names: ``{video:02d}_frame_{frame:06d}.PNG``.
ZEROWASTE_NAME_RE = re.compile(r"^\d{2}_frame_\d{6}\.PNG$")


@dataclass(frozen=True)
class Layout:
    """Where a dataset keeps its files, and which rules its names follow.

    ``splits`` empty means a flat ``<root>/data`` layout (ZeroWaste-s). ``labeled_splits`` lists
    the splits that ship ``sem_seg/``. ``split_sizes`` are the known public counts (a different
    count is a warning). ``archive_roots`` are extra top folders an archive may add.
    """

    kind: str
    splits: tuple[str, ...]
    labeled_splits: tuple[str, ...]
    image_ext: str
    num_classes: int
    domain: str
    split_sizes: dict[str, int] = field(default_factory=dict)
    archive_roots: tuple[str, ...] = ()
    has_coco: bool = False
    has_instances: bool = False
    name_re: re.Pattern | None = None

    @property
    def synthetic(self) -> bool:
        return self.num_classes == SYNTH_NUM_CLASSES


LAYOUTS: dict[str, Layout] = {
    "zerowaste-f": Layout(
        kind="zerowaste-f",
        splits=SPLITS,
        labeled_splits=SPLITS,
        image_ext=".PNG",
        num_classes=NUM_CLASSES,
        domain="source",
        split_sizes={"train": 3002, "val": 572, "test": 929},  # val count unconfirmed (SPEC)
        archive_roots=("splits_final_deblurred",),
        has_coco=True,
        name_re=ZEROWASTE_NAME_RE,
    ),
    "zerowaste-s": Layout(
        kind="zerowaste-s",
        splits=(),
        labeled_splits=(),
        image_ext=".PNG",
        num_classes=NUM_CLASSES,
        domain="source",
        split_sizes={"": 6200},  # "about 6,200" frames
        name_re=ZEROWASTE_NAME_RE,
    ),
    "zerowaste-v2": Layout(
        kind="zerowaste-v2",
        splits=SPLITS,
        labeled_splits=(),  # val/test labels live only on the scoring server
        image_ext=".png",
        num_classes=NUM_CLASSES,
        domain="target",
        split_sizes={"train": 6216},
        archive_roots=("zerowaste-v2", "zerowaste_v2"),
    ),
    "synthwaste": Layout(
        kind="synthwaste",
        splits=SPLITS,
        labeled_splits=SPLITS,
        image_ext=".png",
        num_classes=SYNTH_NUM_CLASSES,
        domain="synthetic",
        archive_roots=("synthwaste", "synthwaste_aug"),
        has_coco=True,
        has_instances=True,
    ),
}
DATASET_KINDS: tuple[str, ...] = tuple(LAYOUTS)


def layout(kind: str) -> Layout:
    """The layout of a dataset kind (``zerowaste-f``, ``zerowaste-s``, ``zerowaste-v2``, ``synthwaste``)."""
    try:
        return LAYOUTS[kind]
    except KeyError:
        raise ValueError(f"unknown dataset kind {kind!r}; known: {', '.join(DATASET_KINDS)}") from None


# --------------------------------------------------------------------------------------------
# Submission format and metric
# --------------------------------------------------------------------------------------------

TRACKS: tuple[str, ...] = ("source_only", "uda")
PHASES: tuple[str, ...] = ("val", "test")
#: The track whose test-phase mIoU ranks teams (ties broken by Acc).
RANKING_TRACK: str = "uda"
SUBMISSION_HEIGHT: int = IMAGE_HEIGHT
SUBMISSION_WIDTH: int = IMAGE_WIDTH
#: Valid predicted values. Anything else (255 included) makes a submission invalid.
VALID_PREDICTIONS: tuple[int, ...] = tuple(range(NUM_CLASSES))
PREDICTION_EXT: str = ".png"

#: Zip-bomb and size guards used by the validator and the server.
MAX_ENTRIES: int = 50_000
MAX_UNCOMPRESSED_BYTES: int = 20 * 1024**3
MAX_COMPRESSION_RATIO: int = 1000


# --------------------------------------------------------------------------------------------
# Challenge rules and reference numbers
# --------------------------------------------------------------------------------------------

MAX_PARAMS_PER_FORWARD: int = 300_000_000
MAX_TRAINING_V100_DAYS: int = 100
DEFAULT_QUOTAS: dict[str, dict[str, int | None]] = {
    "val": {"per_day": 5, "total": None},
    "test": {"per_day": None, "total": 5},
}

#: mIoU / Acc (%) on ZeroWaste v2 test of the official baselines and the winners (SPEC).
REFERENCE_RESULTS: tuple[dict, ...] = (
    {"model": "SegFormer MiT-B5 (source only)", "data": "ZeroWaste-f", "mIoU": 45.49, "Acc": 91.64},
    {"model": "SegFormer MiT-B5 (source only)", "data": "SynthWaste-aug + ZeroWaste-f", "mIoU": 42.61, "Acc": 91.22},
    {"model": "DAFormer (UDA)", "data": "ZeroWaste-f → v2", "mIoU": 52.26, "Acc": 91.20},
    {"model": "DAFormer (UDA)", "data": "SynthWaste-aug + ZeroWaste-f → v2", "mIoU": 48.31, "Acc": 90.63},
    {"model": "1st place (ConvNeXt-L + DAFormer, DACS, PL, soup)", "data": "ZeroWaste-f → v2", "mIoU": 59.42, "Acc": None},
    {"model": "2nd place (HRDA)", "data": "ZeroWaste-f → v2", "mIoU": 55.46, "Acc": None},
    {"model": "3rd place (SePiCo, 3 seeds)", "data": "ZeroWaste-f → v2", "mIoU": 54.38, "Acc": None},
)
