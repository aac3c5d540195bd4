"""Measuring: the eval harness on labelled pairs, FNC-1 stance scoring, the sentence
splitter comparison and the speed benchmark, each writing its results under ``eval/``.
"""
