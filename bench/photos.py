"""Benchmark: the photo pipeline (core.images.process_image) against a naive Pillow baseline.

    .venv/bin/python bench/photos.py [--photos DIR] [--repeat N] [--no-synthetic]

For every photo in the fixtures folder (default ../shared/fixtures/photos, or $PAKN_PHOTO_FIXTURES)
that the pipeline accepts, every variant makes the same two outputs, a stored JPEG with long side
<= 2048 and a 400 px thumbnail:

* pipeline: ``process_image(data, max_bytes=…, max_pixels=…, max_side=2048, thumb_side=400)``,
  i.e. sniffing, header pixel check, GPS read, a large JPEG decoded by libjpeg-turbo at the smallest
  M/8 scale that covers 2048 px (a 4032 px photo at 5/8: 2520 px), EXIF transpose after the
  shrink, conversion to RGB and to sRGB, resize, metadata-free encode.
* naive baseline: ``Image.open`` → ``ImageOps.exif_transpose`` → ``img.thumbnail((2048, 2048))`` →
  save JPEG to BytesIO, then a copy thumbnailed to 400 px and saved.
* draft baseline (the fair one for JPEG): the same after ``img.draft("RGB", size)`` with the size
  the stored copy will have, so libjpeg decodes at 1/2, 1/4 or 1/8 scale whenever that is still
  at least as big (Pillow offers no other scale: for a 12 MP photo, 4032 / 2 = 2016 < 2048, it
  decodes in full, like the naive one). It uses the pipeline's resampling
  filter and JPEG settings (Lanczos, reducing_gap 3.0, quality 85, optimize, progressive) so the
  ratio measures how the work is organised, not a cheaper filter or encoder. It does less than
  the pipeline: no validation, no GPS, no colour management.
* colour baseline: the naive one plus what it takes to keep an iPhone photo's colours, as the
  pipeline does: an embedded profile other than sRGB (Display P3) converted to sRGB with
  ``ImageCms.profileToProfile`` after the shrink. The naive baseline skips that work and shows
  P3 values as if they were sRGB (washed out), so for HEIC it computes a cheaper, different
  product; this column shows what the pipeline's organisation costs for the same product.

Photos the pipeline refuses are skipped and listed. Unless --no-synthetic, two synthetic JPEGs
(a real photo upscaled to 12 MP with EXIF orientation 6, and to 24 MP) are added, because no
fixture is as large as a current phone's photo (the 8 MP one decodes at 6/8); they are labelled as such,
and being upscaled they are smoother (cheaper to entropy-decode) than a real photo of that size.

Time: median wall time (time.perf_counter) over N runs per variant, after one warm-up run, with
the variants alternating so that drift in machine load hits both alike.

Memory: peak resident memory (RSS) added by one run, each variant in a fresh subprocess. This is
the honest figure: Pillow and libheif allocate pixel buffers with C malloc, which tracemalloc
does not see (it only tracks Python's allocator), and an allocator that has already grown in
earlier runs in the same process hides later peaks. The child imports everything, reads the
file, resets the kernel's high-water mark (writing "5" to /proc/self/clear_refs; if that is not
allowed, the figure is VmHWM after minus VmRSS before, which can only under-report), runs once
and reports VmHWM minus the RSS it started from. The tracemalloc peak of the same run is printed
alongside ("py heap") to show how little of the real footprint it captures.

``--json`` prints one JSON object as its last line: ``ratio_time_12mp`` and ``ratio_memory_12mp``
(pipeline ÷ naive on the synthetic 12 MP JPEG), ``ratio_time_12mp_draft`` (÷ the draft baseline),
``ratio_time_heic`` (pipeline ÷ naive, summed over the HEIC photos), ``ratio_time_heic_colour``
(÷ the colour baseline, likewise).

The database and settings module are not needed: all limits are passed explicitly; Django is
configured with bare defaults only so that refusal messages can be translated.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure()
    django.setup()

from PIL import ExifTags, Image, ImageCms, ImageOps  # noqa: E402

from core.images import ImageRejected, process_image  # noqa: E402

MAX_SIDE, THUMB_SIDE = 2048, 400
LIMITS = {
    "max_bytes": 64 * 2**20,
    "max_pixels": 100_000_000,
    "max_side": MAX_SIDE,
    "thumb_side": THUMB_SIDE,
}
JPEG_SETTINGS = {"quality": 85, "optimize": True, "progressive": True}
SRGB = ImageCms.createProfile("sRGB")
DEFAULT_PHOTOS = Path(
    os.environ.get("PAKN_PHOTO_FIXTURES") or ROOT.parent / "shared" / "fixtures" / "photos"
)


def run_pipeline(data: bytes) -> tuple[bytes, bytes]:
    result = process_image(data, **LIMITS)
    return result.content, result.thumbnail


def run_baseline(data: bytes) -> tuple[bytes, bytes]:
    return _naive(Image.open(io.BytesIO(data)))


def run_draft_baseline(data: bytes) -> tuple[bytes, bytes]:
    """The fair baseline: the naive pipeline plus Pillow's reduced-scale JPEG decode, asked for the
    size the copy will have (Pillow picks the smallest scale that is still at least that big)."""
    img = Image.open(io.BytesIO(data))
    width, height = img.size
    ratio = min(MAX_SIDE / width, MAX_SIDE / height, 1)
    img.draft("RGB", (round(width * ratio), round(height * ratio)))
    return _naive(img)


def run_colour_baseline(data: bytes) -> tuple[bytes, bytes]:
    """The naive pipeline that also keeps the colours, as the pipeline does: an embedded profile
    other than sRGB (an iPhone's Display P3) converted to sRGB after the shrink. The naive one
    leaves P3 values to be shown as sRGB, washed out: a cheaper but different product."""
    return _naive(Image.open(io.BytesIO(data)), colour=True)


def _naive(img: Image.Image, colour: bool = False) -> tuple[bytes, bytes]:
    img = ImageOps.exif_transpose(img)
    img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    img = img.convert("RGB")
    profile = img.info.get("icc_profile")
    if colour and profile:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        if not source.profile.profile_description.startswith("sRGB"):
            img = ImageCms.profileToProfile(img, source, SRGB, outputMode="RGB")
    thumb = img.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return _save(img), _save(thumb)


def _save(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", **JPEG_SETTINGS)
    return buffer.getvalue()


VARIANTS = {"pipeline": run_pipeline, "baseline": run_baseline, "draft": run_draft_baseline,
            "colour": run_colour_baseline}


# --- Memory: one run in a fresh process -------------------------------------------------------


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def child_measure(variant: str, path: str) -> None:
    """Runs in the subprocess: print the run's peak RSS and tracemalloc peak as JSON."""
    data = Path(path).read_bytes()
    rss_before = _status_kb("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    except OSError:
        pass
    tracemalloc.start()
    VARIANTS[variant](data)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = (_status_kb("VmHWM") - rss_before) * 1024
    print(json.dumps({"rss_peak": rss_peak, "traced_peak": traced_peak}))


def measure_memory(variant: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--child", variant, str(path)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- Time ------------------------------------------------------------------------------------


def measure_time(data: bytes, repeat: int) -> dict[str, float]:
    for run in VARIANTS.values():  # warm-up: imports, lazily built colour transforms
        run(data)
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(repeat):
        for name, run in VARIANTS.items():
            start = time.perf_counter()
            run(data)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) for name, times in samples.items()}


# --- Photos ----------------------------------------------------------------------------------


def usable_photos(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    usable, refused = [], []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix != ".md"):
        try:
            process_image(path.read_bytes(), **LIMITS)
        except ImageRejected as error:
            refused.append((path, f"{error.code}: {error.message}"))
        else:
            usable.append(path)
    return usable, refused


def synthetic_photos(usable: list[Path], folder: Path) -> list[Path]:
    """Upscale the largest usable JPEG to phone (12 MP) and camera (24 MP) sizes."""
    jpegs = {}
    for path in usable:
        with Image.open(path) as img:
            if img.format == "JPEG":
                jpegs[path] = img.width * img.height
    if not jpegs:
        return []
    with Image.open(max(jpegs, key=jpegs.get)) as source:
        img = source.convert("RGB")
    made = []
    for name, size, orientation in (("12mp_orient6", (4032, 3024), 6), ("24mp", (6000, 4000), 1)):
        exif = Image.Exif()
        exif[ExifTags.Base.Orientation] = orientation
        path = folder / f"synthetic_{name}.jpg"
        img.resize(size, Image.Resampling.BICUBIC).save(path, "JPEG", quality=92, exif=exif)
        made.append(path)
    return made


# --- Report ---------------------------------------------------------------------------------

COLUMNS = ("photo", "MP", "pipe ms", "naive ms", "draft ms", "p/naive", "p/draft", "p/colour", "pipe MB", "naive MB",
           "mem p/n", "stored")
ROW = "{:<30} {:>5} {:>8} {:>8} {:>8} {:>7} {:>7} {:>8} {:>8} {:>8} {:>7}  {:>10}"


def row(name, mp, times, memory, stored=""):
    pipe, naive, draft, colour = (times[v] for v in VARIANTS)
    mem = [memory[v] / 2**20 for v in ("pipeline", "baseline")]
    return ROW.format(name[:30], f"{mp:.1f}", f"{pipe * 1e3:.0f}", f"{naive * 1e3:.0f}", f"{draft * 1e3:.0f}",
                      f"{pipe / naive:.2f}", f"{pipe / draft:.2f}", f"{pipe / colour:.2f}", f"{mem[0]:.0f}",
                      f"{mem[1]:.0f}", f"{mem[0] / mem[1]:.2f}" if mem[1] >= 1 else "-", stored)


def report(photos: list[Path], repeat: int) -> dict:
    """One row per photo; returns the figures by photo name (times in s, peak memory in bytes)."""
    print(ROW.format(*COLUMNS))
    figures = {}
    for path in photos:
        with Image.open(path) as img:
            mp = img.width * img.height / 1e6
        data = path.read_bytes()
        times = measure_time(data, repeat)
        memory = {variant: measure_memory(variant, path)["rss_peak"] for variant in ("pipeline", "baseline")}
        result = process_image(data, **LIMITS)
        print(row(path.name, mp, times, memory, f"{result.width}×{result.height}"), flush=True)
        figures[path.name] = {"times": times, "memory": memory}
    print("p/naive, p/draft, p/colour: pipeline time ÷ baseline time (below 1: the pipeline is faster); mem p/n"
          " likewise for peak RSS.\nnaive: open, exif_transpose, thumbnail, save; draft: the same after Image.draft()"
          " to the stored size (the fair baseline for JPEG); colour: naive plus a non-sRGB profile (Display P3)"
          " converted to sRGB after the shrink, as the pipeline does.")
    return figures


def ratios(figures: dict) -> dict:
    """The JSON figures: pipeline ÷ baseline on the synthetic 12 MP JPEG and over the HEIC photos."""
    result = {}
    twelve = figures.get("synthetic_12mp_orient6.jpg")
    if twelve:
        t, m = twelve["times"], twelve["memory"]
        result.update(ratio_time_12mp=round(t["pipeline"] / t["baseline"], 3),
                      ratio_time_12mp_draft=round(t["pipeline"] / t["draft"], 3),
                      ratio_memory_12mp=round(m["pipeline"] / m["baseline"], 3))
    heic = [f["times"] for name, f in figures.items() if name.lower().endswith((".heic", ".heif"))]
    if heic:
        result["ratio_time_heic"] = round(sum(t["pipeline"] for t in heic) / sum(t["baseline"] for t in heic), 3)
        result["ratio_time_heic_colour"] = round(sum(t["pipeline"] for t in heic) / sum(t["colour"] for t in heic), 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_measure(*args.child)
        return
    if not args.photos.is_dir():
        sys.exit(f"No photos folder at {args.photos} (use --photos or PAKN_PHOTO_FIXTURES).")
    usable, refused = usable_photos(args.photos)
    for path, reason in refused:
        print(f"skipped {path.name}: refused by the pipeline ({reason})")
    print(
        f"{len(usable)} photos, median of {args.repeat} runs, Pillow {Image.__version__}, "
        f"{os.cpu_count()} CPUs\n"
    )
    with tempfile.TemporaryDirectory() as scratch:
        extra = [] if args.no_synthetic else synthetic_photos(usable, Path(scratch))
        figures = report(usable + extra, args.repeat)
    if args.json:
        print(json.dumps(ratios(figures)))


if __name__ == "__main__":
    main()
