"""`http` input source: `uris` over http/https (Druid's default allowedProtocols), basic auth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from mauzo_olap_lite.inputs.base import InputError, InputFile, password
from mauzo_olap_lite.settings import OlapLiteSettings

ALLOWED_PROTOCOLS = ("http", "https")


@dataclass(frozen=True)
class HttpInputSource:
    uris: tuple[str, ...]
    auth: tuple[str, str] | None

    def fetch(self, workdir: Path) -> list[InputFile]:
        files = []
        with httpx.Client(auth=self.auth, follow_redirects=True, timeout=60) as client:
            for index, uri in enumerate(self.uris):
                name = Path(urlparse(uri).path).name or "download"
                path = workdir / f"{index:05d}-{name}"
                try:
                    with client.stream("GET", uri) as response, path.open("wb") as out:
                        response.raise_for_status()
                        for chunk in response.iter_bytes():
                            out.write(chunk)
                except httpx.HTTPError as exc:
                    raise InputError(f"Failed to read [{uri}]: {exc}") from exc
                files.append(InputFile(path, uri, path.stat().st_size))
        return files


def http_source(config: dict[str, Any], settings: OlapLiteSettings) -> HttpInputSource:
    uris = tuple(str(u) for u in config.get("uris") or [])
    if not uris:
        raise ValueError("http input source needs `uris`")
    for uri in uris:
        if urlparse(uri).scheme not in ALLOWED_PROTOCOLS:
            raise ValueError(f"Only {list(ALLOWED_PROTOCOLS)} protocols are allowed, got [{uri}]")
    user = config.get("httpAuthenticationUsername")
    secret = password(config.get("httpAuthenticationPassword"))
    return HttpInputSource(uris, (str(user), secret or "") if user else None)
