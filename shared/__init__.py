"""The common library of History of Hype, the half that runs a replication: one small module per
job.

Data flows one way: ``datasets`` -> a replication's ``experiment.run(config, key=...)`` ->
its tables -> its ``measure(tables)`` -> ``claims`` (verdicts) -> ``results`` (the JSON file:
tables, measurements, ``provenance`` with the ``record`` of stage times and data files). The site
is built from those files by the other half, ``website`` (``report``: site fragments), which
imports this one; nothing here imports it but the CLI's ``report`` command, when it runs. No
module here imports a replication except ``registry``.
"""
