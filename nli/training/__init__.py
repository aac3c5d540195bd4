"""Training: the trainer and its recipes, rule-made and templated news pairs,
quantization-aware training, threshold tuning and the stance aggregator's fit.

Needs the ``torch`` extra. May import every other subpackage; nothing on the scoring
path imports it.
"""
