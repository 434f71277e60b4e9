"""The real PASCAL VOC archives: ordered mirrors, md5 check, one retry that resumes, manual-copy instructions.

The official host has moved and been down or firewalled for months at a time (pytorch/vision #9216, #9269), and
whichever URL the installed torchvision has may be the dead one. So each archive lists its mirrors here, tried in
order; a file counts only when its md5 is the published one. `download_voc` leaves the data where
``torchvision.datasets.VOCSegmentation(root, year, download=False)`` and ``VOCDetection`` read it.
"""
import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from torchvision.datasets.utils import calculate_md5, extract_archive
from tqdm.auto import tqdm

CHUNK = 1 << 20
TIMEOUT_S = 60  # per connect or read: a host that does not answer in a minute is tried again, then skipped


@dataclass(frozen=True)
class Archive:
    """One published file: its name, md5, approximate size and the URLs that serve it, best first."""
    filename: str
    md5: str
    size: str
    mirrors: tuple[str, ...]


def _oxford(year: str, filename: str) -> tuple[str, str]:
    """The official host (since 2025) and the old one, which now redirects when it is up."""
    return (f"https://thor.robots.ox.ac.uk/pascal/VOC/voc{year}/{filename}",
            f"http://host.robots.ox.ac.uk/pascal/VOC/voc{year}/{filename}")


VOC_ARCHIVES = {
    "2012": Archive("VOCtrainval_11-May-2012.tar", "6cd6e144f989b92b3379bac3b3de84fd", "about 2 GB", (
        _oxford("2012", "VOCtrainval_11-May-2012.tar")[0],
        "https://d2l-data.s3-accelerate.amazonaws.com/VOCtrainval_11-May-2012.tar",  # Dive into Deep Learning's copy
        _oxford("2012", "VOCtrainval_11-May-2012.tar")[1],
    )),
    "2007": Archive("VOCtrainval_06-Nov-2007.tar", "c52e279531787c972589f7e41ab4ae64", "about 450 MB",
                    _oxford("2007", "VOCtrainval_06-Nov-2007.tar")),
    "2007-test": Archive("VOCtest_06-Nov-2007.tar", "b6e924de25625d8de591ea690078ad9f", "about 450 MB",
                         _oxford("2007", "VOCtest_06-Nov-2007.tar")),
}


class DownloadError(OSError):
    """No mirror served the archive with the right md5; `failures` says what each one did."""

    def __init__(self, archive: Archive, failures: list[str]):
        self.archive, self.failures = archive, failures
        super().__init__(f"could not download {archive.filename}:\n" + "\n".join(f"  {f}" for f in failures))


def download_voc(root, year: str = "2012") -> Path:
    """Download VOC `year` ("2012", "2007" or "2007-test") and extract it into root; returns root."""
    root = Path(root)
    archive = VOC_ARCHIVES[year]
    path = download(archive, root)
    extract_archive(path, root)
    path.unlink()  # extracted: the tar would only double the disk it takes
    return root


def download(archive: Archive, folder: Path) -> Path:
    """Fetch `archive` into folder from the first mirror that serves it with the right md5; returns the file.

    Each mirror gets one retry, which resumes the partial file when the server supports ranges. A wrong md5
    moves on to the next mirror (the file is deleted). DownloadError lists every failure.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path, partial = folder / archive.filename, folder / (archive.filename + ".part")
    failures = []
    for url in archive.mirrors:
        for _ in range(2):
            try:
                fetch(url, partial)
            except urllib.error.HTTPError as error:
                failures.append(f"{url}: HTTP {error.code} {error.reason}")
                if error.code == 416:  # our partial file does not fit theirs: start it over
                    partial.unlink()
                    continue
                break  # the server answered: asking again gives the same answer
            except (OSError, http.client.HTTPException) as error:  # refused, timed out, cut off
                failures.append(f"{url}: {error!r}")
                continue
            md5 = calculate_md5(partial)
            if md5 == archive.md5:
                return partial.replace(path)
            failures.append(f"{url}: md5 {md5}, expected {archive.md5}")
            partial.unlink()
            break
    raise DownloadError(archive, failures)


def fetch(url: str, partial: Path) -> None:
    """Download url into `partial`, continuing where an earlier attempt stopped if the server allows it."""
    done = partial.stat().st_size if partial.exists() else 0
    headers = {"User-Agent": "cv-seminar-notebooks", **({"Range": f"bytes={done}-"} if done else {})}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=TIMEOUT_S) as response:
        start = done if response.status == 206 else 0  # 200: the server ignored the range and sends it all
        total = None if response.length is None else start + response.length
        with partial.open("ab" if start else "wb") as file, tqdm(
                total=total, initial=start, unit="B", unit_scale=True, desc=partial.stem, leave=False) as bar:
            while chunk := response.read(CHUNK):
                file.write(chunk)
                bar.update(len(chunk))
    if total is not None and partial.stat().st_size != total:
        raise http.client.IncompleteRead(b"", total - partial.stat().st_size)


def manual_copy_instructions(root, year: str = "2012") -> list[str]:
    """What to do by hand when no mirror works: where to get the tar and where to extract it."""
    archive, root = VOC_ARCHIVES[year], Path(root)
    return [
        f"Download {archive.filename} ({archive.size}, md5 {archive.md5}) from any of:",
        *(f"  {url}" for url in archive.mirrors),
        "or copy it from someone who has it (any mirror's copy with that md5 is the same file).",
        f"Extract it inside {root} (tar -xf {archive.filename} -C {root}), then run again.",
    ]
