"""The submission contract: pack, validate and score ZeroWaste challenge submissions.

A submission is one zip with two top-level folders, ``source_only/`` and ``uda/`` (the two tracks),
each holding one 8-bit single-channel PNG per target image, named exactly like the image, with class
ids 0..4 (see ``zerowaste.contract``).

Modules (each imports only numpy, OpenCV, Pillow and the contract; never torch or bpy):

- ``zerowaste.submission.zipread``: safe zip reading (zip-bomb, path and entry-type checks; nothing extracted).
- ``zerowaste.submission.groundtruth``: where the ground-truth masks are (a folder or the organizers' zip).
- ``zerowaste.submission.validate``: ``validate_submission`` -> ``ValidationReport`` (every problem, capped).
- ``zerowaste.submission.scoring``: the official metric (confusion matrix, IoU, mIoU, Acc, aAcc) and
  ``score_submission``.
- ``zerowaste.submission.pack``: build a valid zip from prediction folders (id masks or palette PNGs).
- ``zerowaste.submission.plots``: confusion heatmaps and per-class IoU bars (PNG).
- ``zerowaste.submission.adapters``: EvalAI and Codabench wrappers around the same scorer.

Example:
    >>> from zerowaste.submission.scoring import confusion_matrix
    >>> import numpy as np
    >>> int(confusion_matrix(np.array([[0, 1]]), np.array([[0, 1]])).trace())
    2
"""
