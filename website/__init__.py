"""What builds the site of History of Hype, from the results files a run of ``shared/`` wrote.

``report`` grades every published results file again by today's ``claims.toml`` and writes the
Markdown fragments and figures the pages include (``python -m shared.cli report``, the one command
of ``shared/`` that reaches in here, lazily); ``verification`` keeps the record of what was checked
twice (``python -m website.verification``); ``performance`` is the performance page's table;
``site_check`` loads the built site in a real browser (``python -m website.site_check``).

This half may import ``shared`` (registry, claims, results, number formatting); ``shared`` never
imports it, except that one command (``tests/test_layout.py`` holds both rules).
"""
