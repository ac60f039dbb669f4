"""The install ends with exactly one OpenCV 4.x distribution that reads EXR (BlenderProc needs it)."""

from zerowaste.compat import check_install


def test_exactly_one_opencv_4x_with_exr():
    assert check_install.problems() == []
    (name, version), = check_install.installed_opencv().items()
    assert name == "opencv-python-headless" and version.startswith("4.")
