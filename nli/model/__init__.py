"""The models: labels, the ONNX and torch backends behind one interface, and the export.

:mod:`nli.model.backends` and :mod:`nli.model.labels` are on the scoring path and import
torch only inside the torch backends; :mod:`nli.model.export` (ONNX export, int8
quantization, parity) needs the ``torch`` extra.
"""
