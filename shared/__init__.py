"""The common library of History of Hype: one small module per job.

Data flows one way: ``datasets`` -> a replication's ``experiment`` -> ``claims``
(verdicts) -> ``results`` (the JSON file, with ``provenance``) -> ``report`` (site
fragments). No module here imports a replication except ``registry``.
"""
