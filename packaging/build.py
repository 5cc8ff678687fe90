"""Build the self-contained app folder: ``uv run python packaging/build.py`` -> ``dist/MSHTDesk/``.

Renders the icon (``resources/icon.svg``) to .png and .ico with QtSvg, runs PyInstaller on
``packaging/mshtdesk.spec`` (one folder: the windowed ``MSHTDesk`` and the console ``mshtdesk``), strips
debugging symbols on Linux, then prints the folder's size and its largest parts. ``--check`` then runs
the frozen self-test. PyInstaller does not cross-compile: build the Windows folder on Windows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP_DIR = DIST / "MSHTDesk"
ICON_SVG = ROOT / "resources" / "icon.svg"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
WINDOWS = sys.platform == "win32"


def render_icon(svg: Path, out_dir: Path) -> tuple[Path, Path]:
    """The SVG as a 256-pixel PNG and a multi-size ICO (PNG-compressed entries, read by Windows Vista on)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not a valid SVG")

    def png(size: int) -> bytes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(data.data())

    out_dir.mkdir(parents=True, exist_ok=True)
    images = [(size, png(size)) for size in ICON_SIZES]
    png_path = out_dir / "mshtdesk.png"
    png_path.write_bytes(images[-1][1])
    ico_path = out_dir / "mshtdesk.ico"
    ico_path.write_bytes(ico(images))
    return png_path, ico_path


def ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file holding each (size, PNG bytes): a header, a directory, then the images."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    directory, blobs = b"", b""
    for size, data in images:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + directory + blobs


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def largest_parts(app_dir: Path, count: int = 12) -> list[tuple[int, str]]:
    """The biggest files and package folders, for keeping an eye on what the build pulls in."""
    internal = app_dir / "_internal"
    parts: list[tuple[int, str]] = []
    for child in internal.iterdir() if internal.is_dir() else ():
        if child.is_dir():
            if child.name == "PySide6":
                for sub in child.rglob("*"):
                    if sub.is_file() and sub.stat().st_size > 2_000_000:
                        parts.append((sub.stat().st_size, str(sub.relative_to(app_dir))))
                prefix = f"_internal{os.sep}PySide6"
                rest = folder_size(child) - sum(s for s, p in parts if p.startswith(prefix))
                parts.append((rest, f"{prefix} (the rest)"))
            else:
                parts.append((folder_size(child), str(child.relative_to(app_dir)) + os.sep))
        elif child.is_file() and not child.is_symlink():  # libraries linked from PySide6/ count there
            parts.append((child.stat().st_size, str(child.relative_to(app_dir))))
    return sorted(parts, reverse=True)[:count]


def strip_symbols(app_dir: Path) -> int:
    """Linux: drop the debugging symbols of libpython and the extension modules (about 45 MB); return the
    bytes saved. Qt's libraries come stripped, and the ``*.libs`` folders that auditwheel patched are left
    alone (stripping a patched library can break it). The frozen self-test proves the result still loads."""
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        return 0
    saved = 0
    for path in (app_dir / "_internal").rglob("*.so*"):
        skip = any(part.endswith(".libs") or part == "PySide6" for part in path.parts)
        if skip or path.is_symlink() or not path.is_file():
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", str(path)], check=False, capture_output=True)
        saved += before - path.stat().st_size
    return saved


def build() -> Path:
    render_icon(ICON_SVG, WORK / "icon")
    spec = ROOT / "packaging" / "mshtdesk.spec"
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK / "pyinstaller"),
        str(spec),
    ]
    subprocess.run(command, cwd=ROOT, check=True)
    if WINDOWS:  # see the spec: MSHTDesk.exe and mshtdesk.exe would be one file on Windows
        console = APP_DIR / "mshtdesk-console.exe"
        console.replace(APP_DIR / "mshtdesk.com")
    saved = strip_symbols(APP_DIR)
    if saved:
        print(f"Stripped {saved / 1e6:.0f} MB of debugging symbols.")
    return APP_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="run the frozen app's self-test after building")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if APP_DIR.exists():
        shutil.rmtree(APP_DIR)
    app_dir = build()
    took = time.monotonic() - started
    print(f"\nBuilt {app_dir} in {took:.0f} s: {folder_size(app_dir) / 1e6:.0f} MB. Largest parts:")
    for size, name in largest_parts(app_dir):
        print(f"  {size / 1e6:7.1f} MB  {name}")
    if args.check:
        console = app_dir / ("mshtdesk.com" if WINDOWS else "mshtdesk")
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        return subprocess.run([str(console), "--self-test"], env=env, check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
