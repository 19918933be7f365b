"""Taking loaded rows back out: DELETE /tasks/{id}/data, and the loads a replace=true supersedes.

`rows` keeps a retraction's task rows (one locked transaction each), `replacement` decides inside a
load's completion which earlier loads of the same file to retract, and `retractor` submits the
Druid reindex that drops one upload's rows (its spec is the shared one in mauzo_common.druid).
The follower only sees the retractor as one of its periodic jobs.
"""
