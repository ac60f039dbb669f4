"""The Blender process: ``python -m zerowaste.synth.render JOB.json`` renders a batch of frames.

The parent (:func:`zerowaste.synth.shards.run_shard`) starts one such process per batch of K frames, so
memory stays bounded over thousands of frames and a crash only loses one batch. A frame that
raises is recorded as failed (seed and error) and skipped; before each frame a ``.started``
marker is written so the parent can also blame a hard crash (segfault) on the right frame.

Job JSON: ``{"out", "split", "preset" (resolved dict), "frames": [[index, seed, stem], ...],
"device", "threads", "paper_to", "assets" ({class: [paths]}), "raw" (optional: also write the
render before post-processing to ``{split}/raw/``)}``.

Example:
    $ python -m zerowaste.synth.render /tmp/job.json
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np

from zerowaste import contract as C
from zerowaste.data.io import write_image
from zerowaste.errors import ZeroWasteError
from zerowaste.synth import presets, writer
from zerowaste.synth.params import sample_scene
from zerowaste.synth.post import postprocess

#: With ``"raw": true`` in the job, the render before post-processing also goes to ``{split}/raw/``.
RAW_DIR = "raw"


class DeviceError(ZeroWasteError, RuntimeError):
    """A GPU device type was asked for and Cycles finds none of that type on this machine."""


def gpu_devices(kind: str) -> list[str]:
    """Names of this machine's Cycles devices of ``kind`` (``cuda``, ``optix``, ``hip``); needs bpy."""
    import bpy

    prefs = bpy.context.preferences.addons["cycles"].preferences
    return [d.name for d in prefs.get_devices_for_type(kind.upper()) if d.type != "CPU"]


def configure_renderer(samples: int, device: str, threads: int, denoise: bool = True) -> str:
    """Cycles settings: samples, Cycles' own denoiser (scene + view layer) or none, light paths, device.

    ``denoise`` (the preset's ``denoise``): OpenImageDenoise over adaptively sampled pixels (noise
    threshold 0.1); without it every pixel takes all ``samples`` and keeps its grain. The denoiser takes
    what its albedo and normal passes cannot explain for noise: at a few samples it smudges clear
    film's small glints and a crumple's fine shading into smooth grey (docs/benchmarks.md, round 31).

    Returns the device really used (``"cpu"`` or ``"cuda: <names>"``); a GPU type without such
    a device is a :class:`DeviceError`, never a silent fall-back to the CPU.
    """
    import bpy

    from zerowaste.compat.blenderproc import import_blenderproc

    bproc = import_blenderproc()
    scene = bpy.context.scene
    bproc.renderer.set_max_amount_of_samples(int(samples))
    bproc.renderer.set_denoiser(None)  # drop the compositor (Intel) denoiser BlenderProc adds
    bproc.renderer.set_noise_threshold(0.1 if denoise else 0)  # 0: no adaptive sampling, an even grain
    scene.cycles.use_denoising = bool(denoise)
    bpy.context.view_layer.cycles.use_denoising = bool(denoise)
    scene.cycles.denoiser = "OPENIMAGEDENOISE"
    scene.cycles.denoising_input_passes = "RGB_ALBEDO_NORMAL"
    scene.cycles.denoising_prefilter = "FAST"
    bproc.renderer.set_light_bounces(diffuse_bounces=1, glossy_bounces=1, transmission_bounces=3,
                                     transparent_max_bounces=4, volume_bounces=0, max_bounces=4)
    scene.cycles.caustics_reflective = False
    scene.cycles.caustics_refractive = False
    # No persistent data: every frame rebuilds the whole scene anyway, and Cycles' kept data let a
    # frame's print textures depend on the frames rendered before it in the same process (so on the
    # shard layout); tests/synth/test_render_checks.py renders a scene after others and alone.
    scene.render.use_persistent_data = False
    scene.view_settings.view_transform = "Standard"  # plain sRGB, like a machine-vision camera
    scene.view_settings.look = "None"
    if threads > 0:
        bproc.renderer.set_cpu_threads(int(threads))
    used = "cpu"
    if device == "cpu":
        bproc.renderer.set_render_devices(use_only_cpu=True)
    else:
        names = gpu_devices(device)
        if not names:
            raise DeviceError(no_device_message(device))
        bproc.renderer.set_render_devices(desired_gpu_device_type=[device.upper()])
        used = f"{device}: {', '.join(names)}"
    bproc.renderer.enable_segmentation_output(map_by=["category_id", "instance", "name"],
                                              default_values={"category_id": 0})
    from blenderproc.python.utility.GlobalStorage import GlobalStorage

    if not GlobalStorage.is_in_storage("depth_output_is_enabled"):  # (BlenderProc refuses a second call)
        bproc.renderer.enable_depth_output(activate_antialiasing=False)  # which pieces lie over a moving one
    return used


def no_device_message(device: str) -> str:
    return (f"--device {device}: Cycles finds no {device.upper()} device on this machine (no GPU, or no "
            "NVIDIA/AMD driver); render with --device cpu")


def probe_device(device: str) -> str:
    """The device a render with ``--device`` would really use, checked in a child process (bpy stays out
    of the caller); raises :class:`DeviceError` when a GPU type has no device here."""
    if device == "cpu":
        return "cpu"
    code = ("import json; from zerowaste.synth.render import gpu_devices; "
            f"print(json.dumps(gpu_devices({device!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise DeviceError(f"--device {device}: could not ask Cycles for devices ({proc.stderr.strip()[-300:]})")
    names = json.loads(lines[-1])
    if not names:
        raise DeviceError(no_device_message(device))
    return f"{device}: {', '.join(names)}"


def existing_conflict(out, split: str, preset: dict, sample: int = 50) -> str | None:
    """Why rendering ``preset`` into ``out/split`` would mix its frames with others', or None.

    Frames already there (their metadata) from another preset name or resolution would make one
    dataset of mixed sizes and looks; a rerun of the same preset only adds the missing frames.
    """
    meta_dir = writer.split_dir(out, split) / writer.META_DIR
    metas = sorted(meta_dir.glob("*.json"))[:sample] if meta_dir.is_dir() else []
    for path in metas:
        try:
            meta = json.loads(path.read_text())
            name, res = meta["preset"], list(meta["scene"]["resolution"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if name != preset["name"] or res != list(preset["resolution"]):
            return (f"{writer.split_dir(out, split)} already holds frames of preset {name!r} at {res[0]}x{res[1]}; "
                    f"this run is preset {preset['name']!r} at {preset['resolution'][0]}x{preset['resolution'][1]} "
                    "and would mix them: render into another --out or --split")
    return None


def render_frame(scene: dict) -> dict:
    """Build the scene in a clean Blender state and render it; returns BlenderProc's output dict."""
    from zerowaste.compat.blenderproc import import_blenderproc
    from zerowaste.synth.scene import build_scene

    bproc = import_blenderproc()
    bproc.clean_up(clean_up_camera=False)
    bproc.utility.reset_keyframes()
    build_scene(scene)
    # BlenderProc numbers objects for the index pass only when segmentation output is enabled
    # (once per process); number this scene's objects the same way.
    from blenderproc.python.utility.BlenderUtility import get_all_blender_mesh_objects

    for index, obj in enumerate(get_all_blender_mesh_objects()):
        obj.pass_index = index + 1
    return bproc.renderer.render(verbose=False)


def run_job(job: dict) -> int:
    """Render every frame of a job that is not done yet; returns the number of failures."""
    from zerowaste.compat.blenderproc import import_blenderproc, init

    import_blenderproc()
    init()
    preset = job["preset"]
    denoise = presets.denoise(preset)
    device = configure_renderer(preset["samples"], job.get("device", "cpu"), int(job.get("threads", 0)), denoise)
    out, split = job["out"], job["split"]
    n_failed = 0
    for index, seed, stem in job["frames"]:
        if writer.is_done(out, split, stem):
            continue
        marker = writer.split_dir(out, split) / writer.META_DIR / f".{stem}.started"
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(seed))
        if os.environ.get("SYNTH_CRASH_AT_SEED") == str(seed):  # fault injection for the crash-handling test
            os.abort()
        t0 = time.perf_counter()
        try:
            scene = sample_scene(preset, seed, job.get("assets"))
            data = render_frame(scene)
            t_render = time.perf_counter() - t0
            raw = data["colors"][0][..., :3]
            maps = (data["category_id_segmaps"][0], data["instance_segmaps"][0], data["instance_attribute_maps"][0])
            sem, inst = writer.masks_from_segmaps(*maps, job.get("paper_to", C.PAPER_ID))
            # the pieces that may move on their own (post.moving), paper among them whatever ``paper_to`` says:
            # the frame's pixels never depend on how paper is labelled
            pieces = inst if job.get("paper_to", C.PAPER_ID) == C.PAPER_ID else writer.masks_from_segmaps(*maps)[1]
            rgb = postprocess(raw, scene["post"], pieces, np.asarray(data["depth"][0], np.float32))
            if job.get("raw"):  # the render before the camera post-processing (synth fit searches that part)
                write_image(writer.split_dir(out, split) / RAW_DIR / f"{stem}.png", raw)
            meta = {"index": index, "seed": seed, "preset": preset["name"], "paper_to": job.get("paper_to", C.PAPER_ID),
                    "render_seconds": round(t_render, 3), "samples": preset["samples"], "denoise": denoise, "device": device,
                    "scene": scene}
            writer.write_frame(out, split, stem, rgb, sem, inst, meta)
            writer.clear_failure(out, split, stem)
            print(f"[synth] {stem} seed={seed} {t_render:.2f}s", flush=True)
        except Exception as exc:  # a broken scene must not stop the run: record it, go on
            n_failed += 1
            writer.record_failure(out, split, stem, {"index": index, "seed": seed, "error": repr(exc),
                                                     "traceback": traceback.format_exc(limit=5)})
            print(f"[synth] {stem} seed={seed} FAILED: {exc!r}", file=sys.stderr, flush=True)
        finally:
            marker.unlink(missing_ok=True)
    return n_failed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m zerowaste.synth.render JOB.json", file=sys.stderr)
        return 2
    job = json.loads(Path(args[0]).read_text())
    try:
        run_job(job)
    finally:
        from zerowaste.compat.blenderproc import remove_temp_dirs

        remove_temp_dirs()  # the os._exit below would skip it
    return 0


if __name__ == "__main__":
    code = main()
    # pip bpy 4.2 often segfaults while the interpreter tears Blender down; every frame is already
    # on disk (atomically), so leave without running that teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
