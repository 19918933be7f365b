"""Mauzo spec-builder service."""
