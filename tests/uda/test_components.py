"""Unit tests of the pure-torch UDA building blocks (EMA, pseudo-labels, ClassMix, fdist, MIC, SND)."""

from __future__ import annotations

import math

import kornia
import numpy as np
import pytest
import torch
from torch import nn

from zerowaste.baselines.uda import classmix, fdist, mic, pseudo_label, snd
from zerowaste.baselines.uda.ema import ema_alpha, ema_update, make_teacher
from zerowaste.contract import IGNORE_INDEX


class _Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4)


class _Wrapped(nn.Module):  # stands in for DDP's `.module` indirection
    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.module = inner


# --- EMA ------------------------------------------------------------------------------------------

def test_ema_update_averages_params_and_copies_buffers() -> None:
    torch.manual_seed(0)
    student = _Net()
    teacher = make_teacher(student)
    assert all(not p.requires_grad for p in teacher.parameters())
    t0 = teacher.conv.weight.clone()
    with torch.no_grad():
        student.conv.weight.add_(1.0)
        student.bn.running_mean.fill_(3.0)
    a = ema_update(teacher, _Wrapped(student), alpha=0.9, iteration=100)  # unwraps `.module`
    assert a == pytest.approx(0.9)
    expected = 0.9 * t0 + 0.1 * student.conv.weight
    assert torch.allclose(teacher.conv.weight, expected)
    assert torch.equal(teacher.bn.running_mean, torch.full((4,), 3.0))  # copied, not averaged


def test_ema_first_iteration_copies_and_alpha_warms_up() -> None:
    student, teacher = _Net(), _Net()
    ema_update(teacher, student, alpha=0.999, iteration=0)
    assert torch.equal(teacher.conv.weight, student.conv.weight)
    assert ema_alpha(0.999, 3) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="alpha"):
        ema_alpha(1.0, 0)


def test_ema_rejects_mismatched_models() -> None:
    with pytest.raises(ValueError, match="differ"):
        ema_update(nn.Linear(2, 2), _Net(), alpha=0.9, iteration=5)


# --- pseudo-labels --------------------------------------------------------------------------------

def test_pseudo_label_weight_is_one_number_per_target_batch() -> None:
    """DAFormer/MIC: confident pixels over B*H*W, the same weight for every image; "image" is the variant."""
    logits = torch.zeros(2, 5, 4, 4)
    logits[0, 2, :2] = 10.0  # 8 of 16 pixels confident (p ~ 0.9998), class 2
    logits[1, 1] = 10.0  # all confident, class 1
    labels, weight = pseudo_label.pseudo_labels(logits, threshold=0.968)
    assert weight.tolist() == [0.75, 0.75]  # (8 + 16) / 32 for both images
    assert labels[0, :2].eq(2).all() and labels[1].eq(1).all()
    assert pseudo_label.pseudo_labels(logits, 0.968, weighting="image")[1].tolist() == [0.5, 1.0]
    pixel = pseudo_label.pseudo_labels(logits, 0.968, weighting="pixel")[1]
    assert pixel.shape == (2, 4, 4) and pixel[0, :2].eq(1).all() and pixel[0, 2:].eq(0).all()
    w = pseudo_label.pixel_weights(weight, 4, 4, top=1, bottom=1, reference_height=4)  # x the ignore-row mask
    assert w.shape == (2, 4, 4) and w[:, 1:3].eq(0.75).all() and w[:, 0].eq(0).all() and w[:, 3].eq(0).all()
    with pytest.raises(ValueError, match="weighting must be one of"):
        pseudo_label.confidence_weights(torch.ones(1, 2, 2, dtype=torch.bool), "soft")


def test_pseudo_label_threshold_is_inclusive() -> None:
    """A pixel whose max probability equals the threshold is confident (DAFormer: ``ge``), online and offline."""
    logits = torch.tensor([[[[2.0, 0.0]], [[0.0, 0.0]]]])  # (1, 2, 1, 2)
    p = float(torch.softmax(logits, dim=1)[0, 0, 0, 0])  # 0.8808, exactly the probability of pixel 0
    _, mask = pseudo_label.confident_pixels(logits, p)
    assert mask.tolist() == [[[True, False]]]
    assert pseudo_label.pseudo_labels(logits, p)[1].tolist() == [0.5]
    probs = torch.softmax(logits[0], dim=0)
    assert pseudo_label.hard_pseudo_labels(probs, p).tolist() == [[0, IGNORE_INDEX]]
    _, above = pseudo_label.confident_pixels(logits, torch.nextafter(torch.tensor(p), torch.tensor(1.0)).item())
    assert above.tolist() == [[[False, False]]]


def test_pseudo_label_crop_margins_scale_with_crop() -> None:
    w = pseudo_label.pixel_weights(torch.ones(1), 256, 8, top=15, bottom=120)
    rows = w[0, :, 0]
    assert rows[:8].eq(0).all() and rows[8:196].eq(1).all() and rows[196:].eq(0).all()
    with pytest.raises(ValueError, match="leave nothing"):
        pseudo_label.margin_rows(8, 15, 120, reference_height=9)


def test_hard_pseudo_labels_ignore_unconfident() -> None:
    probs = torch.softmax(torch.tensor([[[5.0, 0.0]], [[0.0, 0.2]]]), dim=0)
    out = pseudo_label.hard_pseudo_labels(probs, 0.9)
    assert out.dtype == torch.uint8 and out.tolist() == [[0, IGNORE_INDEX]]
    with pytest.raises(ValueError, match="threshold"):
        pseudo_label.hard_pseudo_labels(probs, 1.5)


def test_class_thresholds_compare_each_pixel_with_its_class() -> None:
    logits = torch.zeros(1, 3, 1, 3)
    logits[0, 0, 0, 0] = 3.0  # class 0, p = 0.91
    logits[0, 1, 0, 1] = 1.0  # class 1, p = 0.58
    logits[0, 2, 0, 2] = 1.0  # class 2, p = 0.58
    labels, mask = pseudo_label.confident_pixels(logits, torch.tensor([0.95, 0.5, 0.6]))
    assert labels.tolist() == [[[0, 1, 2]]] and mask.tolist() == [[[False, True, False]]]
    _, weight = pseudo_label.pseudo_labels(logits, torch.tensor([0.9, 0.5, 0.5]))
    assert weight.tolist() == [1.0]
    with pytest.raises(ValueError, match="2 class thresholds for 3 classes"):
        pseudo_label.confident_pixels(logits, torch.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match="class thresholds must be in"):
        pseudo_label.confident_pixels(logits, torch.tensor([0.5, 1.0, 0.5]))


def test_adaptive_threshold_follows_the_teachers_confidence() -> None:
    at = pseudo_label.AdaptiveThreshold(num_classes=4, momentum=0.9, ceiling=0.968)
    assert torch.allclose(at.thresholds(), torch.full((4,), 0.25))  # starts at 1/C: keeps almost all
    logits = torch.zeros(2, 4, 8, 8)
    logits[:, 0, :6] = 4.0  # background, sure
    logits[:, 2, 6:] = 1.0  # class 2, unsure, a quarter of the pixels
    prob = torch.softmax(logits, dim=1)
    for _ in range(200):
        at.update(logits)
    mean_max = prob.max(dim=1).values.mean()
    class_mean = prob.mean(dim=(0, 2, 3))
    expected = (mean_max * class_mean / class_mean.max()).clamp(max=0.968)
    assert torch.allclose(at.thresholds(), expected, atol=1e-5)
    t = at.thresholds()
    assert t[0] > t[2] > 0  # the rarely predicted class gets a lower bar than the background
    # one update moves the state by (1 - momentum) of the way
    fresh = pseudo_label.AdaptiveThreshold(num_classes=4, momentum=0.9)
    fresh.update(logits)
    assert float(fresh.global_conf) == pytest.approx(0.9 * 0.25 + 0.1 * float(mean_max), rel=1e-5)
    assert set(dict(fresh.named_buffers())) == {"global_conf", "class_conf"}  # saved in checkpoints
    with pytest.raises(ValueError, match="momentum"):
        pseudo_label.AdaptiveThreshold(num_classes=4, momentum=1.0)


def test_distribution_alignment_moves_teacher_towards_the_source_prior() -> None:
    da = pseudo_label.DistributionAlignment(num_classes=3, momentum=0.0)
    src = torch.tensor([[[0, 0, 0, 0, 0, 0, 2, IGNORE_INDEX]]])  # 6/7 background, 1/7 class 2
    logits = torch.zeros(1, 3, 1, 4)
    logits[0, 1] = 2.0  # the teacher calls every target pixel class 1
    logits[0, 0, 0, 0] = 1.9  # ... one pixel almost background
    assert pseudo_label.confident_pixels(logits, 0.0)[0].tolist() == [[[1, 1, 1, 1]]]
    da.update(src, logits)
    assert torch.allclose(da.source_prior, torch.tensor([6 / 7, 0.0, 1 / 7]))
    aligned = da.align(logits)
    prob, orig = torch.softmax(aligned, dim=1), torch.softmax(logits, dim=1)
    assert torch.allclose(prob.sum(dim=1), torch.ones(1, 1, 4))
    ratio = da.source_prior.clamp_min(1e-6) / da.target_mean
    expected = orig * ratio.view(1, -1, 1, 1)
    assert torch.allclose(prob, expected / expected.sum(dim=1, keepdim=True), atol=1e-6)
    labels, _ = pseudo_label.confident_pixels(aligned, 0.0)
    assert labels.tolist() == [[[0, 0, 0, 0]]]  # a class the source never shows cannot win
    with pytest.raises(ValueError, match="source label 7 outside 0..2"):
        da.update(torch.tensor([[[7]]]), logits)
    fresh = pseudo_label.DistributionAlignment(num_classes=3)
    assert torch.equal(fresh.align(logits), logits)  # uniform start: the identity


def test_pixel_weighting_keeps_confident_pixels_and_margins() -> None:
    confident = torch.zeros(1, 8, 4, dtype=torch.bool)
    confident[0, :, :2] = True
    w = pseudo_label.pixel_weights(confident.float(), 8, 4, top=1, bottom=1, reference_height=8)
    assert w[0, 1:7, :2].eq(1).all() and w[0, :, 2:].eq(0).all()
    assert w[0, 0].eq(0).all() and w[0, 7].eq(0).all()
    with pytest.raises(ValueError, match="do not match"):
        pseudo_label.pixel_weights(confident.float(), 4, 4)


# --- ClassMix -------------------------------------------------------------------------------------

def test_classmix_chooses_from_the_whole_source_batch_255_included() -> None:
    """DAFormer's get_class_masks: ceil(n/2) of the n labels of the *batch* (torch.unique, 255 included),
    drawn independently for each image; a class the image does not hold pastes nothing there."""
    a = torch.tensor([[0, 0, 1, 1]])
    b = torch.tensor([[2, 3, 4, IGNORE_INDEX]])
    labels = torch.stack([a, b])  # batch classes: 0, 1, 2, 3, 4, 255 -> 3 chosen per image
    g = torch.Generator().manual_seed(0)
    chosen_of_a, pasted_255 = [], 0
    for _ in range(400):
        m = classmix.class_masks(labels, generator=g)  # (2, 1, 1, 4)
        for img, mask in zip(labels, m[:, 0], strict=True):
            for c in img.unique().tolist():  # whole classes only
                assert mask[img == c].unique().numel() == 1
        pasted_a = set(a[m[0, 0].bool()].tolist())
        chosen_of_a.append(len(pasted_a))
        pasted_255 += int(m[1, 0, 0, 3])
    # image a holds 2 of the 6 batch classes: k of them among the 3 chosen with the hypergeometric law
    counts = [chosen_of_a.count(k) / 400 for k in (0, 1, 2)]
    assert counts == pytest.approx([0.2, 0.6, 0.2], abs=0.07)  # C(4,3)/C(6,3), 2*C(4,2)/20, C(4,1)/20
    assert pasted_255 / 400 == pytest.approx(0.5, abs=0.08)  # 255 is a candidate like any class
    # exact on a fixed draw: the permutation decides, the batch's classes are the candidates
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    m = classmix.class_masks(labels, generator=g1)
    classes = torch.tensor([0, 1, 2, 3, 4, IGNORE_INDEX])
    for i in range(2):
        chosen = classes[torch.randperm(6, generator=g2)[:3]]
        assert torch.equal(m[i, 0].bool(), torch.isin(labels[i], chosen))


def test_classmix_per_image_variant_pastes_half_of_present_classes() -> None:
    lab = torch.tensor([0, 1, 2, 4, IGNORE_INDEX]).repeat(6, 1).unsqueeze(0)  # 4 classes + ignore
    g = torch.Generator().manual_seed(1)
    for _ in range(10):
        m = classmix.class_masks(lab, generator=g, scope="image")[0, 0]
        pasted = set(lab[0][m.bool()].tolist())
        assert len(pasted) == 2 and IGNORE_INDEX not in pasted
        # a class is pasted entirely or not at all
        for c in (0, 1, 2, 4):
            assert m[lab[0] == c].unique().numel() == 1
    odd = torch.tensor([[[0, 1, 3]]])
    assert int(classmix.class_masks(odd, generator=g, scope="image").sum()) == 2  # ceil(3 / 2)
    with pytest.raises(ValueError, match="scope"):
        classmix.class_masks(odd, scope="pixel")


def test_classmix_mix_images_and_labels() -> None:
    mask = torch.tensor([[[[1.0, 0.0]]]])
    src_img, tgt_img = torch.ones(1, 3, 1, 2), torch.zeros(1, 3, 1, 2)
    assert classmix.mix(mask, src_img, tgt_img)[0, :, 0].tolist() == [[1.0, 0.0]] * 3
    src_lab, tgt_lab = torch.tensor([[[3, 3]]]), torch.tensor([[[1, 1]]])
    assert classmix.mix(mask, src_lab, tgt_lab).tolist() == [[[3, 1]]]


MEAN, STD = torch.tensor([123.675, 116.28, 103.53]), torch.tensor([58.395, 57.12, 57.375])


def _normalised(rgb01: torch.Tensor) -> torch.Tensor:
    return (rgb01 * 255 - MEAN.view(1, 3, 1, 1)) / STD.view(1, 3, 1, 1)


def _rgb01(x: torch.Tensor) -> torch.Tensor:
    return (x * STD.view(1, 3, 1, 1) + MEAN.view(1, 3, 1, 1)) / 255


def test_strong_augment_plan_is_drawn_once_per_batch() -> None:
    """Jitter when U > 0.2 (80 % of iterations), blur when U > 0.5, both decided for the whole batch;
    sigma ~ U(0.15, 1.15), one per image."""
    g = torch.Generator().manual_seed(0)
    plans = [classmix.draw_plan(4, g) for _ in range(4000)]
    assert np.mean([p.jitter for p in plans]) == pytest.approx(0.8, abs=0.025)
    assert np.mean([p.blur for p in plans]) == pytest.approx(0.5, abs=0.03)
    assert np.mean([p.jitter and p.blur for p in plans]) == pytest.approx(0.4, abs=0.03)  # independent
    sigmas = np.array([s for p in plans for s in p.sigmas])
    assert all(len(p.sigmas) == (4 if p.blur else 0) for p in plans)
    assert sigmas.min() >= 0.15 and sigmas.max() <= 1.15
    assert sigmas.min() < 0.16 and sigmas.max() > 1.14 and np.mean(sigmas) == pytest.approx(0.65, abs=0.01)
    # exact: the two uniforms of a fixed generator decide
    u = torch.rand(2, generator=torch.Generator().manual_seed(7)).tolist()
    plan = classmix.draw_plan(2, torch.Generator().manual_seed(7))
    assert (plan.jitter, plan.blur) == (u[0] > 0.2, u[1] > 0.5)
    off = classmix.draw_plan(3, g, jitter_p=0.0, blur_p=0.0)
    assert (off.jitter, off.blur, off.sigmas) == (False, False, ())
    with pytest.raises(ValueError, match="jitter_p"):
        classmix.draw_plan(1, jitter_p=1.5)


def test_blur_kernel_per_axis_follows_daformer() -> None:
    """Odd size at or just below ceil(0.1 * side), for each axis separately (non-square crops)."""
    assert [classmix.blur_kernel_size(s) for s in (512, 1024, 720, 1280, 64, 90, 160, 20, 5)] == \
        [51, 103, 71, 127, 7, 9, 15, 1, 1]
    x = torch.rand(1, 3, 64, 160, generator=torch.Generator().manual_seed(0))
    plan = classmix.StrongPlan(jitter=False, blur=True, sigmas=(4.0,))  # wide, so the kernel's extent shows
    out = _rgb01(classmix.strong_augment(_normalised(x), MEAN, STD, plan))
    expected = kornia.filters.gaussian_blur2d(x, (7, 15), (4.0, 4.0))
    assert torch.allclose(out, expected, atol=1e-5)
    assert not torch.allclose(out, kornia.filters.gaussian_blur2d(x, (7, 7), (4.0, 4.0)), atol=1e-3)  # short side


def test_colour_jitter_is_korniás_colorjiggle_at_strength_02() -> None:
    """Exactly kornia's ColorJiggle(0.2, 0.2, 0.2, 0.2) on each image (own factors and order), in 0..1."""
    x = torch.rand(2, 3, 16, 24, generator=torch.Generator().manual_seed(1))
    plan = classmix.StrongPlan(jitter=True, blur=False)
    torch.manual_seed(3)
    out = _rgb01(classmix.strong_augment(_normalised(x), MEAN, STD, plan))
    torch.manual_seed(3)
    jiggle = kornia.augmentation.ColorJiggle(0.2, 0.2, 0.2, 0.2, p=1.0)
    expected = torch.cat([jiggle(x[0:1]), jiggle(x[1:2])])
    assert torch.allclose(out, expected, atol=1e-5)
    untouched = classmix.strong_augment(_normalised(x), MEAN, STD, classmix.StrongPlan(jitter=False, blur=False))
    assert torch.equal(untouched, _normalised(x))


def test_colour_jitter_strength_and_hue_range() -> None:
    """Hue moves up to +-0.2 of a turn (the old ColorJitter semantics), and the images change on average by
    much more than the kit's former hand-made jitter (mean |delta| 0.062)."""
    torch.manual_seed(0)
    red = torch.zeros(1, 3, 4, 4)
    red[:, 0] = 0.8
    red[:, 1:] = 0.2
    plan = classmix.StrongPlan(jitter=True, blur=False)
    shifts = []
    for _ in range(300):
        out = _rgb01(classmix.strong_augment(_normalised(red), MEAN, STD, plan)).clamp(0, 1)
        h = kornia.color.rgb_to_hsv(out)[0, 0, 0, 0].item() / (2 * math.pi)
        shifts.append((h + 0.5) % 1.0 - 0.5)  # signed hue shift in turns (red is at 0)
    shifts = np.abs(shifts)
    assert shifts.max() <= 0.2 + 1e-3 and shifts.max() > 0.17 and np.mean(shifts) > 0.07
    images = torch.rand(8, 3, 32, 32, generator=torch.Generator().manual_seed(2))
    deltas = [(_rgb01(classmix.strong_augment(_normalised(images), MEAN, STD, plan)) - images).abs().mean().item()
              for _ in range(20)]
    assert np.mean(deltas) > 0.1


# --- ImageNet feature distance --------------------------------------------------------------------

def test_fdist_masks_to_thing_classes_with_min_ratio() -> None:
    lab = torch.zeros(1, 4, 4, dtype=torch.long)
    lab[0, :2, :2] = 3  # cell (0,0): all metal
    lab[0, :2, 2:] = torch.tensor([[1, 1], [1, 0]])  # cell (0,1): 75 % rigid -> kept
    lab[0, 2:, :2] = torch.tensor([[1, 1], [0, 0]])  # cell (1,0): 50 % -> ignored
    small = fdist.downscale_label_ratio(lab, (2, 2), 0.75, 5)
    assert small.tolist() == [[[3, 1], [IGNORE_INDEX, 0]]]
    # 3 rows do not divide into 2 cells: padded with ignore, so the bottom cells are only 50 % labeled
    assert fdist.downscale_label_ratio(lab[:, :3], (2, 2), 0.75, 5).tolist() == [[[3, 1], [IGNORE_INDEX] * 2]]
    feat = torch.zeros(1, 2, 2, 2, requires_grad=True)
    imnet = torch.zeros(1, 2, 2, 2)
    imnet[0, :, 0, 0] = torch.tensor([3.0, 4.0])  # distance 5 on a thing cell
    imnet[0, :, 1, 0] = 100.0  # ignored cell
    imnet[0, :, 1, 1] = 100.0  # background cell
    loss = fdist.feature_distance_loss(feat, imnet, lab, lam=0.5)
    assert loss.item() == pytest.approx(0.5 * (5.0 + 0.0) / 2)
    loss.backward()
    assert feat.grad[0, :, 1].abs().sum() == 0  # no gradient from masked cells
    none = fdist.feature_distance_loss(feat, imnet, torch.zeros_like(lab), lam=0.5)
    assert none.item() == 0.0


def test_fdist_refuses_backbone_without_pretrained_weights(tmp_path) -> None:
    with pytest.raises(fdist.PretrainedRequiredError, match="starts from scratch"):
        fdist.require_pretrained({"type": "MixVisionTransformer", "init_cfg": None})
    with pytest.raises(fdist.PretrainedRequiredError, match="does not exist"):
        fdist.require_pretrained({"type": "X", "init_cfg": {"type": "Pretrained", "checkpoint": str(tmp_path / "no.pth")}})
    ck = tmp_path / "mit_b0.pth"
    ck.write_bytes(b"x")
    assert fdist.require_pretrained({"init_cfg": {"type": "Pretrained", "checkpoint": str(ck)}}) == ck


# --- MIC ------------------------------------------------------------------------------------------

def test_mic_block_mask_hides_whole_blocks_at_the_ratio() -> None:
    g = torch.Generator().manual_seed(0)
    m = mic.block_mask(8, 256, 320, ratio=0.7, block=32, generator=g)
    assert m.shape == (8, 1, 256, 320)
    blocks = m.unfold(2, 32, 32).unfold(3, 32, 32)  # (8, 1, 8, 10, 32, 32)
    assert (blocks.amax((-1, -2)) == blocks.amin((-1, -2))).all()  # constant per block
    hidden = 1 - m.mean().item()
    assert 0.6 < hidden < 0.8
    assert mic.block_mask(1, 70, 70, ratio=1.0, block=64).sum() == 0  # partial edge blocks handled
    img = torch.ones(1, 3, 4, 4)
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., :2] = 1
    assert mic.mask_images(img, mask).sum() == 3 * 8


# --- SND ------------------------------------------------------------------------------------------

def _snd_reference(p: torch.Tensor, tau: float) -> float:
    x = torch.nn.functional.normalize(p.double(), dim=1)
    n = len(x)
    ent = 0.0
    for i in range(n):
        s = [float(x[i] @ x[j]) / tau for j in range(n) if j != i]
        z = sum(math.exp(v) for v in s)
        ent += -sum(math.exp(v) / z * (v - math.log(z)) for v in s)
    return ent / n


def test_snd_matches_the_definition_and_chunking() -> None:
    p = torch.softmax(torch.randn(12, 5, generator=torch.Generator().manual_seed(3)), 1)
    assert snd.snd(p) == pytest.approx(_snd_reference(p, 0.05), rel=1e-9)
    assert snd.snd(p, chunk=5) == pytest.approx(snd.snd(p), rel=1e-12)
    same = torch.full((10, 5), 0.2)
    assert snd.snd(same) == pytest.approx(math.log(9))  # collapse: every neighbour equally near


def test_snd_ranks_clustered_predictions_above_scattered_ones() -> None:
    g = torch.Generator().manual_seed(0)
    centers = torch.eye(5).repeat_interleave(40, dim=0)
    confident = torch.softmax(centers * 8 + 0.1 * torch.randn(200, 5, generator=g), 1)
    noisy = torch.softmax(centers * 2 + 1.5 * torch.randn(200, 5, generator=g), 1)
    random = torch.softmax(3 * torch.randn(200, 5, generator=g), 1)
    s = [snd.snd(x) for x in (confident, noisy, random)]
    assert s[0] > s[1] > s[2]


def _eval_siment_reference(pixels: torch.Tensor) -> float:
    """The SND authors' per-image score, written out: entropy of row-softmax(20 * P P^T), diagonal kept."""
    x = torch.nn.functional.normalize(pixels.double(), dim=1)
    n = len(x)
    ent = 0.0
    for i in range(n):
        s = [20.0 * float(x[i] @ x[j]) for j in range(n)]
        z = sum(math.exp(v) for v in s)
        ent += -sum(math.exp(v) / z * (v - math.log(z)) for v in s)
    return ent / n


def test_snd_scores_each_image_on_its_own_and_averages() -> None:
    g = torch.Generator().manual_seed(4)
    images = [torch.softmax(torch.randn(15, 5, generator=g) * k, 1) for k in (1.0, 4.0, 9.0)]
    expected = sum(_eval_siment_reference(p) for p in images) / 3
    assert snd.snd_score(images) == pytest.approx(expected, rel=1e-9)
    assert snd.snd_score(images, pooling="pooled") == pytest.approx(snd.snd(torch.cat(images)), rel=1e-12)
    # the two rank differently: model A predicts one class per image (class 0 on image 1, class 1 on
    # image 2); model B predicts 3 pixels of class 0 and 2 of class 1 on each image
    c0, c1 = torch.tensor([[1.0, 0.0]]), torch.tensor([[0.0, 1.0]])
    a = [c0.repeat(5, 1), c1.repeat(5, 1)]
    b = [torch.cat([c0.repeat(3, 1), c1.repeat(2, 1)])] * 2
    log = math.log
    assert snd.snd_score(a) == pytest.approx(log(5), rel=1e-6)  # each image collapsed: 5 equal neighbours
    assert snd.snd_score(b) == pytest.approx((3 * log(3) + 2 * log(2)) / 5, rel=1e-6)
    assert snd.snd_score(a, pooling="pooled") == pytest.approx(log(4), rel=1e-6)  # two clusters of 5
    assert snd.snd_score(b, pooling="pooled") == pytest.approx((6 * log(5) + 4 * log(3)) / 10, rel=1e-6)
    assert snd.snd_score(a) > snd.snd_score(b) and snd.snd_score(a, pooling="pooled") < snd.snd_score(b, pooling="pooled")
    with pytest.raises(ValueError, match="pooling"):
        snd.snd_score(images, pooling="max")


def test_snd_of_model_is_deterministic_for_a_seed() -> None:
    """The pixels are drawn from a seeded generator: same seed, same pixels, same score."""
    probs = [torch.softmax(torch.randn(5, 20, 30, generator=torch.Generator().manual_seed(i)), 0) for i in range(3)]

    def score(seed: int) -> float:
        g = torch.Generator().manual_seed(seed)
        return snd.snd_score([snd.sample_pixels(p, 50, g) for p in probs])

    assert score(0) == score(0) and score(0) != score(1)


def test_snd_sample_pixels() -> None:
    probs = torch.softmax(torch.randn(5, 20, 30), 0)
    pix = snd.sample_pixels(probs, 100, torch.Generator().manual_seed(0))
    assert pix.shape == (100, 5)
    assert torch.allclose(pix.sum(1), torch.ones(100))
    assert snd.sample_pixels(probs[:, :5, :5], 100).shape == (25, 5)
    with pytest.raises(ValueError, match="N>=3"):
        snd.snd(torch.ones(2, 5))


def test_ema_update_through_real_ddp(tmp_path) -> None:
    """A real DistributedDataParallel student (gloo, world size 1): the teacher sees unprefixed names."""
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP

    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'rdzv'}", rank=0, world_size=1)
    try:
        student = _Net()
        teacher = make_teacher(DDP(student))
        with torch.no_grad():
            student.conv.bias.add_(2.0)
        before = teacher.conv.bias.clone()
        ema_update(teacher, DDP(student), alpha=0.5, iteration=10)
        assert torch.allclose(teacher.conv.bias, 0.5 * before + 0.5 * student.conv.bias)
        assert not any(k.startswith("module.") for k in teacher.state_dict())
    finally:
        dist.destroy_process_group()
