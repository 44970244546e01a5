"""Reading source files: encodings, line ends, checksums and the errors for bad input."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pytest

from policykg.graph.errors import InputError, SourceFileError
from policykg.graph.source import looks_chinese, read_source, read_source_text

DOCS = Path(__file__).parent / "data" / "docs"
CORPUS = "jinzhengbanfa-2022-77.txt"


def corpus_path() -> Path:
    return Path(str(resources.files("policykg.corpus") / CORPUS))


def test_bundled_corpus_reads_as_utf8_with_file_offsets():
    path = corpus_path()
    raw = path.read_bytes()
    src = read_source(path)
    assert src.encoding == "utf-8"
    assert src.file_name == CORPUS
    assert src.sha256 == hashlib.sha256(raw).hexdigest()
    assert src.text == raw.decode("utf-8")  # already \n: offsets equal the file's
    assert src.text.startswith("山西省人民政府办公厅关于印发")


def test_read_source_text_matches_read_source_for_the_corpus():
    path = corpus_path()
    from_text = read_source_text(path.read_text(encoding="utf-8"), CORPUS)
    assert from_text == read_source(path)


def test_bom_is_stripped_and_not_counted(tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbf" + "标题\n正文。\n".encode())
    src = read_source(f)
    assert src.encoding == "utf-8-sig"
    assert src.text == "标题\n正文。\n"
    assert src.sha256 == hashlib.sha256(f.read_bytes()).hexdigest()


def test_bom_in_memory_text_is_stripped():
    src = read_source_text("\ufeff标题\r\n正文。", "x.txt")
    assert (src.text, src.encoding) == ("标题\n正文。", "utf-8-sig")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("一\r\n二\r\n".encode(), "一\n二\n"),
        ("一\r二\r".encode(), "一\n二\n"),
        ("一\r\n\r二\n".encode(), "一\n\n二\n"),
    ],
)
def test_line_ends_are_normalised(tmp_path, raw, expected):
    f = tmp_path / "crlf.txt"
    f.write_bytes(raw)
    assert read_source(f).text == expected


def test_gb18030_copy_decodes_to_the_same_text():
    utf8 = read_source(DOCS / "taiyuan-city-plan.txt")
    gb = read_source(DOCS / "taiyuan-city-plan.gb18030.txt")
    assert gb.encoding == "gb18030"
    assert gb.text == utf8.text
    assert gb.sha256 != utf8.sha256  # the checksum is of the bytes
    assert (
        gb.sha256
        == hashlib.sha256((DOCS / "taiyuan-city-plan.gb18030.txt").read_bytes()).hexdigest()
    )


def test_gbk_crlf_file(tmp_path):
    f = tmp_path / "gbk.txt"
    f.write_bytes("关于印发方案的通知\r\n（一）加强领导。\r\n".encode("gbk"))
    src = read_source(f)
    assert src.encoding == "gb18030"
    assert src.text == "关于印发方案的通知\n（一）加强领导。\n"


def _error(path) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        read_source(path)
    assert isinstance(info.value, InputError)
    assert info.value.hint  # always says what to do next
    return info.value


def test_missing_file(tmp_path):
    e = _error(tmp_path / "nope.txt")
    assert "no such file" in e.message and "nope.txt" in e.message


def test_directory(tmp_path):
    assert "is a directory" in _error(tmp_path).message


def test_empty_file():
    e = _error(DOCS / "empty.txt")
    assert "empty" in e.message and "empty.txt" in e.message


def test_whitespace_only_file(tmp_path):
    f = tmp_path / "blank.txt"
    f.write_text(" \n\u3000\u3000\r\n\t\n", encoding="utf-8")
    assert "white space only" in _error(f).message


def test_binary_file():
    e = _error(DOCS / "binary.bin")
    assert "binary" in e.message


def test_binary_without_nul_bytes(tmp_path):
    f = tmp_path / "ctl.dat"
    f.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20 + b"abc")
    assert "binary" in _error(f).message


def test_latin1_file_names_the_encodings_tried():
    e = _error(DOCS / "latin1.txt")
    assert "cannot be decoded" in e.message
    assert "UTF-8" in e.message and "GB18030" in e.message
    assert "iconv" in e.hint


def test_latin1_that_happens_to_decode_as_gb18030_is_refused(tmp_path):
    raw = "Très bien, très élevés!".encode("latin-1")
    raw.decode("gb18030")  # it does decode, into rare characters
    f = tmp_path / "fr.txt"
    f.write_bytes(raw)
    assert "GB18030" in _error(f).message


def test_looks_chinese():
    assert looks_chinese("（一）加大助企纾困力度。“三品一标”，《方案》")
    assert not looks_chinese("plain ASCII")
    assert not looks_chinese("Tr鑣 bien, tr鑣 閘ev閟")


def test_error_str_carries_the_hint(tmp_path):
    text = str(_error(tmp_path / "nope.txt"))
    assert "\n" in text and "UTF-8" in text
