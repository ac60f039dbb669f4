"""COCO ``labels.json`` <-> id masks, with pycocotools.

* :func:`semantic_from_coco` paints every annotation of an image with its category id on a zero
  mask; where annotations overlap the larger id wins (pixel-wise max), as in the dataset's own
  conversion (SPEC).
* :func:`instances_from_coco` paints instance ids (uint16).
* :func:`annotations_from_masks` / :func:`coco_from_masks` go the other way, as polygons or RLE.
* :func:`merge_coco` merges per-shard files, renumbering image and annotation ids.

Exactness: RLE always reproduces a mask exactly. Polygons trace the *pixel edges* of each region
(vertices on pixel corners, COCO's ``[x, x+1]`` pixel convention), which pycocotools rasterizes back
to the same pixels, 1-pixel features and diagonal touches included. A COCO polygon cannot express a
hole (a ring of cardboard around a can), so such a region is checked after tracing and stored as
RLE instead; every annotation written in polygon mode is therefore verified to round-trip.

Example:
    >>> import numpy as np
    >>> sem = np.zeros((6, 8), np.uint8); sem[1:4, 2:5] = 2; sem[5, 7] = 4
    >>> coco = coco_from_masks([("a.png", sem, None)], synthetic=False, mode="polygon")
    >>> [a["category_id"] for a in coco["annotations"]]
    [2, 4]
    >>> bool((semantic_from_coco(coco, "a.png") == sem).all())
    True
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Literal

import cv2
import numpy as np
from pycocotools import mask as mask_utils

from zerowaste import contract
from zerowaste.data.io import DataError

Mode = Literal["polygon", "rle"]
MODES: tuple[str, ...] = ("polygon", "rle")


# --------------------------------------------------------------------------------------------
# COCO -> masks
# --------------------------------------------------------------------------------------------


class CocoIndex:
    """A COCO dict indexed by image file name (build once, look up many images).

    Images are found by their exact ``file_name`` or, failing that, by its base name (some
    exports store ``data/01_frame_000001.PNG``).
    """

    def __init__(self, coco: dict) -> None:
        if not isinstance(coco, dict) or not isinstance(coco.get("images"), list):
            raise DataError("COCO data must be an object with an 'images' list")
        anns = coco.get("annotations", [])
        if not isinstance(anns, list):
            raise DataError("COCO 'annotations' must be a list")
        self.coco = coco
        self.category_ids = {int(c["id"]) for c in coco.get("categories", []) if "id" in c}
        self.images: dict[str, dict] = {}
        self._by_base: dict[str, str] = {}
        self.anns: dict[int, list[dict]] = {}
        for img in coco["images"]:
            try:
                name, image_id = str(img["file_name"]), int(img["id"])
                int(img["height"]), int(img["width"])
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"COCO image entry {img!r} lacks id/file_name/height/width") from exc
            self.images[name] = img
            self._by_base.setdefault(PurePosixPath(name).name, name)
            self.anns.setdefault(image_id, [])
        for ann in anns:
            try:
                self.anns.setdefault(int(ann["image_id"]), []).append(ann)
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"COCO annotation {ann.get('id', '?') if isinstance(ann, dict) else ann!r} lacks image_id") from exc

    def image(self, file_name: str) -> dict:
        """The ``images`` entry of ``file_name``; :class:`DataError` if absent."""
        if file_name in self.images:
            return self.images[file_name]
        base = PurePosixPath(file_name).name
        if base in self._by_base:
            return self.images[self._by_base[base]]
        raise DataError(f"{file_name}: no such image in the COCO file")

    def annotations(self, file_name: str) -> list[dict]:
        """The annotations of ``file_name`` in file order."""
        return self.anns.get(int(self.image(file_name)["id"]), [])


def _as_index(coco: dict | CocoIndex) -> CocoIndex:
    return coco if isinstance(coco, CocoIndex) else CocoIndex(coco)


def _segmentation_rle(ann: dict, height: int, width: int) -> dict:
    """One compressed RLE for an annotation's polygons or RLE."""
    seg = ann.get("segmentation")
    where = f"annotation {ann.get('id', '?')}"
    try:
        if isinstance(seg, list):
            polys = [p for p in seg if len(p) >= 6]
            if not polys:
                return mask_utils.encode(np.zeros((height, width), np.uint8, order="F"))
            return mask_utils.merge(mask_utils.frPyObjects(polys, height, width))
        if isinstance(seg, dict) and "counts" in seg:
            if list(seg.get("size", [])) != [height, width]:
                raise DataError(f"{where}: RLE size {seg.get('size')} differs from the image's {[height, width]}")
            if isinstance(seg["counts"], list):  # uncompressed RLE
                return mask_utils.frPyObjects(seg, height, width)
            counts = seg["counts"].encode("ascii") if isinstance(seg["counts"], str) else seg["counts"]
            return {"size": [height, width], "counts": counts}
    except DataError:
        raise
    except (TypeError, ValueError, IndexError) as exc:
        raise DataError(f"{where}: malformed segmentation ({exc})") from exc
    raise DataError(f"{where}: segmentation must be a polygon list or an RLE object, got {type(seg).__name__}")


def _decode(rle: dict) -> np.ndarray:
    """pycocotools' decode, minus its numpy-2 ``__array__`` DeprecationWarning (harmless)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return mask_utils.decode(rle).astype(bool)


def annotation_mask(ann: dict, height: int, width: int) -> np.ndarray:
    """Rasterize one annotation to an (H, W) bool mask."""
    return _decode(_segmentation_rle(ann, height, width))


def _rasterize_all(index: CocoIndex, file_name: str) -> tuple[tuple[int, int], list[tuple[dict, np.ndarray]]]:
    """The image size and each annotation with its bool mask, in file order."""
    img = index.image(file_name)
    h, w = int(img["height"]), int(img["width"])
    return (h, w), [(ann, annotation_mask(ann, h, w)) for ann in index.annotations(file_name)]


def semantic_from_coco(coco: dict | CocoIndex, file_name: str) -> np.ndarray:
    """The (H, W) uint8 semantic mask of ``file_name``: category ids, overlaps -> larger id."""
    index = _as_index(coco)
    shape, painted = _rasterize_all(index, file_name)
    sem = np.zeros(shape, np.uint8)
    for ann, binary in painted:
        cat = int(ann.get("category_id", -1))
        if (index.category_ids and cat not in index.category_ids) or not 0 < cat < 256:
            raise DataError(f"{file_name}: annotation {ann.get('id', '?')} has unknown category_id {cat}")
        np.maximum(sem, np.where(binary, np.uint8(cat), np.uint8(0)), out=sem)
    return sem


def instances_from_coco(coco: dict | CocoIndex, file_name: str) -> np.ndarray:
    """The (H, W) uint16 instance mask of ``file_name`` (0 = no instance).

    An annotation's id in the mask is its ``instance_id`` field when present (written by
    :func:`annotations_from_masks`, so a round trip keeps the ids), otherwise its 1-based rank
    among the image's annotations. Where instances overlap, the later annotation wins.
    """
    shape, painted = _rasterize_all(_as_index(coco), file_name)
    inst = np.zeros(shape, np.uint16)
    for rank, (ann, binary) in enumerate(painted, start=1):
        inst[binary] = int(ann.get("instance_id", rank))
    return inst


# --------------------------------------------------------------------------------------------
# masks -> COCO
# --------------------------------------------------------------------------------------------


def _encode_rle(binary: np.ndarray) -> dict:
    rle = mask_utils.encode(np.asfortranarray(binary.astype(np.uint8)))
    return {"size": [int(s) for s in rle["size"]], "counts": rle["counts"].decode("ascii")}


def mask_to_polygons(binary: np.ndarray) -> list[list[float]]:
    """Polygons tracing the pixel edges of each 8-connected piece of ``binary`` (holes ignored).

    The mask is upsampled 2x so that OpenCV's contour (through boundary pixel *centres*) runs
    along the original pixel *edges*; upsampled coordinate ``c`` maps to corner ``(c + 1) // 2``.

    >>> mask_to_polygons(np.array([[0, 1], [0, 0]], bool))
    [[1.0, 0.0, 1.0, 1.0, 2.0, 1.0, 2.0, 0.0]]
    """
    rows, cols = np.flatnonzero(binary.any(axis=1)), np.flatnonzero(binary.any(axis=0))
    if len(rows) == 0:
        return []
    y0, x0 = rows[0], cols[0]  # trace only the bounding box: regions are small next to a frame
    box = binary[y0: rows[-1] + 1, x0: cols[-1] + 1].astype(np.uint8)
    up = np.kron(box, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(up, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    polygons = []
    for contour in contours:
        pts = (contour[:, 0, :] + 1) // 2 + (x0, y0)
        keep = np.ones(len(pts), bool)
        keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
        pts = pts[keep]
        if len(pts) > 1 and (pts[0] == pts[-1]).all():
            pts = pts[:-1]
        if len(pts) >= 3:
            polygons.append(pts.astype(float).ravel().tolist())
    return polygons


def _segmentation(binary: np.ndarray, mode: Mode) -> dict | list:
    """Polygons when they reproduce ``binary`` exactly (checked), RLE otherwise or when asked."""
    if mode == "polygon":
        polygons = mask_to_polygons(binary)
        if polygons:
            h, w = binary.shape
            back = _decode(mask_utils.merge(mask_utils.frPyObjects(polygons, h, w)))
            if np.array_equal(back, binary):
                return polygons
    return _encode_rle(binary)


def _annotation(binary: np.ndarray, category: int, image_id: int, ann_id: int, mode: Mode, instance_id: int) -> dict:
    rle = mask_utils.encode(np.asfortranarray(binary.astype(np.uint8)))
    return {
        "id": ann_id,
        "image_id": image_id,
        "category_id": category,
        "segmentation": _segmentation(binary, mode),
        "area": int(binary.sum()),
        "bbox": [float(v) for v in mask_utils.toBbox(rle)],
        "iscrowd": 0,
        "instance_id": instance_id,
    }


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def annotations_from_masks(
    sem: np.ndarray,
    inst: np.ndarray | None,
    image_id: int,
    first_ann_id: int = 1,
    mode: Mode = "polygon",
) -> list[dict]:
    """COCO annotations for one image from its semantic (and optional instance) mask.

    With ``inst``, each instance id > 0 becomes one annotation and must cover a single class;
    labelled pixels outside every instance (and every labelled pixel when ``inst`` is None)
    become one annotation per 8-connected component of each class. Background (0) and ignore
    (255) are not annotated. Annotations carry ``instance_id`` (0 for components) so that
    :func:`instances_from_coco` gives the instance mask back.

    >>> sem = np.array([[1, 1, 0], [0, 0, 3]], np.uint8)
    >>> [(a["category_id"], a["area"]) for a in annotations_from_masks(sem, None, image_id=7)]
    [(1, 2), (3, 1)]
    """
    _check_mode(mode)
    sem = np.asarray(sem)
    labelled = (sem != 0) & (sem != contract.IGNORE_INDEX)
    anns: list[dict] = []
    if inst is not None:
        inst = np.asarray(inst)
        if inst.shape != sem.shape:
            raise DataError(f"image {image_id}: instance mask {inst.shape} and semantic mask {sem.shape} differ in size")
        for iid in np.unique(inst[inst > 0]):
            binary = inst == iid
            classes = np.unique(sem[binary])
            classes = classes[(classes != 0) & (classes != contract.IGNORE_INDEX)]
            if len(classes) == 0:
                continue
            if len(classes) > 1:
                raise DataError(f"image {image_id}: instance {int(iid)} covers several classes {classes.tolist()}")
            binary &= sem == classes[0]
            anns.append(_annotation(binary, int(classes[0]), image_id, first_ann_id + len(anns), mode, int(iid)))
        labelled &= inst == 0
    for cls in np.unique(sem[labelled]):
        n, components = cv2.connectedComponents(((sem == cls) & labelled).astype(np.uint8), connectivity=8)
        for k in range(1, n):
            anns.append(_annotation(components == k, int(cls), image_id, first_ann_id + len(anns), mode, 0))
    return anns


def coco_from_masks(
    entries: Iterable[tuple[str, np.ndarray, np.ndarray | None]],
    synthetic: bool = False,
    mode: Mode = "polygon",
) -> dict:
    """A COCO dict from ``(file_name, sem, inst | None)`` entries (image ids from 1).

    Categories come from :func:`zerowaste.contract.coco_categories`; a class id outside them is
    a :class:`DataError`.
    """
    _check_mode(mode)
    categories = contract.coco_categories(synthetic)
    known = {c["id"] for c in categories}
    images, annotations = [], []
    for image_id, (file_name, sem, inst) in enumerate(entries, start=1):
        sem = np.asarray(sem)
        unknown = sorted(set(np.unique(sem).tolist()) - known - {0, contract.IGNORE_INDEX})
        if unknown:
            raise DataError(f"{file_name}: mask values {unknown} are not classes of this dataset")
        images.append({"id": image_id, "file_name": file_name, "height": int(sem.shape[0]), "width": int(sem.shape[1])})
        annotations += annotations_from_masks(sem, inst, image_id, len(annotations) + 1, mode)
    return {"images": images, "annotations": annotations, "categories": categories}


def merge_coco(parts: list[dict]) -> dict:
    """Merge COCO dicts (e.g. per-shard files) into one, renumbering image and annotation ids.

    All parts must have the same categories; a file name present in two parts is an error.

    >>> a = {"images": [{"id": 1, "file_name": "a.png", "height": 1, "width": 1}], "annotations": [], "categories": []}
    >>> b = {"images": [{"id": 1, "file_name": "b.png", "height": 1, "width": 1}], "annotations": [], "categories": []}
    >>> [i["id"] for i in merge_coco([a, b])["images"]]
    [1, 2]
    """
    if not parts:
        raise DataError("merge_coco needs at least one COCO part")
    categories = parts[0].get("categories", [])
    merged: dict = {k: v for k, v in parts[0].items() if k not in ("images", "annotations")}
    images, annotations, seen = [], [], {}
    for n, part in enumerate(parts):
        if part.get("categories", []) != categories:
            raise DataError(f"COCO part {n} has different categories from part 0")
        new_ids = {}
        for img in part.get("images", []):
            if img["file_name"] in seen:
                raise DataError(f"{img['file_name']}: present in COCO parts {seen[img['file_name']]} and {n}")
            seen[img["file_name"]] = n
            new_ids[img["id"]] = len(images) + 1
            images.append({**img, "id": new_ids[img["id"]]})
        for ann in part.get("annotations", []):
            if ann["image_id"] not in new_ids:
                raise DataError(f"COCO part {n}: annotation {ann.get('id')} refers to unknown image {ann['image_id']}")
            annotations.append({**ann, "id": len(annotations) + 1, "image_id": new_ids[ann["image_id"]]})
    merged.update(images=images, annotations=annotations, categories=categories)
    return merged
