"""Downloading the real VOC: mirrors in order, md5 checked, one retry that resumes, and data where torchvision reads
it. A local HTTP server (in a thread) plays the mirrors, serving a tiny tar built from the offline set."""
import hashlib
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from torchvision.datasets import VOCSegmentation

from helpers import download
from helpers.download import Archive, DownloadError
from helpers.voc import find_voc_root, make_offline_voc

FILENAME = "VOCtrainval_11-May-2012.tar"


class Mirror(SimpleHTTPRequestHandler):
    """Serves the folder it was given; under /flaky/ the first response stops halfway, later ones honour Range."""

    requests: list[tuple[str, str | None]]

    def do_GET(self):
        self.requests.append((self.path, self.headers.get("Range")))
        if not self.path.startswith("/flaky/"):
            return super().do_GET()
        body = (Path(self.directory) / self.path.removeprefix("/flaky/")).read_bytes()
        start = int(self.headers["Range"].removeprefix("bytes=").rstrip("-")) if self.headers["Range"] else 0
        cut = start == 0 and len([p for p, _ in self.requests if p == self.path]) == 1
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:len(body) // 2] if cut else body[start:])
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tiny_tar(tmp_path_factory):
    """A VOC-shaped tar of three offline images (without the offline set's marker, so it counts as real VOC)."""
    folder = tmp_path_factory.mktemp("mirror")
    source = make_offline_voc(tmp_path_factory.mktemp("offline"), 2, 1, (64, 48))
    with tarfile.open(folder / FILENAME, "w") as tar:
        tar.add(source / "VOCdevkit", "VOCdevkit", filter=lambda m: None if m.name.endswith(".json") else m)
    return folder / FILENAME


@pytest.fixture
def mirror(tiny_tar):
    """The base URL of a local server for the tar's folder, and the (path, Range) of each request it got."""
    handler = type("TestMirror", (Mirror,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(tiny_tar.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", handler.requests
    server.shutdown()
    server.server_close()


def md5(path):
    return hashlib.md5(path.read_bytes()).hexdigest()


def use_mirrors(monkeypatch, *urls, checksum):
    """Make VOC 2012 the tiny tar, served by `urls` in this order."""
    monkeypatch.setitem(download.VOC_ARCHIVES, "2012", Archive(FILENAME, checksum, "3 images", tuple(urls)))


def test_second_mirror_serves_when_the_first_is_missing(monkeypatch, tmp_path, tiny_tar, mirror):
    base, requests = mirror
    use_mirrors(monkeypatch, f"{base}/gone/{FILENAME}", f"{base}/{FILENAME}", checksum=md5(tiny_tar))
    root = find_voc_root("full", root=tmp_path / "voc", download=True)
    assert [path for path, _ in requests] == [f"/gone/{FILENAME}", f"/{FILENAME}"]
    assert len(VOCSegmentation(root, year="2012", image_set="train", download=False)) == 2
    assert len(VOCSegmentation(root, year="2012", image_set="val", download=False)) == 1
    assert sorted(p.name for p in root.iterdir()) == ["VOCdevkit"], "the tar and partial files are removed"


def test_wrong_md5_is_rejected_on_every_mirror(monkeypatch, tmp_path, tiny_tar, mirror):
    base, _ = mirror
    use_mirrors(monkeypatch, f"{base}/{FILENAME}", f"{base}/./{FILENAME}", checksum="0" * 32)
    with pytest.raises(DownloadError) as error:
        download.download_voc(tmp_path, "2012")
    assert len(error.value.failures) == 2 and all(f"md5 {md5(tiny_tar)}" in f for f in error.value.failures)
    assert not list(tmp_path.iterdir()), "a file with the wrong md5 is deleted, never extracted"


def test_cut_download_is_resumed_once(monkeypatch, tmp_path, tiny_tar, mirror):
    base, requests = mirror
    use_mirrors(monkeypatch, f"{base}/flaky/{FILENAME}", checksum=md5(tiny_tar))
    path = download.download(download.VOC_ARCHIVES["2012"], tmp_path)
    assert path.read_bytes() == tiny_tar.read_bytes()
    half = tiny_tar.stat().st_size // 2
    assert requests == [(f"/flaky/{FILENAME}", None), (f"/flaky/{FILENAME}", f"bytes={half}-")]


def test_no_mirror_gives_manual_copy_instructions(monkeypatch, tmp_path, mirror):
    base, _ = mirror
    use_mirrors(monkeypatch, f"{base}/gone/{FILENAME}", "http://127.0.0.1:9/refused.tar", checksum="0" * 32)
    with pytest.raises(FileNotFoundError) as error:
        find_voc_root("full", root=tmp_path, download=True)
    message = str(error.value)
    assert f"{base}/gone/{FILENAME}: HTTP 404" in message and "127.0.0.1:9/refused.tar: " in message
    assert f"tar -xf {FILENAME} -C {tmp_path}" in message and "CV_SEMINAR_MODE=fast" in message


def test_every_voc_archive_lists_mirrors_in_order():
    for year, archive in download.VOC_ARCHIVES.items():
        assert len(archive.mirrors) >= 2 and len(archive.md5) == 32, year
        assert archive.mirrors[0].startswith("https://thor.robots.ox.ac.uk/"), "the official host first"
        assert all(url.endswith("/" + archive.filename) for url in archive.mirrors)
