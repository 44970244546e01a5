"""Documents as they are published: web pages, PDF and Word files read into the same text.

The files are made by the tests themselves (tests/publish.py) from the text of the test
documents and of the real State Council documents; the derived text must be the text file's
lines, the page's metadata must be found, bad files must say what is wrong, and reading
must never open a connection.
"""

from __future__ import annotations

import hashlib
import io
import socket
import threading
import zipfile
from pathlib import Path

import pytest
from publish import (
    FIELDS_CENTRAL,
    docx_file,
    lines_of,
    pdf_file,
    roles,
    scanned_pdf,
    typeset,
    web_page,
)

from policykg.graph import docxtext, formats
from policykg.graph.errors import SourceFileError
from policykg.graph.formats import (
    DOCX,
    HTML,
    OLE2,
    PDF,
    TEXT,
    document_files,
    read_published,
    read_sources,
    sniff,
)
from policykg.graph.source import read_source

DATA = Path(__file__).parent / "data"
REAL = sorted((DATA / "real").glob("*.txt"))
DOCS = [DATA / "docs" / "taiyuan-city-plan.txt", DATA / "docs" / "jiangxi-measures.txt"]
ALL = [*DOCS, *REAL]
IDS = [p.stem[:24] for p in ALL]


def fields_for(text: str) -> dict[str, str]:
    """A metadata table as the central portal prints it, with the document's title and number."""
    lines = lines_of(text)
    r = roles(lines)
    return {
        "索引号": "000014349/2019-00013",
        "主题分类": "综合政务\\其他",
        "发文机关": "国务院办公厅",
        "成文日期": "2018年12月29日",
        "标题": lines[0] if r.title is not None else "关于促进煤炭行业平稳运行的意见",
        "发文字号": lines[r.number] if r.number is not None else "国办发〔2013〕104号",
        "发布日期": "2019年01月21日",
    }


# A provincial portal names the same fields differently.
PROVINCIAL_LABELS = {
    "发文机关": "发布机构",
    "成文日期": "生成日期",
    "发文字号": "文 号",
    "标题": "名称",
}


def provincial(fields: dict[str, str]) -> dict[str, str]:
    return {PROVINCIAL_LABELS.get(k, k): v for k, v in fields.items()}


def derived(raw: bytes, name: str):
    src = read_published(raw, name)
    assert src is not None
    return src


# -- the same text from every format -------------------------------------------------------


@pytest.mark.parametrize("path", ALL, ids=IDS)
@pytest.mark.parametrize("layout", ["central", "provincial"])
def test_web_page_gives_the_text_and_its_metadata(path, layout):
    text = path.read_text(encoding="utf-8")
    fields = fields_for(text)
    shown = fields if layout == "central" else provincial(fields)
    raw = web_page(text, shown, layout)
    src = derived(raw, path.stem + ".html")
    assert src.text.splitlines() == lines_of(text)
    assert src.text.endswith("\n")
    assert src.media_type == HTML
    assert src.encoding == ("utf-8" if layout == "central" else "gb18030")
    assert src.sha256 == hashlib.sha256(raw).hexdigest()
    assert dict(src.metadata) == fields
    assert src.declared_title and src.declared_title.startswith(lines_of(text)[0][:8])
    # nothing of the page's furniture reached the text
    furniture = ("当前位置", "相关稿件", "相关文件", "责任编辑", "版权所有", "网站声明", "发布时间")
    for piece in (*furniture, "扫一扫", "脚本里的文字", "隐藏的文字", "政策解读.pdf"):
        assert piece not in src.text


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_pdf_gives_the_text(path):
    text = path.read_text(encoding="utf-8")
    raw = pdf_file(text)
    src = derived(raw, path.stem + ".pdf")
    assert src.text.splitlines() == lines_of(text)
    assert (src.media_type, src.encoding) == (PDF, "")
    assert src.declared_title == lines_of(text)[0]
    assert "山西省人民政府公报" not in src.text and "— 1 —" not in src.text


def test_pdf_paragraphs_run_over_page_breaks_and_titles_join_by_size_alone():
    text = REAL[0].read_text(encoding="utf-8")
    pages = typeset(text)
    across = [a[-1].paragraph for a, b in zip(pages, pages[1:], strict=False)]
    across = [p for p, b in zip(across, pages[1:], strict=False) if b[0].paragraph == p]
    assert len(pages) > 5 and len(across) >= 3  # paragraphs broken by the page
    title_lines = [line for line in pages[0] if line.paragraph == 0]
    assert len(title_lines) >= 2  # the title is set over two lines
    src = derived(pdf_file(text, title=""), "no-info-title.pdf")  # no title in the Info
    assert src.declared_title is None
    assert src.text.splitlines() == lines_of(text)


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_docx_gives_the_text(path):
    text = path.read_text(encoding="utf-8")
    raw = docx_file(text)
    src = derived(raw, path.stem + ".docx")
    assert src.text.splitlines() == lines_of(text)
    assert (src.media_type, src.encoding) == (DOCX, "")


def test_docx_title_joins_without_the_declared_title():
    text = DOCS[0].read_text(encoding="utf-8")
    src = derived(docx_file(text, title=""), "x.docx")
    assert src.declared_title is None
    assert src.text.splitlines() == lines_of(text)


def test_docx_tables_in_order_and_a_merged_cell_once():
    from docx import Document

    document = Document()
    document.add_paragraph("关于开展试点工作的通知")
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "重点任务"
    table.cell(0, 2).text = "责任单位"
    table.cell(1, 0).text = "（一）加强领导。"
    table.cell(1, 1).text = "落实责任。"
    table.cell(1, 2).text = "市商务局"
    nested = table.cell(1, 2).add_table(rows=1, cols=1)
    nested.cell(0, 0).text = "市财政局"
    document.add_paragraph("本通知自印发之日起施行。")
    out = io.BytesIO()
    document.save(out)
    src = derived(out.getvalue(), "table.docx")
    assert src.text.splitlines() == [
        "关于开展试点工作的通知",
        "重点任务",
        "责任单位",
        "（一）加强领导。",
        "落实责任。",
        "市商务局",
        "市财政局",
        "本通知自印发之日起施行。",
    ]


@pytest.mark.slow
def test_the_same_document_in_every_format_answers_every_competency_question_alike(tmp_path):
    from policykg.graph.pipeline import build
    from policykg.graph.reference import load_reference
    from policykg.server.engine import OxigraphEngine

    path = DOCS[0]
    text = path.read_text(encoding="utf-8")
    files = {
        "txt": tmp_path / "plan.txt",  # the text as the derived texts lay it out
        "html": tmp_path / "plan.html",
        "pdf": tmp_path / "plan.pdf",
        "docx": tmp_path / "plan.docx",
    }
    files["txt"].write_text("".join(f"{line}\n" for line in lines_of(text)), encoding="utf-8")
    files["html"].write_bytes(web_page(text, provincial(fields_for(text)), "provincial"))
    files["pdf"].write_bytes(pdf_file(text))
    files["docx"].write_bytes(docx_file(text))
    queries = sorted((Path(__file__).parent.parent / "server" / "queries").glob("cq*.rq"))
    ref = load_reference()
    answers = {}
    for kind, file in files.items():
        engine = OxigraphEngine.from_dataset(build([file], reference=ref).dataset, None)
        answers[kind] = {q.stem: engine.select_rows(q.read_text(encoding="utf-8")) for q in queries}
    assert all(answers["txt"][q] for q in ("cq02-items", "cq03-responsibilities"))
    for kind in ("html", "pdf", "docx"):
        for query in answers["txt"]:
            assert answers[kind][query] == answers["txt"][query], (kind, query)


# -- content, not name -------------------------------------------------------------------


def test_formats_are_known_by_content_not_by_name(tmp_path):
    text = DOCS[1].read_text(encoding="utf-8")
    samples = {
        "page.txt": (web_page(text, fields_for(text)), HTML),
        "scan.html": (pdf_file(text), PDF),
        "plan.pdf": (docx_file(text), DOCX),
        "plan.docx": (text.encode("utf-8"), TEXT),
    }
    for name, (raw, kind) in samples.items():
        assert sniff(raw) == kind
        f = tmp_path / name
        f.write_bytes(raw)
        src = read_source(f)
        assert src.media_type == kind and src.file_name == name
        assert lines_of(src.text) == lines_of(text)


@pytest.mark.parametrize(
    "raw,kind",
    [
        (b"\xef\xbb\xbf<!DOCTYPE html><html><body>x</body></html>", HTML),
        (b"\n  <html lang=zh><p>x", HTML),
        (b"<!-- saved from url=(0049)http://www.gov.cn/ -->\n<html>", HTML),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
            HTML,
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", PDF),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), OLE2),
        ("《方案》<p>不是网页".encode(), TEXT),
        ("（一）加强领导。".encode("gb18030"), TEXT),
    ],
)
def test_sniff(raw, kind):
    assert sniff(raw) == kind


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


# -- bad files -----------------------------------------------------------------------------


def _refused(raw: bytes, name: str) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        read_published(raw, name)
    err = info.value
    assert name in err.message and err.hint
    return err


def test_scanned_pdf_has_no_text_layer():
    err = _refused(scanned_pdf(), "scan.pdf")
    assert "no text layer" in err.message and "OCR" in err.hint


def test_encrypted_pdf_needs_its_password():
    raw = pdf_file(DOCS[1].read_text(encoding="utf-8"), user_password="secret")
    err = _refused(raw, "locked.pdf")
    assert "encrypted" in err.message and "password" in err.message


def test_pdf_encrypted_with_an_empty_user_password_is_read():
    """Printing and copying restricted by an owner password: anyone may open it, so it is read."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    restricted = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    c = canvas.Canvas(out, encrypt=restricted, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 720, "Notice on the pilot programme of 2022")
    c.showPage()
    c.save()
    src = derived(out.getvalue(), "restricted.pdf")
    assert src.text == "Notice on the pilot programme of 2022\n"


def test_damaged_pdf():
    raw = pdf_file(DOCS[1].read_text(encoding="utf-8"))
    err = _refused(raw[: len(raw) // 3], "cut.pdf")
    assert "damaged" in err.message


@pytest.mark.parametrize(
    "raw",
    [
        docx_file(DOCS[1].read_text(encoding="utf-8"))[:3000],  # cut short
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"}),
    ],
    ids=["truncated", "broken-xml"],
)
def test_damaged_docx(raw):
    assert sniff(raw) == DOCX
    err = _refused(raw, "broken.docx")
    assert "damaged" in err.message and "save it again" in err.hint


def test_docx_that_expands_too_far_is_refused(monkeypatch):
    raw = docx_file(DOCS[1].read_text(encoding="utf-8"))
    monkeypatch.setattr(docxtext, "MAX_EXPANDED_BYTES", 20_000)
    err = _refused(raw, "bomb.docx")
    assert "too large" in err.message


@pytest.mark.parametrize(
    "raw,what",
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), ".doc"),
        (b"{\\rtf1\\ansi \\'b9\\'d8}", "Rich Text"),
        (_zip({"mimetype": formats.ODT.encode(), "content.xml": b"<x/>"}), ".odt"),
        (_zip({"a.txt": b"x"}), "ZIP archive"),
    ],
    ids=["doc-wps", "rtf", "odt", "zip"],
)
def test_formats_policykg_does_not_read_say_what_to_do(raw, what):
    err = _refused(raw, "old-file")
    assert what in err.message
    assert ".docx" in err.hint or "unpack" in err.hint


def test_doc_refusal_exits_2_from_the_command_line(tmp_path, runner):
    f = tmp_path / "plan.wps"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    result = runner("build", str(f), "--output", str(tmp_path / "o.nq"))
    assert result.exit_code == 2
    assert "save it as .docx" in result.output
    assert not (tmp_path / "o.nq").exists()


def test_web_page_without_policy_text():
    raw = (
        "<!DOCTYPE html><html><head><title>政策文件_山西省人民政府</title></head><body>"
        '<div class="nav"><a href="/">首页</a> <a href="/zc/">政策</a></div>'
        '<ul class="list">'
        + "".join(
            f'<li><a href="/zc/{n}.htm">关于印发第{n}号实施方案的通知</a></li>' for n in range(30)
        )
        + '</ul><div class="footer">主办：山西省人民政府办公厅</div></body></html>'
    ).encode()
    err = _refused(raw, "list.html")
    assert "no policy text" in err.message and "full text" in err.hint


def test_web_page_that_cannot_be_decoded():
    raw = b"<html><head><meta charset=utf-8></head><body>" + bytes(range(0x80, 0x100)) * 4
    err = _refused(raw, "garbled.html")
    assert "cannot be decoded" in err.message


def test_image_is_binary_not_a_document():
    err = _refused((DATA / "docs" / "binary.bin").read_bytes(), "binary.bin")
    assert "binary" in err.message and "image/png" in err.message


# -- nothing is fetched --------------------------------------------------------------------


class Listener:
    """A loopback server that counts the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.count = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.count += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener(monkeypatch):
    """A counting listener, and every outbound connection attempt recorded and refused."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        attempts.append(address)
        raise OSError("policykg tests: no connection may be made while reading")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    server = Listener()
    server.attempts = attempts
    server.real_connect = real_connect
    yield server
    server.close()


def test_listener_counts_connections(listener):
    s = socket.socket()
    listener.real_connect(s, listener.sock.getsockname())
    s.close()
    for _ in range(50):
        if listener.count:
            break
        threading.Event().wait(0.02)
    assert listener.count == 1


def test_reading_a_web_page_fetches_nothing(listener, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-VALUE", encoding="utf-8")
    text = DOCS[1].read_text(encoding="utf-8")
    page = web_page(text, fields_for(text)).decode("utf-8")
    u = listener.url
    page = page.replace(
        "<head>",
        f'<head><base href="{u}/"><meta http-equiv="refresh" content="0;url={u}/r">'
        f'<link rel="stylesheet" href="{u}/a.css"><script src="{u}/a.js"></script>'
        f'<link rel="import" href="file://{secret}">',
        1,
    ).replace(
        '<div class="pages_content">',
        f'<div class="pages_content"><img src="{u}/i.png"><iframe src="{u}/f"></iframe>'
        f'<object data="{u}/o"></object><video src="{u}/v"></video>',
        1,
    )
    xhtml = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html SYSTEM "{u}/x.dtd" '
        f'[<!ENTITY s SYSTEM "file://{secret}">]>\n' + page.split("\n", 1)[1]
    ).replace("<p>", "<p>&s;", 1)
    for raw in (page.encode("utf-8"), xhtml.encode("utf-8")):
        src = derived(raw, "page.html")
        assert "SECRET" not in src.text
        assert lines_of(text)[1] in src.text.splitlines()
    assert listener.count == 0 and listener.attempts == []


def test_reading_a_docx_fetches_nothing(listener, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-VALUE", encoding="utf-8")
    text = DOCS[1].read_text(encoding="utf-8")
    u = listener.url
    with zipfile.ZipFile(io.BytesIO(docx_file(text))) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    rels = members["word/_rels/document.xml.rels"].decode()
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/image" Target="{u}/logo.png" TargetMode="External"/>'
        f'<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/attachedTemplate" Target="{u}/t.dotx" TargetMode="External"/>'
        f'<Relationship Id="rIdX3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/hyperlink" Target="file://{secret}" TargetMode="External"/>'
        "</Relationships>",
    )
    members["word/_rels/document.xml.rels"] = rels.encode()
    body = members["word/document.xml"].decode()
    decl, rest = body.split("?>", 1)
    body = (
        f'{decl}?><!DOCTYPE w:document SYSTEM "{u}/w.dtd" '
        f'[<!ENTITY s SYSTEM "file://{secret}">]>' + rest.replace("<w:t>", "<w:t>&s;", 1)
    )
    members["word/document.xml"] = body.encode()
    src = derived(_zip(members), "linked.docx")
    assert "SECRET" not in src.text
    assert lines_of(text)[1] in src.text.splitlines()
    assert listener.count == 0 and listener.attempts == []


def test_reading_a_pdf_fetches_nothing(listener, tmp_path):
    from reportlab.pdfgen import canvas

    text = DOCS[1].read_text(encoding="utf-8")
    raw = pdf_file(text)
    u = listener.url
    # a page with a link, a launch action and a reference to a remote PDF
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "links")
    c.linkURL(f"{u}/uri", (72, 700, 200, 720))
    c.showPage()
    c.save()
    linked = out.getvalue().replace(
        b"/Type /Catalog",
        f"/Type /Catalog /OpenAction << /S /GoToR /F ({u}/remote.pdf) /D [0 /Fit] >> "
        f"/AA << /WC << /S /Launch /F ({u}/run) >> >>".encode(),
        1,
    )
    assert read_published(raw, "plain.pdf") is not None
    with pytest.raises(SourceFileError):  # a page of one word has no text layer to speak of
        read_published(linked, "linked.pdf")
    assert listener.count == 0 and listener.attempts == []


# -- folders -------------------------------------------------------------------------------


def test_a_folder_of_saved_pages_and_attachments(tmp_path):
    text = DOCS[1].read_text(encoding="utf-8")
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "b-page.html").write_bytes(web_page(text, fields_for(text)))
    (folder / "a-plan.pdf").write_bytes(pdf_file(text))
    (folder / "c-plan.docx").write_bytes(docx_file(text))
    (folder / "d-plan.txt").write_text(text, encoding="utf-8")
    (folder / "e-old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    (folder / "style.css").write_text(
        "/* 页面样式 */\nbody { font-family: SimSun; margin: 0 auto; }\n", encoding="utf-8"
    )
    (folder / "jquery.js").write_text("$(function(){ $('.nav').show(); });\n", encoding="utf-8")
    (folder / "logo.png").write_bytes((DATA / "docs" / "binary.bin").read_bytes())
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "b-page_files").mkdir()
    (folder / "b-page_files" / "frame.html").write_text("<html><p>框架</p></html>")
    notes: list[str] = []
    files = document_files(folder, notes.append)
    assert [f.name for f in files] == [
        "a-plan.pdf",
        "b-page.html",
        "c-plan.docx",
        "d-plan.txt",
        "e-old.doc",
    ]
    skipped = " ".join(notes)
    for name in ("style.css", "jquery.js", "logo.png", ".DS_Store", "b-page_files"):
        assert name in skipped

    notes.clear()
    sources = read_sources([folder], notes.append)
    assert [s.media_type for s in sources.texts] == [PDF, HTML, DOCX, TEXT]
    assert all(lines_of(s.text) == lines_of(text) for s in sources.texts)
    assert [str(e).split(":")[0] for e in sources.failures] == ["e-old.doc"]
    assert any("e-old.doc" in n and "skipped" in n for n in notes)


def test_read_sources_goes_on_after_a_bad_file(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(DOCS[1].read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(scanned_pdf())
    sources = read_sources([bad, good, tmp_path / "missing.pdf"], lambda _m: None)
    assert [s.file_name for s in sources.texts] == ["good.txt"]
    assert len(sources.failures) == 2


def test_central_page_fields_are_named_as_on_the_portal():
    assert set(FIELDS_CENTRAL) <= {*fields_for(DOCS[0].read_text(encoding="utf-8")), "主题分类"}
