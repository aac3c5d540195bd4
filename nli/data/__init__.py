"""The labelled sets of ``../shared/data``: readers, roles (train, select, eval) and licences.

Training, evaluation and the export's calibration all read through :mod:`nli.data.corpora`,
so the line between training and evaluation splits is drawn in one place.
"""
