"""Mauzo task-tracker service."""
