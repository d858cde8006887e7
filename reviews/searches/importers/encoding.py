"""Opening a source as bytes, guessing its encoding, and reading it as lines with any line ends."""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

HEAD_SIZE = 1 << 16
CHUNK_SIZE = 1 << 16
_FALLBACK = "prismflow-bytewise"


def _bytewise(exc: UnicodeDecodeError) -> tuple[str, int]:
    # A stray byte the chosen codec cannot read (a mixed-encoding file, a truncated
    # character) is kept as its cp1252/Latin-1 character rather than dropped or crashing.
    bad = exc.object[exc.start : exc.end]
    return bad.decode("cp1252", errors="replace").replace("\ufffd", "?"), exc.end


codecs.register_error(_FALLBACK, _bytewise)


@contextmanager
def binary_stream(source) -> Iterator[BinaryIO]:
    """Yield a binary file object for a path, bytes or an already open binary file."""
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(bytes(source))
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            yield handle
    elif hasattr(source, "read"):
        yield source
    else:
        raise TypeError(f"cannot read records from {type(source).__name__}")


def read_head(stream: BinaryIO, size: int = HEAD_SIZE) -> bytes:
    """Read the first bytes and rewind when the stream allows it, else keep them in front."""
    head = stream.read(size)
    if not isinstance(head, bytes):
        raise TypeError("the source must be opened in binary mode")
    return head


class _Prefixed(io.RawIOBase):
    """A stream that replays bytes already read before the rest of an unseekable stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def peek(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """Return the head bytes and a stream that still starts at the beginning."""
    start = stream.tell() if stream.seekable() else None
    head = read_head(stream)
    if start is not None:
        stream.seek(start)
        return head, stream
    return head, io.BufferedReader(_Prefixed(head, stream))


def _looks_utf16(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nul > 0.3 * half and even_nul < 0.05 * half:
        return "utf-16-le"
    if even_nul > 0.3 * half and odd_nul < 0.05 * half:
        return "utf-16-be"
    return None


def _is_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _looks_gb18030(head: bytes) -> bool:
    # GBK/GB18030 Chinese text puts high bytes in pairs (lead 0x81-0xFE, trail >= 0x40);
    # Latin-1/cp1252 text has mostly lone high bytes between ASCII letters.
    pairs = singles = 0
    i, n = 0, len(head)
    while i < n:
        b = head[i]
        if b < 0x80:
            i += 1
            continue
        nxt = head[i + 1] if i + 1 < n else 0
        if 0x81 <= b <= 0xFE and nxt >= 0x80:
            pairs += 1
            i += 2
        else:
            singles += 1
            i += 1
    return pairs > 0 and pairs >= 3 * singles


def sniff_encoding(head: bytes) -> str:
    """Name the codec to read a file by its first bytes."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    utf16 = _looks_utf16(head)
    if utf16:
        return utf16
    if _is_utf8(head):
        return "utf-8"
    if _looks_gb18030(head):
        return "gb18030"
    return "cp1252"


def decode_head(head: bytes, encoding: str | None = None) -> str:
    """Decode the head of a file for format detection (newlines normalised)."""
    encoding = encoding or sniff_encoding(head)
    text = codecs.getincrementaldecoder(encoding)(errors=_FALLBACK).decode(head, final=False)
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def iter_text(stream: BinaryIO, encoding: str, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """Decode the stream in chunks with every line end (CRLF, CR, LF) turned into LF."""
    if encoding.startswith("utf-16"):
        yield from _iter_text_wide(stream, encoding, chunk_size)
        return
    # In UTF-8, GB18030 and cp1252 the bytes CR and LF only ever mean themselves, so line ends
    # are fixed on the bytes, which is several times faster than on text with non-ASCII.
    decoder = codecs.getincrementaldecoder(encoding)(errors=_FALLBACK)
    pending = b""
    while True:
        chunk = stream.read(chunk_size)
        eof = not chunk
        data = pending + chunk if pending else chunk
        pending = b""
        if not eof and data.endswith(b"\r"):
            # The LF of a CRLF may open the next chunk.
            pending, data = b"\r", data[:-1]
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
            if b"\r" in data:
                data = data.replace(b"\r", b"\n")
        text = decoder.decode(data, final=eof)
        if "\ufeff" in text:
            text = text.replace("\ufeff", "")
        if text:
            yield text
        if eof:
            return


def _iter_text_wide(stream: BinaryIO, encoding: str, chunk_size: int) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors=_FALLBACK)
    held_cr = False
    while True:
        data = stream.read(chunk_size)
        text = decoder.decode(data or b"", final=not data)
        if held_cr:
            text = "\r" + text
        held_cr = bool(data) and text.endswith("\r")
        if held_cr:
            text = text[:-1]
        if text:
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            if "\ufeff" in text:
                text = text.replace("\ufeff", "")
            yield text
        if not data:
            return


# Line breaks str.splitlines knows besides CR and LF; a chunk holding one is split the slow way,
# since in a record they are text, not line ends.
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _iter_decoded(stream: BinaryIO, encoding: str) -> Iterator[str]:
    """Decode the stream in chunks, line ends as they are (UTF-16 has them turned into LF)."""
    if encoding.startswith("utf-16"):
        yield from _iter_text_wide(stream, encoding, CHUNK_SIZE)
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors=_FALLBACK)
    while True:
        chunk = stream.read(CHUNK_SIZE)
        text = decoder.decode(chunk, final=not chunk)
        if text:
            yield text
        if not chunk:
            return


def _split_lines(text: str) -> list[str]:
    """The lines of text that ends with a line end (CRLF, CR or LF), without their ends."""
    if any(other in text for other in _OTHER_BREAKS):
        lines = text.replace("\r\n", "\n").replace("\r", "\n")[:-1].split("\n")
    else:
        # splitlines is several times faster than replacing CRLF and splitting on LF.
        lines = text.splitlines()
    if "\ufeff" in text:
        # Byte-order marks go wherever they are (files joined by concatenation).
        lines = [line.replace("\ufeff", "") for line in lines]
    return lines


def iter_line_blocks(stream: BinaryIO, encoding: str) -> Iterator[list[str]]:
    """Yield the lines of a stream in lists (one per decoded chunk), without line ends."""
    carry = ""
    for text in _iter_decoded(stream, encoding):
        if carry:
            text = carry + text
        # Cut after the last line end, but not after a CR that ends the chunk: its LF may
        # open the next one.
        cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
        carry = text[cut:]
        if cut:
            yield _split_lines(text[:cut])
    if carry.strip("\ufeff"):
        yield _split_lines(carry if carry.endswith("\r") else carry + "\n")


def iter_lines(stream: BinaryIO, encoding: str) -> Iterator[str]:
    """Yield the lines of a stream without their line ends (a last line needs none)."""
    for block in iter_line_blocks(stream, encoding):
        yield from block
