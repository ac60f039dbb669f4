"""SynthWaste: procedural conveyor-belt waste scenes rendered with BlenderProc (see docs/synth.md).

Nothing in this package imports bpy or BlenderProc at import time: only ``zerowaste.synth.render`` (the
child rendering process) and the modules it calls (``scene``, ``materials``, ``lighting``,
``camera``) do, inside their functions.
"""
