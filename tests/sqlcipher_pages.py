"""Read an SQLCipher 4 database file (and its WAL) as plaintext pages, with the raw data key: the bytes
that are on the disk once decrypted, free pages and freed cells included (which SQL cannot see).

SQLCipher 4 with a raw key: AES-256-CBC over each page less its 80 reserved bytes (a 16-byte IV, then a
64-byte HMAC); the first 16 bytes of page 1 are the salt, not encrypted.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVED = 80
WAL_HEADER, FRAME_HEADER = 32, 24


def _decrypt_page(page: bytes, key: bytes, first: bool) -> bytes:
    iv = page[PAGE - RESERVED : PAGE - RESERVED + 16]
    start = 16 if first else 0
    dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return dec.update(page[start : PAGE - RESERVED]) + dec.finalize()


def plaintext(path: Path, key: bytes) -> bytes:
    """Every page of the file and every frame of its WAL, decrypted and joined."""
    out = bytearray()
    data = path.read_bytes()
    for i in range(0, len(data) - PAGE + 1, PAGE):
        out += _decrypt_page(data[i : i + PAGE], key, first=i == 0)
    wal = Path(str(path) + "-wal")
    if wal.exists():
        frames = wal.read_bytes()[WAL_HEADER:]
        step = FRAME_HEADER + PAGE
        for i in range(0, len(frames) - step + 1, step):
            number = int.from_bytes(frames[i : i + 4], "big")
            out += _decrypt_page(frames[i + FRAME_HEADER : i + step], key, first=number == 1)
    return bytes(out)
