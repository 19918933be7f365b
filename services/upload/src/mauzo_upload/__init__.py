"""Mauzo upload service."""
