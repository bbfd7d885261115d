"""Reading and writing files in Unity Catalog volumes.

On Databricks (serverless included) volumes are mounted under /Volumes. Tests pass another root
directory, so the same code writes into a temporary folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class VolumeFiles:
    def __init__(self, root: str = "/Volumes") -> None:
        self.root = Path(root)

    def local_path(self, volume_path: str) -> Path:
        prefix = "/Volumes/"
        if not volume_path.startswith(prefix):
            raise ValueError(f"not a volume path: {volume_path}")
        relative = volume_path[len(prefix):]
        if any(part in ("", ".", "..") for part in relative.split("/")):
            raise ValueError(f"not a clean volume path: {volume_path}")
        return self.root.joinpath(*relative.split("/"))

    def read_text(self, volume_path: str) -> str:
        return self.local_path(volume_path).read_text(encoding="utf-8")

    def write_bytes(self, volume_path: str, data: bytes) -> str:
        """Writes atomically (temporary name, then rename) and returns the SHA-256 of the data."""
        target = self.local_path(volume_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".partial")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        return hashlib.sha256(data).hexdigest()
