"""Backbone weights from the files people download: read, recognise, convert, load, and check.

``zerowaste train --pretrained PATH`` sets ``model.backbone.init_cfg = dict(type="Pretrained",
checkpoint=PATH)``. In mmseg's scope ``Pretrained`` is :class:`KitPretrainedInit` (registered by
:mod:`zerowaste.baselines.registry`), which calls :func:`load_backbone_weights`:

1. **Read** ``.safetensors`` with safetensors, anything else with ``torch.load(weights_only=True)``;
   containers are unwrapped (``state_dict``: mmengine/mmpretrain; ``model``: official ConvNeXt;
   ``teacher``: DINOv2 training checkpoints), a leading ``module.`` (DDP) and the prefix of the
   backbone inside a whole model (``backbone.``, ``model.backbone.`` of a DACS checkpoint,
   ``dinov2.``/``convnext.`` of Hugging Face classifiers) are dropped. An unreadable or corrupt file
   is one :class:`WeightsError` line.
2. **Recognise** the format from the key names (:func:`detect_format`) and **convert** to the
   backbone's names (the file is never modified):

   ==================  ==========================================  =====================================
   format              recognised by (after the prefixes)          converted by
   ==================  ==========================================  =====================================
   ``native``          the backbone's own names: mmseg's for mmseg as is (timm: + timm's own
                       backbones (a kit checkpoint, a converted    ``checkpoint_filter_fn``, which
                       file), timm's for ``TimmBackbone`` (timm /  resamples a position embedding
                       Hugging Face ``model.safetensors`` of a     of another size)
                       ``timm/...`` repository)
   ``nvlabs-mit``      ``block1.*``, ``patch_embed1.*``            :func:`convert_mit` (q+kv fused
                       (``mit_b5.pth``, NVlabs/SegFormer)          into ``in_proj``, MLP as 1x1 convs)
   ``convnext-fb``     ``downsample_layers.0.0.weight``            timm's ``checkpoint_filter_fn``
                       (``convnext_large_22k_224.pth``)
   ``dinov2-fb``       ``mask_token`` + ``blocks.0.attn.qkv``      timm's ``checkpoint_filter_fn``
                       (``dinov2_vitb14_pretrain.pth``)            (drops ``mask_token``)
   ``mmpretrain``      mmpretrain's names (``layers.0.ln1``,       :data:`MMPRETRAIN_VIT` /
                       ``stages.0.0.depthwise_conv``)              :data:`MMPRETRAIN_CONVNEXT`, then
                                                                   as the official files
   ``hf-dinov2``       ``embeddings.patch_embeddings.projection``  :func:`hf_dinov2_to_timm`
                       (``facebook/dinov2-*``, transformers)       (q, k, v concatenated)
   ``hf-convnext``     ``embeddings.patch_embeddings.weight``      :data:`HF_CONVNEXT`
                       (``facebook/convnext-*``, transformers)
   ==================  ==========================================  =====================================

3. **Load and check**: a backbone parameter counts as loaded when the converted file holds a tensor
   of its name and shape. Below :data:`MIN_COVERAGE` of the backbone's parameter elements, loading
   fails: a file whose keys match nothing never trains from scratch under the name of "pretrained".
   The report (:class:`LoadReport`) stays on the backbone as ``pretrained_report``, which the ImageNet
   feature distance checks (:func:`zerowaste.baselines.uda.fdist.require_loaded`).

``python -m zerowaste.baselines.weights inspect FILE`` prints the format found, and
``zerowaste check-model CONFIG --pretrained FILE`` how much of the config's backbone the file covers.

Example:
    >>> import torch
    >>> from zerowaste.baselines.models.timm_backbone import TimmBackbone
    >>> net = TimmBackbone("convnext_atto")
    >>> state = {k.removeprefix("model."): v for k, v in net.state_dict().items()}  # a timm file
    >>> converted, fmt = convert_state(state, net)
    >>> fmt, coverage(net, converted) == 1.0
    ('native', True)
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import torch

import zerowaste.compat.mmseg  # noqa: F401  (allow-lists mmengine's checkpoint contents for weights_only)
from zerowaste.errors import ZeroWasteError

#: Share of the backbone's parameter elements that must come from the file.
MIN_COVERAGE = 0.99

#: Containers around the state dict, unwrapped in this order.
CONTAINERS = ("state_dict", "model", "teacher", "module")
#: Prefixes of a backbone inside a whole model, dropped (the longest matching one).
PREFIXES = ("model.backbone.", "backbone.", "dinov2.", "convnext.")


class WeightsError(ZeroWasteError, ValueError):
    """A weights file that cannot be read, recognised or loaded into the backbone."""


Tensors = dict[str, torch.Tensor]


# --- reading --------------------------------------------------------------------------------------


def read_state_dict(path: str | Path, strip: bool = True) -> Tensors:
    """The tensors of a checkpoint file, containers (and with ``strip``, whole-model prefixes) removed."""
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file {path} not found (weights cannot be downloaded here)")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path), device="cpu")
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001  (any unreadable file is the same user error)
        message = " ".join(str(exc).split())
        reason = f"{type(exc).__name__}: {message}" if 0 < len(message) <= 100 else type(exc).__name__
        raise WeightsError(f"cannot read weights file {path} (corrupt, truncated or not a checkpoint; {reason})") from None
    tensors = unwrap(state, path)
    return strip_prefixes(tensors) if strip else tensors


def unwrap(state: object, path: str | Path = "<state>") -> Tensors:
    """The innermost ``{name: tensor}`` dict of a checkpoint (see :data:`CONTAINERS`)."""
    while isinstance(state, Mapping):
        inner = next((state[k] for k in CONTAINERS if isinstance(state.get(k), Mapping)), None)
        if inner is None:
            break
        state = inner
    if not isinstance(state, Mapping):
        raise WeightsError(f"weights file {path} holds a {type(state).__name__}, not a state dict")
    tensors = {str(k): v for k, v in state.items() if isinstance(v, torch.Tensor)}
    if not tensors:
        raise WeightsError(f"weights file {path} holds no tensors")
    return tensors


def strip_prefixes(state: Tensors) -> Tensors:
    """Drop DDP's ``module.`` and the longest whole-model prefix that names a backbone.

    >>> sorted(strip_prefixes({"module.backbone.a": torch.zeros(1), "module.decode_head.b": torch.zeros(1)}))
    ['a']
    """
    if all(k.startswith("module.") for k in state):
        state = {k.removeprefix("module."): v for k, v in state.items()}
    for prefix in PREFIXES:
        if any(k.startswith(prefix) for k in state):
            return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    return state


# --- recognising ----------------------------------------------------------------------------------

#: format -> (test on the key set, what it is, for messages)
FORMATS: dict[str, tuple[Callable[[set[str]], bool], str]] = {
    "nvlabs-mit": (lambda k: "patch_embed1.proj.weight" in k and any(x.startswith("block1.") for x in k),
                   "an original SegFormer MiT checkpoint (NVlabs key names)"),
    "convnext-fb": (lambda k: "downsample_layers.0.0.weight" in k and any(".dwconv." in x for x in k),
                    "an official ConvNeXt checkpoint (facebookresearch key names)"),
    "dinov2-fb": (lambda k: "mask_token" in k and "blocks.0.attn.qkv.weight" in k,
                  "an official DINOv2 checkpoint (facebookresearch key names)"),
    "mmpretrain": (lambda k: "layers.0.ln1.weight" in k or any(".depthwise_conv." in x for x in k),
                   "an mmpretrain checkpoint"),
    "hf-dinov2": (lambda k: "embeddings.patch_embeddings.projection.weight" in k
                  and any(x.startswith("encoder.layer.") for x in k),
                  "a Hugging Face transformers DINOv2 checkpoint"),
    "hf-convnext": (lambda k: "embeddings.patch_embeddings.weight" in k
                    and any(x.startswith("encoder.stages.") for x in k),
                    "a Hugging Face transformers ConvNeXt checkpoint"),
}


def detect_format(state: Mapping[str, torch.Tensor]) -> str:
    """The first format of :data:`FORMATS` whose test the keys pass, else ``native``.

    >>> detect_format({"patch_embed1.proj.weight": torch.zeros(1), "block1.0.norm1.weight": torch.zeros(1)})
    'nvlabs-mit'
    """
    keys = set(state)
    return next((name for name, (test, _) in FORMATS.items() if test(keys)), "native")


def describe(fmt: str) -> str:
    return FORMATS[fmt][1] if fmt in FORMATS else "a checkpoint with this backbone's own key names"


# --- converting -----------------------------------------------------------------------------------

#: mmpretrain ViT (DINOv2 ``vit-*-p14_dinov2-pre``) -> timm ``VisionTransformer`` (regex, replacement).
MMPRETRAIN_VIT: tuple[tuple[str, str], ...] = (
    (r"^patch_embed\.projection\.", "patch_embed.proj."),
    (r"^layers\.(\d+)\.ln1\.", r"blocks.\1.norm1."),
    (r"^layers\.(\d+)\.ln2\.", r"blocks.\1.norm2."),
    (r"^layers\.(\d+)\.attn\.gamma1\.weight$", r"blocks.\1.ls1.gamma"),
    (r"^layers\.(\d+)\.attn\.", r"blocks.\1.attn."),
    (r"^layers\.(\d+)\.ffn\.layers\.0\.0\.", r"blocks.\1.mlp.fc1."),
    (r"^layers\.(\d+)\.ffn\.layers\.1\.", r"blocks.\1.mlp.fc2."),
    (r"^layers\.(\d+)\.ffn\.gamma2\.weight$", r"blocks.\1.ls2.gamma"),
    (r"^ln1\.", "norm."),
)
#: mmpretrain ConvNeXt -> the official (facebookresearch) names, which timm's filter then converts.
MMPRETRAIN_CONVNEXT: tuple[tuple[str, str], ...] = (
    (r"\.depthwise_conv\.", ".dwconv."),
    (r"\.pointwise_conv(\d)\.", r".pwconv\1."),
    (r"^norm3\.", "norm."),
)
#: transformers ``ConvNextModel`` -> timm ``ConvNeXt``.
HF_CONVNEXT: tuple[tuple[str, str], ...] = (
    (r"^embeddings\.patch_embeddings\.", "stem.0."),
    (r"^embeddings\.layernorm\.", "stem.1."),
    (r"^encoder\.stages\.(\d+)\.downsampling_layer\.", r"stages.\1.downsample."),
    (r"^encoder\.stages\.(\d+)\.layers\.(\d+)\.dwconv\.", r"stages.\1.blocks.\2.conv_dw."),
    (r"^encoder\.stages\.(\d+)\.layers\.(\d+)\.layernorm\.", r"stages.\1.blocks.\2.norm."),
    (r"^encoder\.stages\.(\d+)\.layers\.(\d+)\.pwconv(\d)\.", r"stages.\1.blocks.\2.mlp.fc\3."),
    (r"^encoder\.stages\.(\d+)\.layers\.(\d+)\.layer_scale_parameter$", r"stages.\1.blocks.\2.gamma"),
    (r"^layernorm\.", "head.norm."),
)
#: transformers ``Dinov2Model`` -> timm ``VisionTransformer`` (q, k, v are concatenated separately).
HF_DINOV2: tuple[tuple[str, str], ...] = (
    (r"^embeddings\.cls_token$", "cls_token"),
    (r"^embeddings\.position_embeddings$", "pos_embed"),
    (r"^embeddings\.patch_embeddings\.projection\.", "patch_embed.proj."),
    (r"^encoder\.layer\.(\d+)\.norm(\d)\.", r"blocks.\1.norm\2."),
    (r"^encoder\.layer\.(\d+)\.attention\.output\.dense\.", r"blocks.\1.attn.proj."),
    (r"^encoder\.layer\.(\d+)\.layer_scale(\d)\.lambda1$", r"blocks.\1.ls\2.gamma"),
    (r"^encoder\.layer\.(\d+)\.mlp\.", r"blocks.\1.mlp."),
    (r"^layernorm\.", "norm."),
)
_HF_QKV = re.compile(r"^encoder\.layer\.(\d+)\.attention\.attention\.(query|key|value)\.(weight|bias)$")


def rename(state: Mapping[str, torch.Tensor], rules: tuple[tuple[str, str], ...]) -> Tensors:
    """Apply the first matching ``(regex, replacement)`` rule to each key; other keys stay.

    >>> list(rename({"layers.3.ln1.weight": torch.zeros(1)}, MMPRETRAIN_VIT))
    ['blocks.3.norm1.weight']
    """
    out = {}
    for key, value in state.items():
        for pattern, replacement in rules:
            new, n = re.subn(pattern, replacement, key)
            if n:
                key = new
                break
        out[key] = value
    return out


def hf_dinov2_to_timm(state: Mapping[str, torch.Tensor]) -> Tensors:
    """transformers ``Dinov2Model`` names -> timm's (query/key/value concatenated into ``qkv``)."""
    qkv: dict[tuple[str, str], dict[str, torch.Tensor]] = {}
    rest = {}
    for key, value in state.items():
        match = _HF_QKV.match(key)
        if match:
            qkv.setdefault((match.group(1), match.group(3)), {})[match.group(2)] = value
        elif key != "embeddings.mask_token":
            rest[key] = value
    out = rename(rest, HF_DINOV2)
    for (block, kind), parts in qkv.items():
        if set(parts) != {"query", "key", "value"}:
            raise WeightsError(f"Hugging Face DINOv2 block {block}: {kind} of query, key and value incomplete")
        out[f"blocks.{block}.attn.qkv.{kind}"] = torch.cat([parts["query"], parts["key"], parts["value"]])
    return out


def _is_timm(module: torch.nn.Module) -> bool:
    from zerowaste.baselines.models.timm_backbone import TimmBackbone

    return isinstance(module, TimmBackbone)


def _timm_filter(state: Tensors, net: torch.nn.Module) -> Tensors:
    """timm's own ``checkpoint_filter_fn`` of ``net``'s family (official names, position-embedding size)."""
    filter_fn = getattr(sys.modules[type(net).__module__], "checkpoint_filter_fn", None)
    if filter_fn is None:
        return state
    try:
        return filter_fn(dict(state), net)
    except (KeyError, RuntimeError, ValueError, AttributeError):
        return state  # not a file this filter knows: keep the names, the coverage check decides


# ------------------------------------------------------------------ NVlabs MiT (mit_b0.pth ... mit_b5.pth)
# The mapping to mmseg's MixVisionTransformer is drawn in zerowaste.baselines.convert_mit's docstring.

_STAGE = re.compile(r"^(patch_embed|block|norm)(\d+)\.(.*)$")


class ConvertError(WeightsError):
    """Not an original MiT checkpoint."""


def _block_key(stage: int, rest: str, state: dict, key: str) -> tuple[str, torch.Tensor] | None:
    """mmseg name and value of ``block{stage}.{rest}`` (None for the ``kv`` half merged into ``q``)."""
    j, sub = rest.split(".", 1)
    prefix = f"layers.{stage - 1}.1.{j}."
    value = state[key]
    if sub.startswith("attn.q."):
        kv_key = key.replace("attn.q.", "attn.kv.")
        if kv_key not in state:
            raise ConvertError(f"{key} has no matching {kv_key}")
        return prefix + "attn.attn.in_proj_" + sub.split(".")[-1], torch.cat([value, state[kv_key]], dim=0)
    if sub.startswith("attn.kv."):
        return None
    if sub.startswith("attn.proj."):
        return prefix + "attn.attn.out_proj." + sub.split(".")[-1], value
    if sub.startswith("mlp."):
        layer = {"fc1": "0", "dwconv": "1", "fc2": "4"}[sub.split(".")[1]]
        if layer in ("0", "4") and sub.endswith("weight"):
            value = value[..., None, None]
        return prefix + f"ffn.layers.{layer}." + sub.split(".")[-1], value
    return prefix + sub, value  # norm1, norm2, attn.sr, attn.norm


def convert_mit(state: dict) -> OrderedDict:
    """The mmseg ``MixVisionTransformer`` state dict of an original MiT state dict."""
    state = state.get("state_dict", state)
    if not any(k.startswith("block1.") for k in state):
        raise ConvertError("not an original MiT checkpoint (no `block1.*` keys)")
    out = OrderedDict()
    for key in state:
        if key.startswith("head."):
            continue
        match = _STAGE.match(key)
        if match is None:
            raise ConvertError(f"unexpected key {key!r} in an original MiT checkpoint")
        part, stage, rest = match.group(1), int(match.group(2)), match.group(3)
        if part == "patch_embed":
            out[f"layers.{stage - 1}.0." + rest.replace("proj.", "projection.")] = state[key]
        elif part == "norm":
            out[f"layers.{stage - 1}.2.{rest}"] = state[key]
        else:
            converted = _block_key(stage, rest, state, key)
            if converted is not None:
                out[converted[0]] = converted[1]
    return out



def convert_state(state: Mapping[str, torch.Tensor], backbone: torch.nn.Module) -> tuple[Tensors, str]:
    """``state`` (prefixes already stripped) in ``backbone``'s parameter names, and the format found."""
    state = dict(state)
    fmt = detect_format(state)
    if fmt == "nvlabs-mit":
        return dict(convert_mit(state)), fmt
    if not _is_timm(backbone):
        return state, fmt
    net = backbone.model
    if all(k.startswith("model.") for k in state):  # a kit checkpoint of this TimmBackbone
        state = {k.removeprefix("model."): v for k, v in state.items()}
    if fmt == "mmpretrain":
        state = rename(state, MMPRETRAIN_VIT if "layers.0.ln1.weight" in state else MMPRETRAIN_CONVNEXT)
    elif fmt == "hf-dinov2":
        state = hf_dinov2_to_timm(state)
    elif fmt == "hf-convnext":
        state = rename(state, HF_CONVNEXT)
    return {f"model.{k}": v for k, v in _fit_shapes(_timm_filter(state, net), net).items()}, fmt


def _fit_shapes(state: Tensors, net: torch.nn.Module) -> Tensors:
    """Reshape a tensor that differs from the model's only by singleton dimensions (a linear layer's
    ``(out, in)`` weight for a 1x1 convolution's ``(out, in, 1, 1)``, and back)."""
    own = net.state_dict()
    out = {}
    for k, v in state.items():
        if k in own and v.shape != own[k].shape and v.squeeze().shape == own[k].squeeze().shape:
            v = v.reshape(own[k].shape)
        out[k] = v
    return out


# --- loading --------------------------------------------------------------------------------------


@dataclass
class LoadReport:
    """What :func:`load_backbone_weights` loaded."""

    path: str
    format: str
    loaded: int  #: parameter elements taken from the file
    total: int  #: parameter elements of the backbone
    missing: list[str] = field(default_factory=list)  #: backbone parameters the file did not provide
    unused: list[str] = field(default_factory=list)  #: converted keys the backbone has no use for

    @property
    def coverage(self) -> float:
        return self.loaded / self.total if self.total else 1.0


def matching(module: torch.nn.Module, state: Mapping[str, torch.Tensor]) -> Tensors:
    """The entries of ``state`` that ``module`` has, with the same shape (parameters and buffers)."""
    own = module.state_dict()
    return {k: v for k, v in state.items() if k in own and tuple(own[k].shape) == tuple(v.shape)}


def coverage(module: torch.nn.Module, state: Mapping[str, torch.Tensor]) -> float:
    """Share of ``module``'s parameter elements that ``state`` provides (name and shape)."""
    ok = matching(module, state)
    total = sum(p.numel() for p in module.parameters())
    return sum(p.numel() for n, p in module.named_parameters() if n in ok) / total if total else 1.0


def _hint(fmt: str, backbone: torch.nn.Module) -> str:
    target = f"TimmBackbone({backbone.model_name})" if _is_timm(backbone) else type(backbone).__name__
    if fmt == "native":
        return (f"known formats: {', '.join(FORMATS)} or {target}'s own names; pass ImageNet weights of this "
                "config's backbone (docs/baselines.md, Pretrained backbones)")
    return f"this config's backbone is {target}: pass weights of that architecture (docs/baselines.md)"


def load_state(backbone: torch.nn.Module, state: Mapping[str, torch.Tensor], path: str | Path = "<state>",
               min_coverage: float = MIN_COVERAGE) -> LoadReport:
    """Convert ``state`` for ``backbone`` and load it; raise :class:`WeightsError` below ``min_coverage``.

    The report is also kept on the backbone as ``pretrained_report``.
    """
    converted, fmt = convert_state(state, backbone)
    ok = matching(backbone, converted)
    params = dict(backbone.named_parameters())
    report = LoadReport(
        path=str(path), format=fmt,
        loaded=sum(p.numel() for n, p in params.items() if n in ok),
        total=sum(p.numel() for p in params.values()),
        missing=[n for n in params if n not in ok],
        unused=[k for k in converted if k not in ok],
    )
    if report.coverage < min_coverage:
        found = describe(fmt) if fmt != "native" else f"keys of no known format (e.g. {', '.join(list(state)[:2])})"
        raise WeightsError(
            f"{path} holds {found}: only {report.coverage:.1%} of the backbone's {report.total / 1e6:.1f}M "
            f"parameters match it ({len(report.missing)} tensors missing, e.g. {', '.join(report.missing[:2])}); "
            f"{_hint(fmt, backbone)}")
    backbone.load_state_dict(ok, strict=False)
    backbone.pretrained_report = report
    return report


def load_backbone_weights(backbone: torch.nn.Module, path: str | Path, min_coverage: float = MIN_COVERAGE,
                          prefix: str | None = None) -> LoadReport:
    """Read ``path`` (only the keys under ``prefix`` when given) and :func:`load_state` it into ``backbone``."""
    if prefix:
        state = read_state_dict(path, strip=False)
        if not any(k.startswith(prefix) for k in state):
            raise WeightsError(f"{path}: no key starts with the prefix {prefix!r}")
        state = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
    else:
        state = read_state_dict(path)
    return load_state(backbone, state, path, min_coverage)


class KitPretrainedInit:
    """mmengine initializer ``dict(type="Pretrained", checkpoint=PATH[, prefix=P])`` of the kit.

    Replaces mmengine's ``PretrainedInit`` in mmseg's scope (same name, so mmengine still applies it
    after every other initialisation): converts known formats, refuses a file that leaves backbone
    parameters unloaded, and says in the log what it loaded.
    """

    def __init__(self, checkpoint: str, prefix: str | None = None, map_location: str = "cpu",
                 min_coverage: float = MIN_COVERAGE) -> None:
        self.checkpoint, self.prefix, self.min_coverage = str(checkpoint), prefix, float(min_coverage)
        self.wholemodule = False

    def __call__(self, module: torch.nn.Module) -> None:
        from mmengine.logging import print_log
        from mmengine.model.weight_init import update_init_info

        report = load_backbone_weights(module, self.checkpoint, self.min_coverage, self.prefix)
        print_log(f"backbone weights from {self.checkpoint} ({report.format}): {report.coverage:.1%} of "
                  f"{report.total:,} parameters loaded, {len(report.unused)} keys of the file unused",
                  logger="current")
        if hasattr(module, "_params_init_info"):
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f"{type(self).__name__}: load from {self.checkpoint}"


def require_loaded(backbone: torch.nn.Module, needed_by: str = "the ImageNet feature distance") -> LoadReport:
    """The backbone's :class:`LoadReport`, or a :class:`WeightsError` when no pretrained weights were loaded.

    Looks at what initialisation actually loaded (not at the config), so a feature distance never
    anchors the student to a randomly initialised copy.
    """
    report = getattr(backbone, "pretrained_report", None)
    if report is None:
        raise WeightsError(f"{needed_by} needs ImageNet weights in the backbone, but none were loaded: "
                           "pass --pretrained PATH, or switch it off (fdist_lambda=0)")
    return report


def inspect_file(path: str | Path) -> str:
    """One line: the format of the weights file ``path`` (its coverage of a config's backbone:
    ``zerowaste check-model CONFIG --pretrained PATH``)."""
    state = read_state_dict(path)
    return f"{path}: {describe(detect_format(state))} ({len(state)} tensors)"


def coverage_line(path: str | Path, backbone: torch.nn.Module, name: str) -> str:
    """One line: how much of ``backbone`` (a model's, named ``name``) the weights file ``path`` covers."""
    converted, _ = convert_state(read_state_dict(path), backbone)
    return f"{inspect_file(path)}; covers {coverage(backbone, converted):.1%} of {name}'s backbone (needs {MIN_COVERAGE:.0%})"


def main(argv: list[str] | None = None) -> int:
    """``python -m zerowaste.baselines.weights inspect FILE``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m zerowaste.baselines.weights",
                                     description="Recognise a weights file (and check it against a config's backbone).")
    sub = parser.add_subparsers(dest="command", required=True)
    inspect = sub.add_parser("inspect", help="print the format found (its coverage of a config's backbone: "
                                                 "zerowaste check-model CONFIG --pretrained FILE)")
    inspect.add_argument("file")
    args = parser.parse_args(argv)
    try:
        print(inspect_file(args.file))
    except ZeroWasteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
