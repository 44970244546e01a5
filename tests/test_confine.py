"""Readers of published files run in a child with capped memory and CPU time
(graph/confine.py): a decompression bomb is refused with a clear message, the build goes
on with the other files, and a reader's own errors come back as they were raised."""

from __future__ import annotations

import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from policykg.graph.confine import reader_limits, run_confined
from policykg.graph.errors import SourceFileError
from policykg.graph.source import read_source

SAMPLE_TEXT = Path(__file__).parent / "data" / "docs" / "henan-opinion.txt"
MiB = 1024 * 1024


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * MiB))


def _spin() -> None:
    while True:
        pass


def _refuse(name: str) -> None:
    raise SourceFileError(f"{name}: refused by the reader", hint="the reader's hint")


def test_a_reader_answers_through_the_child():
    assert run_confined("x.pdf", _allocate, 8) == 8 * MiB


def test_a_reader_errors_come_back_whole():
    with pytest.raises(SourceFileError) as refused:
        run_confined("x.pdf", _refuse, "x.pdf")
    assert refused.value.message == "x.pdf: refused by the reader"
    assert refused.value.hint == "the reader's hint"


def test_a_reader_past_its_memory_is_refused_and_the_parent_lives():
    with reader_limits(memory_bytes=64 * MiB), pytest.raises(SourceFileError) as refused:
        run_confined("bomb.pdf", _allocate, 512)
    assert "bomb.pdf" in refused.value.message and "64 MiB" in refused.value.message
    assert "--max-reader-memory" in (refused.value.hint or "")


def test_a_reader_past_its_cpu_time_is_stopped():
    with reader_limits(cpu_seconds=1), pytest.raises(SourceFileError) as refused:
        run_confined("slow.pdf", _spin)
    assert "slow.pdf" in refused.value.message and "1 s" in refused.value.message


def bomb_pdf(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * MiB
    stream = b"".join(packer.compress(chunk) for _ in range(inflated // MiB)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_pdf_bomb_is_refused_by_the_reader(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(400 * MiB))
    assert bomb.stat().st_size < MiB  # within every input limit
    with reader_limits(memory_bytes=128 * MiB), pytest.raises(SourceFileError) as refused:
        read_source(bomb)
    assert "128 MiB" in refused.value.message


@pytest.mark.slow
def test_the_build_refuses_the_bomb_and_builds_the_rest(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(400 * MiB))
    out = tmp_path / "out.nq"
    done = subprocess.run(
        [sys.executable, "-m", "policykg.cli.main", "build", str(bomb), str(SAMPLE_TEXT)]
        + ["--output", str(out), "--max-reader-memory", "128", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "bomb.pdf" in done.stderr and "128 MiB" in done.stderr
    assert "Traceback" not in done.stderr
    assert "河南省" in out.read_text(encoding="utf-8")  # the other file was built
