"""Tiny but valid image files for the generated sites' `<img>` tags.

An 8×8 grey baseline JPEG (one block: a DC difference of 0 and an end of
block, with one-code Huffman tables) or a 1×1 PNG, each carrying its path in
a comment so that no two images share a payload digest. A few hundred bytes
each: enough for a crawl, a WARC record and a browser's replay.
"""

from __future__ import annotations

import struct
import zlib


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">HH", 0xFF00 | marker, len(payload) + 2) + payload


def tiny_jpeg(note: str = "") -> bytes:
    """An 8×8 mid-grey baseline JPEG with `note` in a COM segment."""
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return b"".join([
        b"\xff\xd8",
        _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
        _segment(0xFE, note.encode("utf-8")[:60000]),
        _segment(0xDB, b"\x00" + b"\x01" * 64),  # quantization table 0: all ones
        _segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00"),  # 8 bits, 8×8, one component
        _segment(0xC4, b"\x00" + one_code),  # DC table 0: category 0
        _segment(0xC4, b"\x10" + one_code),  # AC table 0: end of block
        _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
        b"\x3f",  # DC "0", EOB "0", padded with ones
        b"\xff\xd9",
    ])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png(note: str = "") -> bytes:
    """A 1×1 grey PNG with `note` in a tEXt chunk."""
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)),
        _chunk(b"tEXt", b"Comment\x00" + note.encode("latin-1", "replace")),
        _chunk(b"IDAT", zlib.compress(b"\x00\x80\x80\x80")),
        _chunk(b"IEND", b""),
    ])


def image_bytes(path: str) -> bytes:
    """A valid image for `path`, by its suffix (PNG for .png, else JPEG)."""
    return tiny_png(path) if path.lower().endswith(".png") else tiny_jpeg(path)
