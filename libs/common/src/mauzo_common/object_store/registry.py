"""Chooses the object-store implementation from settings."""

from __future__ import annotations

from mauzo_common.object_store.base import ObjectStore
from mauzo_common.object_store.local import LocalObjectStore
from mauzo_common.object_store.s3 import S3ObjectStore
from mauzo_common.settings import MauzoSettings


def open_object_store(settings: MauzoSettings) -> ObjectStore:
    if settings.object_store == "s3":
        store = S3ObjectStore(settings)
        store.ensure_bucket()
        return store
    return LocalObjectStore(settings.objects_root)
