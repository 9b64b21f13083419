"""Prometheus' HTTP API: each trigger's query evaluated at a time, without a screen.

`prometheus.py` asks one query (`/api/v1/query` with `time`, urllib, short timeouts, the
bearer token from the environment only); `triggers.py` turns a plan's triggers into typed
results (firing, quiet, unknown with the reason, not measured); `watcher.py` measures them
again every interval on a thread of its own and tells a run session what changed.
Importing this package loads none of them.
"""
