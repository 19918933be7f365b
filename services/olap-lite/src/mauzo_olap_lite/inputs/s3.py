"""`s3` input source: exactly one of `uris`, `prefixes`, `objects`; optional `objectGlob`.

Objects are read with boto3 using the shared S3 settings (endpoint, region, keys); a spec's own
`endpointConfig.url` and `properties.accessKeyId/secretAccessKey` take precedence, as in Druid.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from mauzo_olap_lite.inputs.base import InputError, InputFile, password
from mauzo_olap_lite.settings import OlapLiteSettings


@dataclass(frozen=True)
class S3InputSource:
    objects: tuple[tuple[str, str], ...]  # (bucket, key) of single objects
    prefixes: tuple[tuple[str, str], ...]
    glob: str | None
    client_args: dict[str, Any]

    def fetch(self, workdir: Path) -> list[InputFile]:
        client = boto3.client("s3", **self.client_args)
        try:
            targets = list(self.objects)
            for bucket, prefix in self.prefixes:
                pages = client.get_paginator("list_objects_v2").paginate(
                    Bucket=bucket, Prefix=prefix
                )
                for page in pages:
                    targets.extend((bucket, o["Key"]) for o in page.get("Contents", []))
            if self.glob:
                targets = [(b, k) for b, k in targets if fnmatch.fnmatchcase(k, self.glob)]
            files = []
            for index, (bucket, key) in enumerate(targets):
                path = workdir / f"{index:05d}-{Path(key).name or 'object'}"
                client.download_file(bucket, key, str(path))
                files.append(InputFile(path, f"s3://{bucket}/{key}", path.stat().st_size))
        except (ClientError, BotoCoreError) as exc:
            raise InputError(f"Failed to read from S3: {exc}") from exc
        return files


def _split(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if parsed.scheme not in ("s3", "s3a", "s3n") or not parsed.netloc:
        raise ValueError(f"Invalid S3 URI[{uri}]")
    return parsed.netloc, parsed.path.lstrip("/")


def s3_source(config: dict[str, Any], settings: OlapLiteSettings) -> S3InputSource:
    given = [k for k in ("uris", "prefixes", "objects") if config.get(k)]
    if len(given) != 1:
        raise ValueError("Exactly one of uris, prefixes or objects must be specified")
    objects = tuple(_split(u) for u in config.get("uris") or [])
    objects += tuple((o["bucket"], str(o["path"]).lstrip("/")) for o in config.get("objects") or [])
    prefixes = tuple(_split(u) for u in config.get("prefixes") or [])
    props = config.get("properties") or {}
    endpoint = (config.get("endpointConfig") or {}).get("url") or settings.s3_endpoint_url
    region = (config.get("endpointConfig") or {}).get("signingRegion") or settings.s3_region
    key_id = password(props.get("accessKeyId")) or _secret(settings.s3_access_key_id)
    secret = password(props.get("secretAccessKey")) or _secret(settings.s3_secret_access_key)
    args: dict[str, Any] = {"endpoint_url": endpoint, "region_name": region}
    if key_id and secret:
        args.update(aws_access_key_id=key_id, aws_secret_access_key=secret)
    return S3InputSource(objects, prefixes, config.get("objectGlob"), args)


def _secret(value: Any) -> str | None:
    return None if value is None else str(value.get_secret_value())
