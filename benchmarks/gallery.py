"""python -m benchmarks.gallery [NN_topic ...]: draw docs/gallery/, the reference pictures the notebooks link to.

Runs each solution notebook like the benchmark does (fast mode, offline data) with CV_SEMINAR_GALLERY=1, so that
`setup(..., gallery=...)` swaps in the notebook's bigger settings (minutes per notebook on 2 cores: not part of CI),
and keeps the PNG drawn by every code cell whose metadata says `"gallery": "<name>"` as docs/gallery/<name>.png.
Pictures are shrunk to GALLERY_WIDTH and palette-compressed so that the whole gallery stays under GALLERY_BYTES.
"""
import argparse
import base64
import io
import sys
from pathlib import Path

from PIL import Image

from instructor.course import Course
from helpers.setup import GALLERY_ENV

from .runner import run_notebook

REPO = Path(__file__).resolve().parents[1]
GALLERY = REPO / "docs" / "gallery"
GALLERY_WIDTH = 1000          # px: sharp enough on a laptop screen, small on disk
GALLERY_COLOURS = 128         # a palette PNG: figures have few colours, photos dither fine
GALLERY_BYTES = 3 * 2 ** 20   # the whole folder


def gallery_cells(notebook) -> dict[str, str]:
    """name -> base64 PNG of every executed code cell marked with a gallery name (exactly one picture each)."""
    pictures = {}
    for cell in notebook.cells:
        name = cell.get("metadata", {}).get("gallery")
        if cell.cell_type != "code" or not name:
            continue
        images = [output["data"]["image/png"] for output in cell.get("outputs", [])
                  if "image/png" in output.get("data", {})]
        if len(images) != 1:
            raise ValueError(f"gallery cell {name!r} drew {len(images)} pictures; it must draw exactly one")
        pictures[name] = images[0]
    return pictures


def save_picture(encoded: str, path: Path) -> int:
    """Shrink a base64 PNG to GALLERY_WIDTH, keep GALLERY_COLOURS colours, write it; return its size in bytes."""
    image = Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB")
    if image.width > GALLERY_WIDTH:
        image = image.resize((GALLERY_WIDTH, round(image.height * GALLERY_WIDTH / image.width)), Image.LANCZOS)
    image.quantize(GALLERY_COLOURS, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gallery", description=__doc__)
    parser.add_argument("only", nargs="*", metavar="NN_topic", help="just these notebooks (default: all)")
    parser.add_argument("--timeout", type=int, default=1800, metavar="S", help="per-cell timeout (default 1800 s)")
    args = parser.parse_args(argv)
    course = Course(REPO)
    aids = [aid for aid in course.assignments() if not args.only or aid in args.only]
    GALLERY.mkdir(parents=True, exist_ok=True)
    failed = False
    for aid in aids:
        print(f"drawing {aid} ...", file=sys.stderr, flush=True)
        pictures = {}
        record = run_notebook(course.solutions / aid / f"{aid}.ipynb", timeout=args.timeout,
                              env={GALLERY_ENV: "1"}, on_executed=lambda nb: pictures.update(gallery_cells(nb)))
        if record["status"] != "ok":
            print(f"  {aid} failed: {record['error']}", file=sys.stderr)
            failed = True
        for name, encoded in pictures.items():
            size = save_picture(encoded, GALLERY / f"{name}.png")
            print(f"  docs/gallery/{name}.png: {size / 1024:.0f} KiB ({record['wall_s']} s for the notebook)")
    total = sum(path.stat().st_size for path in GALLERY.glob("*.png"))
    print(f"docs/gallery/: {total / 2 ** 20:.2f} MiB in all (limit {GALLERY_BYTES / 2 ** 20:.0f} MiB)")
    return 1 if failed or total > GALLERY_BYTES else 0


if __name__ == "__main__":
    sys.exit(main())
