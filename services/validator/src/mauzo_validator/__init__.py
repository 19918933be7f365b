"""Mauzo validator service."""
