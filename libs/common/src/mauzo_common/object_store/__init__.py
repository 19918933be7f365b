"""One object-store interface, a local-directory and an S3 implementation, chosen by settings."""

from mauzo_common.object_store.base import ObjectNotFound, ObjectStore, ObjectWriter, StoredObject
from mauzo_common.object_store.registry import open_object_store

__all__ = ["ObjectNotFound", "ObjectStore", "ObjectWriter", "StoredObject", "open_object_store"]
