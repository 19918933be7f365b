"""Which files in a drop folder are new and finished being written, each reported once.

A file is ready when its size and mtime were the same on two consecutive scans (a copy still in
progress keeps changing). What was dropped is remembered in a ledger file, so a restarted watcher
does not drop the same file again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

Signature = tuple[int, int]  # size, mtime in ns


@dataclass
class DropFolder:
    folder: Path
    ledger_path: Path
    _seen: dict[str, Signature] = field(default_factory=dict)
    _dropped: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ledger_path.exists():
            self._dropped = json.loads(self.ledger_path.read_text())

    def ready(self) -> list[Path]:
        """Files that are new and stable since the previous scan."""
        out: list[Path] = []
        current: dict[str, Signature] = {}
        for path in sorted(p for p in self.folder.iterdir() if p.is_file()):
            if path.name.startswith("."):
                continue
            stat = path.stat()
            signature = (stat.st_size, stat.st_mtime_ns)
            key = str(path.resolve())
            current[key] = signature
            stable = self._seen.get(key) == signature and stat.st_size > 0
            if stable and self._dropped.get(key) != list(signature):
                out.append(path)
        self._seen = current
        return out

    def pending(self) -> bool:
        """Whether some file seen in the last scan has not been dropped yet."""
        return any(self._dropped.get(k) != list(sig) for k, sig in self._seen.items() if sig[0] > 0)

    def mark_dropped(self, path: Path) -> None:
        stat = path.stat()
        self._dropped[str(path.resolve())] = [stat.st_size, stat.st_mtime_ns]
        self.ledger_path.parent.mkdir(parents=True, exist_ok=True)
        self.ledger_path.write_text(json.dumps(self._dropped, indent=1))
