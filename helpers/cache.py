"""Where downloads and generated files live: one directory, overridable by an env var."""
import os
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

CACHE_ENV = "CV_SEMINAR_CACHE"


def default_cache_dir() -> Path:
    """`$CV_SEMINAR_CACHE` if set, else `~/.cache/cv-seminar` (never inside the repo).

    A home without a writable ~/.cache (a read-only container, a locked-down lab machine) gets a folder in the
    temp dir instead, with one warning.
    """
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    home_cache = Path.home() / ".cache" / "cv-seminar"
    try:
        home_cache.mkdir(parents=True, exist_ok=True)
        if os.access(home_cache, os.W_OK | os.X_OK):
            return home_cache
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"cv-seminar-cache-{_user_id()}"
    _warn_once(f"{home_cache} is not writable: caching in {fallback} instead (emptied on reboot); "
               f"set {CACHE_ENV} to a writable folder to keep downloads")
    return fallback


@lru_cache(maxsize=None)
def _warn_once(message: str) -> None:
    """Warn once per process: every download and checkpoint asks for the cache folder."""
    warnings.warn(message, stacklevel=4)


def _user_id() -> str:
    """Who owns the fallback folder, so that users of one machine do not share it."""
    return str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
