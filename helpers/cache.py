"""Where downloads and generated files live: one directory, overridable by an env var."""
import os
from pathlib import Path

CACHE_ENV = "CV_SEMINAR_CACHE"


def default_cache_dir() -> Path:
    """`$CV_SEMINAR_CACHE` if set, else `~/.cache/cv-seminar` (never inside the repo)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "cv-seminar")
