"""Codabench scoring program: ``metadata.yaml`` + ``score.py`` (zip this folder as the program)."""
