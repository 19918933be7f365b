"""Clients of the other Mauzo services this API fronts: upload (task-tracker's client is
mauzo_common.tracker_client, shared with upload)."""
