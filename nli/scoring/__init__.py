"""The scoring path every user runs: reading and cleaning articles, splitting them into
sentences, pairing comparable claims, verdicts, claims, stance, the pipeline and the report.

Nothing here imports torch, transformers or sentence-transformers: models run through
the ONNX backends of :mod:`nli.model.backends` (tests/test_layout.py checks it).
"""
