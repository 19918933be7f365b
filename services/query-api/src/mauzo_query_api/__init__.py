"""Mauzo query-api service."""
