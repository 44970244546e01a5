"""Test helpers: a document's text published as a government would, as a web page, PDF or Word file.

Each helper takes the text of a test document (one paragraph per line, as in
tests/data/docs and tests/data/real) and returns the bytes of a file that holds the same
paragraphs in that format's layout, so that the derived text can be compared with the
text it came from:

- ``web_page(text, fields, layout)``: a page in the layout of the central portal
  (``"central"``: navigation, breadcrumb, a metadata table, the title split by ``<br>``
  inside the text block, related links, footer) or of a provincial portal
  (``"provincial"``: GB18030-encoded, the metadata as a list, the title as a heading above
  the text block, paragraphs wrapped in the HTML source, a signature block split by
  ``<br>``);
- ``pdf_file(text)``: an A4 PDF set like an official document (GB/T 9704: 16 pt body in
  lines of 28 characters, 2-character indents, the title in 22 pt over two lines, right-
  aligned signature), with a running header, a footer and page numbers ``— n —`` on every
  page and paragraphs that run over page breaks (reportlab, its built-in CID font
  STSong-Light: no font file needed);
- ``docx_file(text)``: a Word file (python-docx) with the title split by a line break,
  the signature block in a table and the document's core title set.

``lines_of(text)`` gives the lines the derived text must have (the layout rules of
graph/derived.py applied to the text file).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

FIELDS_CENTRAL = ("索引号", "主题分类", "发文机关", "成文日期", "标题", "发文字号", "发布日期")
_NUMBER = re.compile(r"^\S{2,12}[〔\[［(（]\d{4}[〕\]］)）]\d+号$")
_DATE = re.compile(r"^\S*\d{4}年\d{1,2}月\d{1,2}日$|^[〇零一二三四五六七八九十]+年")


def lines_of(text: str) -> list[str]:
    """The text's paragraphs by the derived text's rules: stripped ends, no blank lines."""
    out = []
    for line in text.splitlines():
        line = line.strip(" \t\u00a0")
        if line.strip("\u3000"):
            out.append(line)
    return out


def title_split(title: str) -> int:
    """Where a long title is broken over two lines (after 关于印发 when it has it)."""
    if "关于印发" in title:
        return title.index("关于印发") + len("关于印发")
    return len(title) // 2


@dataclass(frozen=True)
class Roles:
    """What each line of a document is, as a typesetter would see it."""

    title: int | None  # index of the notice (or only) title, or None (one-line documents)
    number: int | None
    addressees: int | None
    signature: frozenset[int]  # the issuer and date lines under the notice, right-aligned
    headings: frozenset[int]  # the body title, centred


def roles(lines: Sequence[str]) -> Roles:
    """The roles of a document's lines (first line the title; number, addressees, signature)."""
    if len(lines) < 2:
        return Roles(None, None, None, frozenset(), frozenset())
    number = next((k for k, line in enumerate(lines[:4]) if _NUMBER.match(line)), None)
    addressees = next(
        (k for k, line in enumerate(lines[:5]) if line.endswith(("：", ":")) and "。" not in line),
        None,
    )
    signature = set()
    for k, line in enumerate(lines[:30]):
        if _DATE.match(line.strip("\u3000")) and len(line) <= 30:
            signature.add(k)
            if k > 0 and len(lines[k - 1]) <= 20 and "。" not in lines[k - 1]:
                signature.add(k - 1)
            break
    headings = set()
    if signature:
        last = max(signature)
        for k in range(last + 1, min(last + 4, len(lines))):
            line = lines[k].strip("\u3000")
            if len(line) <= 40 and not re.search(r"[。；：:，]", line) and "此件" not in line:
                headings.add(k)
                break
    return Roles(0, number, addressees, frozenset(signature), frozenset(headings))


# -- web pages ---------------------------------------------------------------------------


def web_page(text: str, fields: Mapping[str, str], layout: str = "central") -> bytes:
    """The text as a saved page of a central (UTF-8) or provincial (GB18030) portal."""
    lines = lines_of(text)
    if layout == "central":
        return _central_page(lines, fields).encode("utf-8")
    if layout == "provincial":
        return _provincial_page(lines, fields).encode("gb18030")
    raise ValueError(layout)


def _title_html(lines: Sequence[str], r: Roles) -> tuple[str, str]:
    """The title as HTML split by <br>, and the text of <title>."""
    if r.title is None:
        return "", lines[0][:30]
    title = lines[r.title]
    cut = title_split(title)
    return f"{html.escape(title[:cut])}<br/>{html.escape(title[cut:])}", title


def _central_page(lines: Sequence[str], fields: Mapping[str, str]) -> str:
    r = roles(lines)
    title_html, title = _title_html(lines, r)
    body = []
    for k, line in enumerate(lines):
        text = html.escape(line)
        if k == r.title:
            body.append(f'<p style="text-align: center;"><strong>{title_html}</strong></p>')
        elif k == r.number or k in r.headings:
            body.append(f'<p style="text-align: center;">{text}</p>')
        elif k in r.signature:
            body.append(f'<p style="text-align: right;">{text}&nbsp;&nbsp;</p>')
        elif k == r.addressees:
            body.append(f"<p>{text}</p>")
        else:
            # an item title in bold, an entity for a quotation mark, a trailing &nbsp;
            m = re.match(r"^(（[一二三四五六七八九十]+）[^。]{1,30}。)(.*)$", line)
            if m:
                text = f"<strong>{html.escape(m.group(1))}</strong>{html.escape(m.group(2))}"
            text = text.replace("“", "&ldquo;").replace("”", "&rdquo;")
            body.append(f'<p style="text-indent: 2em;">{text}&nbsp;</p>')
    table = "".join(
        f"<tr><td><b>{'&nbsp;'.join(k)}：</b></td><td>{html.escape(v)}</td></tr>"
        for k, v in fields.items()
    )
    related = "".join(
        f'<li><a href="/zhengce/{n}.htm">{t}</a></li>'
        for n, t in enumerate(
            ("国务院政策例行吹风会：解读有关政策", "图解：一图读懂最新政策", "有关负责人答记者问")
        )
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>{html.escape(title)}_国务院文件_中国政府网</title>
<link rel="stylesheet" href="/css/common.css">
<script src="/js/jquery.min.js"></script>
<script>var pageTitle = "不是正文。这是脚本里的文字。";</script>
<style>.pages_content p {{ text-indent: 2em; }}</style>
</head>
<body>
<div class="header">
  <div class="topbar"><a href="/">首页</a> | <a href="/big5/">繁</a> |
  <a href="/english/">EN</a> | <a href="/login">登录</a></div>
  <ul class="nav"><li><a href="/guowuyuan/">国务院</a></li><li><a href="/premier/">总理</a></li>
  <li><a href="/xinwen/">新闻</a></li><li><a href="/zhengce/">政策</a></li>
  <li><a href="/hudong/">互动</a></li><li><a href="/fuwu/">服务</a></li>
  <li><a href="/shuju/">数据</a></li><li><a href="/guoqing/">国情</a></li></ul>
  <form class="search"><input type="text" value="请输入关键词"><button>搜索</button></form>
</div>
<div class="BreadcrumbNav">当前位置：<a href="/">首页</a> &gt; <a href="/zhengce/">政策</a> &gt;
<a href="/zhengce/zhengceku/">国务院政策文件库</a> &gt;
<a href="/zhengce/xxgk/">国务院文件</a></div>
<div class="wrap">
<div class="policyLibraryOverview_header"><table class="bd1" border="1">{table}</table></div>
<table width="100%"><tbody><tr><td class="b12c" id="UCAP-CONTENT">
<div class="pages_content">
{chr(10).join(body)}
</div>
<div style="display:none">隐藏的文字，不是正文。</div>
</td></tr></tbody></table>
<div class="related"><h3>相关稿件</h3><ul>{related}</ul></div>
<div class="editor">【我要纠错】 责任编辑：张三</div>
<div class="share">扫一扫在手机打开当前页 <img src="/images/qrcode.png" alt="二维码"></div>
</div>
<div class="footer">
<p>主办单位：国务院办公厅　运行维护单位：中国政府网运行中心</p>
<p>版权所有：中国政府网　中文域名：中国政府网.政务</p>
<p>网站标识码bm01000001　京ICP备05070218号　京公网安备11010202000001号</p>
</div>
</body></html>
"""


def _wrap_source(text: str, width: int = 36) -> str:
    """HTML source broken into lines between Chinese characters, as editors save it."""
    out, run = [], 0
    for k, c in enumerate(text):
        out.append(c)
        run += 1
        nxt = text[k + 1] if k + 1 < len(text) else ""
        if run >= width and ord(c) > 0x2E80 and nxt and ord(nxt) > 0x2E80:
            out.append("\n")
            run = 0
    return "".join(out)


def _provincial_page(lines: Sequence[str], fields: Mapping[str, str]) -> str:
    r = roles(lines)
    title_html, title = _title_html(lines, r)
    body, k = [], 0
    while k < len(lines):
        text = html.escape(lines[k])
        if k == r.title:
            k += 1
            continue
        if k in r.signature and k + 1 in r.signature:
            nxt = html.escape(lines[k + 1])
            body.append(f'<p style="text-align:right">{text}<br>\n{nxt}&nbsp;</p>')
            k += 2
            continue
        style = ' align="center"' if k == r.number or k in r.headings else ""
        body.append(f"<p{style}><span>{_wrap_source(text)}</span></p>")
        k += 1
    items = "".join(
        f"<li><span>{'&nbsp;'.join(k)}：</span>{html.escape(v)}</li>" for k, v in fields.items()
    )
    heading = f'<h1 class="article-title">{title_html}</h1>' if title_html else ""
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{html.escape(title)} - 政府文件 - 山西省人民政府</title>
<link href="../css/style.css" rel="stylesheet" type="text/css">
</head><body>
<div id="top"><a href="/">首页</a> <a href="/yw/">要闻动态</a> <a href="/zwgk/">政务公开</a>
<a href="/bs/">办事服务</a> <a href="/hd/">互动交流</a></div>
<div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt;
<a href="/zfwj/">政府文件</a></div>
<div class="xxgk-info"><ul>{items}</ul></div>
<div class="article">
{heading}
<div class="article-info">发布时间：2022-09-26 09:30　来源：省政府办公厅　【字体：<a href="#">大</a>
<a href="#">中</a> <a href="#">小</a>】</div>
<div class="TRS_Editor" id="zoom"><div class="Custom_UnionStyle">
{chr(10).join(body)}
</div></div>
<div class="attachments">附件：<a href="P020220926.pdf">政策解读.pdf</a></div>
</div>
<div class="related"><h4>相关文件</h4><ul>
<li><a href="/x1">关于做好有关工作的通知</a><span>2022-09-20</span></li>
<li><a href="/x2">政策解读：一图读懂</a><span>2022-09-27</span></li></ul></div>
<div id="footer">
<p>网站声明：本网站所刊登的各种新闻、信息和各种专题专栏资料，均为本网站版权所有，未经协议授权禁止下载使用。</p>
<p>主办：山西省人民政府办公厅　承办：山西省政务信息管理局　晋ICP备05003024号</p>
<p>为了达到最佳浏览效果，建议使用IE8及以上版本浏览器。</p>
</div>
</body></html>
"""


# -- PDF ---------------------------------------------------------------------------------

PAGE_W, PAGE_H = 595.27, 841.89  # A4 in points
BODY_PT, TITLE_PT, HEADER_PT, FOOTER_PT = 16.0, 22.0, 10.5, 14.0
CHARS_PER_LINE, LINES_PER_PAGE, PITCH = 28, 22, 28.95
LEFT = (PAGE_W - CHARS_PER_LINE * BODY_PT) / 2
RIGHT = LEFT + CHARS_PER_LINE * BODY_PT
TOP = PAGE_H - 110
_FONT = "STSong-Light"


@dataclass(frozen=True)
class Placed:
    """A line set on a page: its text, size, left edge, and the paragraph it belongs to."""

    text: str
    size: float
    x: float
    paragraph: int
    spacing: float = 0.0  # extra space after each character: a justified line fills the measure


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    return _FONT


def _width(text: str, size: float) -> float:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.stringWidth(text, _font(), size)


def _wrap(text: str, size: float, first_width: float, width: float) -> list[str]:
    """Lines of at most the width, broken only between two non-ASCII characters."""
    lines, start, limit = [], 0, first_width
    while start < len(text):
        end = start
        while end < len(text) and _width(text[start : end + 1], size) <= limit + 0.01:
            end += 1
        if end < len(text):
            # step back to a place between two wide characters
            cut = end
            while cut > start + 1 and (ord(text[cut - 1]) < 0x2E80 or ord(text[cut]) < 0x2E80):
                cut -= 1
            end = cut if cut > start + 1 else end
        lines.append(text[start:end])
        start, limit = end, width
    return lines


def typeset(text: str) -> list[list[Placed]]:
    """The document's lines set on pages as an official document is (without running heads)."""
    lines = lines_of(text)
    r = roles(lines)
    placed: list[Placed] = []
    width = RIGHT - LEFT
    for k, line in enumerate(lines):
        if k == r.title or k in r.headings:
            for piece in _wrap(line, TITLE_PT, width, width):
                placed.append(Placed(piece, TITLE_PT, (PAGE_W - _width(piece, TITLE_PT)) / 2, k))
        elif k == r.number:
            placed.append(Placed(line, BODY_PT, (PAGE_W - _width(line, BODY_PT)) / 2, k))
        elif k in r.signature:
            x = RIGHT - 4 * BODY_PT - _width(line, BODY_PT)
            placed.append(Placed(line, BODY_PT, x, k))
        else:
            indent = 0 if k == r.addressees or line.startswith("\u3000") else 2 * BODY_PT
            pieces = _wrap(line, BODY_PT, width - indent, width)
            for j, piece in enumerate(pieces):
                x = LEFT + (indent if j == 0 else 0)
                # every line but a paragraph's last is justified, as Word sets 公文
                spare = RIGHT - x - _width(piece, BODY_PT)
                spacing = spare / (len(piece) - 1) if j < len(pieces) - 1 and len(piece) > 1 else 0
                placed.append(Placed(piece, BODY_PT, x, k, spacing))
    return [placed[i : i + LINES_PER_PAGE] for i in range(0, len(placed), LINES_PER_PAGE)]


def pdf_file(
    text: str,
    header: str = "山西省人民政府公报　2022年第10期",
    title: str | None = None,
    user_password: str | None = None,
) -> bytes:
    """The text as a PDF set like an official document, with running heads and page numbers."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    encrypt = None
    if user_password is not None:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(user_password, ownerPassword="owner", strength=128)
    c = canvas.Canvas(out, pagesize=A4, invariant=1, encrypt=encrypt)
    c.setTitle(title if title is not None else lines_of(text)[0])
    c.setAuthor("policykg tests")
    font = _font()
    pages = typeset(text)
    for n, page in enumerate(pages, start=1):
        c.setFont(font, HEADER_PT)
        c.drawCentredString(PAGE_W / 2, PAGE_H - 60, header)
        c.line(LEFT, PAGE_H - 66, RIGHT, PAGE_H - 66)
        for i, line in enumerate(page):
            lines = c.beginText(line.x, TOP - i * PITCH)
            lines.setFont(font, line.size)
            lines.setCharSpace(line.spacing)
            lines.textOut(line.text)
            lines.setCharSpace(0)  # the text state outlives the text object
            c.drawText(lines)
        c.setFont(font, FOOTER_PT)
        c.drawCentredString(PAGE_W / 2, 56, f"— {n} —")
        c.showPage()
    c.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A PDF whose pages are pictures only: no text layer, as a scanner makes them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    for _ in range(2):
        for k in range(22):  # lines of "text" drawn as bars
            c.rect(LEFT, TOP - k * PITCH, 300 + (k * 37) % 140, 10, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()


# -- Word --------------------------------------------------------------------------------


def docx_file(text: str, title: str | None = None) -> bytes:
    """The text as a Word file: title split by a line break, signature block in a table."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lines = lines_of(text)
    r = roles(lines)
    document = Document()
    document.styles["Normal"].font.size = Pt(BODY_PT)
    if title is None:
        title = lines[r.title] if r.title is not None else ""
    document.core_properties.title = title[:255]
    k = 0
    while k < len(lines):
        line = lines[k]
        if k in r.signature:
            block = [j for j in range(k, len(lines)) if j in r.signature]
            table = document.add_table(rows=len(block), cols=1)
            for row, j in zip(table.rows, block, strict=True):
                cell = row.cells[0].paragraphs[0]
                cell.text = lines[j]
                cell.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            k += len(block)
            continue
        paragraph = document.add_paragraph()
        if k == r.title:
            cut = title_split(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            first = paragraph.add_run(line[:cut])
            first.font.size = Pt(TITLE_PT)
            first.add_break()  # Shift+Enter: a line break inside the paragraph
            paragraph.add_run(line[cut:]).font.size = Pt(TITLE_PT)
        elif k in r.headings:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(line).font.size = Pt(TITLE_PT)
        else:
            if k == r.number:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif k != r.addressees and not line.startswith("\u3000"):
                paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
            paragraph.add_run(line)
        k += 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
