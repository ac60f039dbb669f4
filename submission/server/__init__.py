"""The scoring server of the ZeroWaste challenge: teams, phases, quotas, queue, leaderboards.

Modules: ``models``/``db``/``migrations`` (schema), ``rules`` (pure quota/leaderboard rules),
``service`` (database operations), ``store`` (submission files), ``streaming`` (multipart upload),
``worker`` (scoring queue), ``app``/``pages`` (web), ``admin``/``cli``/``client`` (commands).
See docs/server.md.
"""
