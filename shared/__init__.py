"""The common library of History of Hype: one small module per job.

Data flows one way: ``datasets`` -> a replication's ``experiment.run(config, key=...)`` ->
its tables -> its ``measure(tables)`` -> ``claims`` (verdicts) -> ``results`` (the JSON file:
tables, measurements, ``provenance`` with the ``record`` of stage times and data files) ->
``report`` (site fragments). No module here imports a replication except ``registry``.
"""
