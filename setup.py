"""Package layout: the four top-level folders install as one `zerowaste` namespace.

The folders `submission/`, `synth/` and `baselines/` stay beside `zerowaste/` in the repository (one
folder per part), but they install as `zerowaste.submission`, `zerowaste.synth` and
`zerowaste.baselines`. Generic top-level names would clash with a participant's own `submission.py`
(common in challenge work) or with another package called `baselines`. Everything else about the
distribution is declared in pyproject.toml; this file only computes the package list, so a new
sub-package is picked up without editing a hand-kept list.
"""

from setuptools import find_packages, setup

PARTS = ("submission", "synth", "baselines")

packages = find_packages(include=["zerowaste", "zerowaste.*"])
package_dir = {"zerowaste": "zerowaste"}
for part in PARTS:
    package_dir[f"zerowaste.{part}"] = part
    packages += [f"zerowaste.{name}" for name in find_packages(include=[part, f"{part}.*"])]

setup(packages=packages, package_dir=package_dir)
