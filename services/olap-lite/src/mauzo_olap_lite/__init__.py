"""Mauzo olap-lite service."""
