"""The build's icon step (packaging/build.py): the SVG renders to a PNG and a multi-size ICO that Windows
reads (header, one directory entry per size, each pointing at a PNG)."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("packaging_build", ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_icon_renders_to_png_and_ico(qapp: object, tmp_path: Path) -> None:
    build = _build_module()
    png, ico = build.render_icon(ROOT / "resources" / "icon.svg", tmp_path)
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    data = ico.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(build.ICON_SIZES))
    for n, size in enumerate(build.ICON_SIZES):
        width, height, _c, _r, _p, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * n)
        assert width == height == (0 if size == 256 else size) and bits == 32
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + length <= len(data)
