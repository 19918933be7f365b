"""Clients of the other Mauzo services this API fronts: task-tracker (status) and upload."""
