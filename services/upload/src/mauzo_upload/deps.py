"""FastAPI dependencies: the objects the composition root put on app.state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mauzo_upload.ingest import Uploader


def get_uploader(request: Request) -> Uploader:
    uploader: Uploader = request.app.state.uploader
    return uploader


UploaderDep = Annotated[Uploader, Depends(get_uploader)]
