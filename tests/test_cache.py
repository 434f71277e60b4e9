"""The course cache: the env var, the home default, and a temp folder with one warning when home is read-only."""
import warnings
from pathlib import Path

import pytest

from helpers import cache
from helpers.cache import CACHE_ENV, default_cache_dir


@pytest.fixture
def home(monkeypatch, tmp_path):
    """A fresh home folder and no CV_SEMINAR_CACHE."""
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")
    (tmp_path / "home").mkdir()
    cache._warn_once.cache_clear()
    return tmp_path / "home"


def test_env_var_wins(home, monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"


def test_writable_home_is_used_without_warning(home):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert default_cache_dir() == home / ".cache" / "cv-seminar"
    assert (home / ".cache" / "cv-seminar").is_dir()


def test_read_only_home_falls_back_to_temp_with_one_warning(home, monkeypatch, tmp_path):
    # ~/.cache that cannot hold a folder (works as root too, where permission bits would not stop mkdir).
    (home / ".cache").write_text("not a folder")
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "tmp"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first, second = default_cache_dir(), default_cache_dir()
    assert first == second and first.parent == tmp_path / "tmp" and first.name.startswith("cv-seminar-cache-")
    assert len(caught) == 1, [str(w.message) for w in caught]
    message = str(caught[0].message)
    assert str(home / ".cache" / "cv-seminar") in message and str(first) in message and CACHE_ENV in message
