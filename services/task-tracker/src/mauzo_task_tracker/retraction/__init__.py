"""Taking loaded rows back out: DELETE /tasks/{id}/data, and the loads a replace=true supersedes.

`rows` keeps a retraction's task rows (one locked transaction each), `replacement` decides inside a
load's completion which earlier loads of the same file to retract, `reindex_spec` is the Druid
task that drops one upload's rows, and `retractor` submits it. The follower only sees the
retractor as one of its periodic jobs.
"""
