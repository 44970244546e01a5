"""The layouts of real documents (docs/genre.md): every document of tests/data/real builds,
and the test documents written for each form give the structure read off their text.

Expected values were worked out by reading the texts (the real documents' numbers, dates
and issuers are also in their .source.md files), not by running the parser.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from policykg.cli.main import run_query_file
from policykg.graph.model import Document
from policykg.graph.parse import parse_document
from policykg.graph.source import read_source, read_source_text

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
DOCS = DATA / "docs"
SECTION = "https://w3id.org/policykg/id/concept/section/"
PKID = "https://w3id.org/policykg/id/"

# file prefix → (number, issuer, issue date, parts, items, items restart in every part)
REAL_DOCUMENTS = {
    "01": ("国办发〔2018〕128号", "国务院办公厅", date(2018, 12, 29), 4, 19, True),
    "02": ("国发〔2018〕38号", "国务院", date(2018, 11, 7), 5, 53, False),
    "03": ("国发〔2019〕4号", "国务院", date(2019, 1, 24), 7, 20, False),
    "04": ("国发〔2019〕5号", "国务院", date(2019, 1, 27), 4, 10, True),
    "05": ("国办发〔2019〕6号", "国务院办公厅", date(2019, 1, 22), 8, 27, False),
    "06": ("国办发〔2019〕2号", "国务院办公厅", date(2019, 1, 1), 6, 17, True),
    "07": ("国办函〔2018〕71号", "国务院办公厅", date(2018, 10, 27), 5, 14, True),
    "08": ("国办发〔2018〕123号", "国务院办公厅", date(2018, 12, 7), 5, 13, True),
    "09": ("国办发〔2018〕118号", "国务院办公厅", date(2018, 12, 5), 6, 23, False),
    "10": ("国办发〔2018〕115号", "国务院办公厅", date(2018, 12, 4), 4, 12, False),
    "11": ("国办发〔2018〕127号", "国务院办公厅", date(2018, 12, 26), 5, 11, True),
    "12": ("国办发〔2019〕3号", "国务院办公厅", date(2019, 1, 9), 4, 0, False),
    "13": ("国办发〔2013〕104号", "国务院办公厅", date(2013, 11, 18), 5, 0, False),
}


def real_path(prefix: str) -> Path:
    [path] = REAL.glob(f"{prefix}-*.txt")
    return path


@pytest.fixture(scope="module")
def real() -> dict[str, Document]:
    return {prefix: parse_document(read_source(real_path(prefix))) for prefix in REAL_DOCUMENTS}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One graph of the test documents of this module and four real documents."""
    from policykg.graph.pipeline import build
    from policykg.graph.rdfio import write_dataset

    paths = [DOCS / "henan-opinion.txt", DOCS / "luoyang-notice.txt"]
    paths += [real_path(p) for p in ("01", "02", "12", "13")]
    out = tmp_path_factory.mktemp("layouts") / "layouts.nq"
    write_dataset(build(paths).dataset, out)
    return out


def rows(data: Path, query: str) -> list[dict[str, str]]:
    """The CSV rows of a shipped query on the graph file."""
    with resources.as_file(resources.files("policykg.server") / "queries" / query) as path:
        text = run_query_file(path, data, "csv")
    return list(csv.DictReader(io.StringIO(text)))


def of(table: list[dict[str, str]], document: str) -> list[dict[str, str]]:
    return [r for r in table if r["document"] == PKID + document]


# -- every real document -------------------------------------------------------------------


@pytest.mark.parametrize("prefix", sorted(REAL_DOCUMENTS))
def test_every_real_document_builds_its_structure(real, prefix):
    number, issuer, issued, parts, items, restart = REAL_DOCUMENTS[prefix]
    doc = real[prefix]
    assert (doc.number.text, doc.issuer.text, doc.issued) == (number, issuer, issued)
    assert (len(doc.parts), len(doc.items), doc.items_restart) == (parts, items, restart)
    assert doc.release_note.text == "此件公开发布"
    assert doc.measures, "every one of them states measures"
    # nothing fits nowhere, no numbering breaks
    assert [p for p in doc.all_paragraphs if p.role == "unplaced"] == []
    assert [w for w in doc.warnings if w.kind == "numbering"] == []
    # every span is the source's text at its offsets
    text = doc.source.text
    spans = [m.span for m in doc.measures] + [p.span for p in doc.all_paragraphs]
    spans += [i.title for i in doc.items] + [p.title for p in doc.parts if p.title]
    assert all(text[s.begin : s.end] == s.text and s.text == s.text.strip() for s in spans)


def test_real_01_sections_and_items_restarting_per_part(real):
    doc = real["01"]
    assert [p.title.text for p in doc.parts] == ["总体要求", "主要任务", "实施步骤", "保障措施"]
    assert [len(p.items) for p in doc.parts] == [5, 6, 4, 4]
    assert [[i.ordinal for i in p.items] for p in doc.parts][1] == [1, 2, 3, 4, 5, 6]
    general = doc.parts[0]
    assert general.section == SECTION + "general-requirements"
    # the principles and goals of 总体要求 are paragraphs, not measures
    assert [m for i in general.items for m in i.measures] == []
    principles = general.items[2]
    assert (principles.title.text, principles.section) == ("基本原则", SECTION + "principles")
    assert [p.span.text[:13] for p in principles.paragraphs] == [
        "坚持问题导向，注重创新驱动",
        "坚持因地制宜，注重分类施策",
        "坚持系统集成，注重协同联动",
        "坚持理念先行，倡导全民参与",
    ]
    goals = general.items[3]
    assert (goals.title.text, goals.section) == ("试点目标", SECTION + "goals")
    assert goals.paragraphs[0].span.text.startswith("到2020年，系统构建")
    task = doc.parts[1].items[0]
    assert task.title.text == "强化顶层设计引领，发挥政府宏观指导作用"
    assert len(task.measures) == 4  # its paragraph and the three that continue it
    assert [len(i.measures) for i in doc.parts[2].items + doc.parts[3].items] == [1] * 8


def test_real_02_measures_items_and_a_closing_part_of_paragraphs(real):
    doc = real["02"]
    assert (
        doc.title.text
        == doc.notice_title.text
        == ("国务院关于支持自由贸易试验区深化改革创新若干措施的通知")
    )
    assert doc.document_type == "notice"
    assert [i.ordinal for i in doc.items] == list(range(1, 54))
    assert [len(p.items) for p in doc.parts] == [16, 19, 12, 6, 0]
    assert doc.items[12].title.text == "支持在自贸试验区设置商标受理窗口"
    assert len(doc.measures) == 53
    last = doc.parts[-1]
    assert last.title.text == "切实做好组织实施"
    assert [p.span.text[:6] for p in last.paragraphs] == [
        "坚持党的领导",
        "维护国家安全",
        "强化组织管理",
        "狠抓工作落实",
    ]
    assert last.measures == []


def test_real_12_numbered_measures_directly_under_parts_and_a_closing_paragraph(real):
    doc = real["12"]
    assert [p.title.text for p in doc.parts] == ["总体要求", "工作任务", "工作措施", "组织实施"]
    assert doc.items == []
    assert [[m.printed for m in p.measures] for p in doc.parts] == [
        [],
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
    ]
    assert doc.parts[1].measures[0].span.text.startswith("城镇小区严格依标配建幼儿园。")
    assert doc.parts[1].measures[0].label == "1."
    [principle] = doc.parts[0].paragraphs
    assert principle.section == SECTION + "general-requirements"
    [closing] = doc.paragraphs
    assert closing.role == "closing"
    assert closing.span.text.endswith("要及时报送治理工作联合办公室。")


def test_real_13_a_copy_without_line_breaks(real):
    doc = real["13"]
    assert "\n" not in doc.source.text.strip()
    assert doc.title.text == "国务院办公厅关于促进煤炭行业平稳运行的意见"
    assert [a.text for a in doc.addressees] == [
        "各省、自治区、直辖市人民政府",
        "国务院各部委、各直属机构",
    ]
    assert doc.preamble.text.startswith("2012年以来") and doc.preamble.text.endswith("以下意见：")
    # each part is run into its text, which is one measure closed by its clause
    assert [len(p.measures) for p in doc.parts] == [1] * 5
    assert [p.title for p in doc.parts] == [None] * 5
    first = doc.parts[0].measures[0]
    assert first.span.text.startswith("坚决遏制煤炭产量无序增长")
    assert first.span.text.endswith("促进煤炭集约化生产。")
    assert first.clause.span.text == "能源局、煤矿安监局、发展改革委按职责分工负责"
    [closing] = doc.paragraphs
    assert closing.span.text.startswith("促进煤炭行业平稳运行任务紧迫")


def test_real_04_and_05_without_notice_wrapper(real):
    doc = real["04"]
    assert doc.notice_title is None and doc.document_type == "opinion"
    assert doc.title.text.startswith("国务院关于在市场监管领域全面推行")
    assert [p.section for p in doc.parts[:2]] == [
        SECTION + "general-requirements",
        SECTION + "goals",
    ]
    assert [len(p.paragraphs) for p in doc.parts[:2]] == [5, 2]
    closing = real["05"].paragraphs
    assert [p.role for p in closing] == ["closing"]
    assert closing[0].span.text.startswith("各地区、各部门要充分认识")


def test_the_sentences_of_a_notice_wrapper_are_kept_as_notice_paragraphs(real):
    [issued] = real["01"].notice_paragraphs
    assert issued.role == "notice" and issued.ordinal == 1
    assert issued.span.text == (
        "《“无废城市”建设试点工作方案》已经国务院同意，现印发给你们，请认真贯彻执行。"
    )
    assert real["01"].source.text[issued.span.begin : issued.span.end] == issued.span.text
    # a forwarding notice's instructions: every sentence between addressees and signature
    forwarded = real["06"].notice_paragraphs
    assert len(forwarded) == 3 and forwarded[1].span.text.startswith("各试点城市要按照《方案》")
    # documents that are their own notice, or have none, have no notice paragraphs
    assert real["02"].notice_paragraphs == [] and real["04"].notice_paragraphs == []


def test_notice_paragraphs_are_in_the_graph(built):
    query = """
    PREFIX pkg: <https://w3id.org/policykg/ontology#>
    PREFIX eli: <http://data.europa.eu/eli/ontology#>
    PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
    PREFIX prov: <http://www.w3.org/ns/prov#>
    SELECT ?p ?doc ?text WHERE {
      ?p pkg:paragraphRole pkg:paragraph-notice ; eli:is_part_of ?doc ;
         prov:wasDerivedFrom/nif:anchorOf ?text .
    }"""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(built), format=ox.RdfFormat.N_QUADS)
    found = {
        (r["p"].value, r["text"].value) for r in store.query(query, use_default_graph_as_union=True)
    }
    assert (
        PKID + "doc/国办发/2018/128/notice/paragraph/1",
        "《“无废城市”建设试点工作方案》已经国务院同意，现印发给你们，请认真贯彻执行。",
    ) in found


@pytest.mark.slow
def test_goal_targets_and_deadlines_of_real_documents_are_the_documents(built):
    bounds = of(rows(built, "cq05-time-bounds.rq"), "doc/国办发/2018/128")
    goal = [r for r in bounds if r["expression"] == "到2020年" and not r["measure"]]
    assert [(r["part"], r["item"], r["end"]) for r in goal] == [("1", "4", "2020-12-31")]
    reporting = of(rows(built, "cq05-time-bounds.rq"), "doc/国办发/2019/3")
    assert all(r["part"] for r in reporting)  # stated in numbered measures of parts
    quantities = of(rows(built, "cq06-quantities.rq"), "doc/国办发/2018/128")
    assert ("1", "5", "", "10", "个", "approx") in {
        (r["part"], r["item"], r["measure"], r["value"], r["unit"], r["comparator"])
        for r in quantities
    }


# -- documents written for the tests ---------------------------------------------------------


def parse(name: str) -> Document:
    return parse_document(read_source(DOCS / name))


def test_opinion_without_notice_wrapper_issuer_only_in_its_signature():
    doc = parse("henan-opinion.txt")
    assert doc.notice_title is None
    assert (doc.title.text, doc.number.text) == (
        "关于促进县域商业体系建设的意见",
        "豫政〔2023〕12号",
    )
    assert (doc.issuer.text, doc.issued) == ("河南省人民政府", date(2023, 3, 15))
    assert doc.document_type == "opinion" and doc.release_note.text == "此件公开发布"
    assert [a.text for a in doc.addressees] == ["各市、县人民政府", "省人民政府各部门"]
    assert doc.basis[0].number.text == "商流通函〔2021〕99号"
    assert doc.warnings == []


def test_items_restarting_per_part_sections_and_measures_under_a_part():
    doc = parse("henan-opinion.txt")
    assert doc.items_restart
    assert [[(i.part, i.ordinal) for i in p.items] for p in doc.parts] == [
        [(1, 1), (1, 2), (1, 3)],
        [(2, 1), (2, 2)],
        [(3, 1), (3, 2)],
        [],
    ]
    guiding, principles, goals = doc.parts[0].items
    assert [i.section for i in doc.parts[0].items] == [
        SECTION + "guiding-thought",
        SECTION + "principles",
        SECTION + "goals",
    ]
    assert (guiding.measures, principles.measures, goals.measures) == ([], [], [])
    assert [p.span.text[:6] for p in principles.paragraphs] == ["坚持市场主导", "坚持统筹推进"]
    assert [len(i.measures) for i in doc.items[3:]] == [1, 2, 1, 1]
    measures = doc.parts[3].measures
    assert [(m.ordinal, m.label, m.printed) for m in measures] == [(1, "1.", 1), (2, "2.", 2)]
    assert (
        measures[1].span.text
        == "加大资金支持。统筹用好中央财政服务业发展资金，支持县域商业项目建设。"
    )
    assert [r.name for r in measures[1].clause.responsibilities] == ["省财政厅", "省商务厅"]
    [closing] = doc.paragraphs
    assert (closing.role, closing.span.text) == (
        "closing",
        "各市、县人民政府每年1月底前将上一年工作进展报送省商务厅。",
    )


def test_notice_without_number_issuer_in_its_title_numbered_measures_and_attachments():
    doc = parse("luoyang-notice.txt")
    assert doc.number is None
    assert doc.title.text == "洛阳市夜间经济提升行动方案"
    assert doc.issuer.text == "洛阳市人民政府办公厅"  # from the notice title: no signature
    assert doc.notice_title.text.startswith(doc.issuer.text + "关于印发")
    assert (doc.issued, doc.document_type) == (date(2023, 5, 8), "action-plan")
    assert [i.ordinal for i in doc.items] == [1, 2, 3, 4] and not doc.items_restart
    first = doc.items[0]
    assert [(m.printed, m.span.text) for m in first.measures] == [
        (1, "改造老城十字街，完善街区照明和停车设施。"),
        (2, "提升洛邑古城，丰富夜间演艺项目。"),
    ]
    # a part that is one paragraph with no title and a clause: measure 1 of the part
    reward = doc.parts[2]
    assert (reward.title, reward.items) == (None, [])
    assert [m.span.text for m in reward.measures] == [
        "对新评定为国家级夜间文化和旅游消费集聚区的，给予一次性奖励50万元。"
    ]
    assert [(p.role, p.span.text) for p in doc.paragraphs] == [
        ("attachment", "附件2"),
        ("attachment", "洛阳市夜间经济重点项目清单"),
        ("attachment", "1.老城十字街改造项目"),
        ("attachment", "2.洛邑古城夜游项目"),
    ]
    assert doc.warnings == []


def structure(doc: Document) -> list:
    return [
        (
            part.ordinal,
            part.title.text if part.title else None,
            [(m.ordinal, m.printed, m.span, m.clause) for m in part.measures],
            [
                (i.ordinal, i.title, [(m.ordinal, m.span, m.clause) for m in i.measures])
                for i in part.items
            ],
        )
        for part in doc.parts
    ]


@pytest.mark.parametrize(
    "name", ["henan-opinion.txt", "luoyang-notice.txt", "taiyuan-city-plan.txt"]
)
def test_a_copy_without_line_breaks_reads_the_same(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    flat = text.replace("\n", "")
    doc = parse_document(read_source_text(text, name))
    copy = parse_document(read_source_text(flat, name))

    # the same parts, items and measures: spans hold the copy's own offsets, so compare texts
    def texts(d: Document) -> list:
        return [
            [
                (m.ordinal, m.printed, m.span.text, m.clause and m.clause.span.text)
                for m in d.measures
            ],
            [(i.part, i.ordinal, i.title.text) for i in d.items],
            [(p.ordinal, p.title and p.title.text) for p in d.parts],
            (d.number, d.title.text, d.issuer.text, d.issued, d.release_note.text),
        ]

    assert texts(copy) == texts(doc)
    for m in copy.measures:
        assert flat[m.span.begin : m.span.end] == m.span.text


def test_numbering_past_one_thousand():
    doc = parse("numbering-past-1000.txt")
    assert [i.ordinal for i in doc.items] == list(range(1, 1003))
    assert (doc.items[999].label, doc.items[999].title.text) == ("（一千）", "推进第1000号项目")
    assert doc.items[1001].label == "（一千零二）"
    assert all(len(i.measures) == 1 for i in doc.items)
    assert doc.warnings == []


# -- the graph and the queries ---------------------------------------------------------------


def test_competency_rows_for_the_new_layouts(built):
    henan = "doc/豫政/2023/12"
    luoyang = "doc/洛阳市人民政府办公厅/2023-05-08/洛阳市夜间经济提升行动方案"
    documents = {r["document"]: r for r in rows(built, "cq01-documents.rq")}
    assert documents[PKID + luoyang]["number"] == ""
    assert documents[PKID + henan]["issuer"] == "河南省人民政府"
    items = of(rows(built, "cq02-items.rq"), henan)
    assert [(r["part"], r["item"]) for r in items] == [
        ("1", "1"),
        ("1", "2"),
        ("1", "3"),
        ("2", "1"),
        ("2", "2"),
        ("3", "1"),
        ("3", "2"),
        ("4", ""),
    ]
    assert items[3]["itemIRI"] == PKID + henan + "/part/2/item/1"
    text = of(rows(built, "cq09-measure-text.rq"), henan)
    under_part = [(r["part"], r["item"], r["measure"], r["printed"]) for r in text if not r["item"]]
    assert under_part == [("4", "", "1", "1"), ("4", "", "2", "2")]
    assert text[-1]["measureIRI"] == PKID + henan + "/part/4/measure/2"
    responsible = of(rows(built, "cq03-responsibilities.rq"), luoyang)
    assert ("3", "", "1", "市财政局") in {
        (r["part"], r["item"], r["measure"], r["agency"]) for r in responsible
    }
    targets = of(rows(built, "cq06-quantities.rq"), henan)
    goals = [(r["value"], r["unit"], r["comparator"]) for r in targets if not r["measure"]]
    assert goals == [("90", "%", "min"), ("95", "%", "min"), ("200", "个", "eq")]
    assert {r["part"] for r in targets if not r["measure"]} == {"1"}
    bounds = of(rows(built, "cq05-time-bounds.rq"), henan)
    outside = [(r["part"], r["item"], r["end"]) for r in bounds if not r["measure"]]
    # the goal 到2025年 (part 一, item 三) and the closing paragraph's 每年1月底前 (no part)
    assert outside[0] == ("", "", "") and outside[1] == ("1", "3", "2025-12-31")


@pytest.mark.slow
def test_new_layouts_conform_to_the_shapes(built):
    from rdflib import Dataset

    from policykg.shapes.validate import validate_dataset

    dataset = Dataset()
    dataset.parse(built, format="nquads")
    result = validate_dataset(dataset)
    assert result.conforms, result.text()


BADLY_READ = """某市促进消费若干措施

　　为促进消费，制定本措施。
　　（一）加强领导。建立工作机制。（市商务局负责）
　　（三）做好宣传。开展宣传活动。（市委宣传部负责）

某市人民政府办公厅
2022年10月8日
　　抄送：市委各部门，市人大常委会办公厅。
"""


def test_a_badly_read_document_says_so_in_the_graph_and_on_its_page(tmp_path):
    from policykg.graph.pipeline import build
    from policykg.graph.rdfio import write_dataset
    from policykg.server.app import create_app
    from policykg.server.linking import local_path

    source = tmp_path / "bad.txt"
    source.write_text(BADLY_READ, encoding="utf-8")
    result = build([source, DOCS / "henan-opinion.txt"])
    quality = result.quality["bad.txt"]
    assert (quality.numbering_breaks, quality.unplaced_paragraphs, quality.clauses) == (1, 1, 2)
    assert quality.unplaced_characters == len("抄送：市委各部门，市人大常委会办公厅。")
    assert result.quality["henan-opinion.txt"].problems() == []
    out = tmp_path / "g.nq"
    write_dataset(result.dataset, out)
    table = {}
    for r in rows(out, "cross/reading-quality.rq"):
        table.setdefault(r["title"], []).append(r["problem"])
    assert table["关于促进县域商业体系建设的意见"] == [""]
    assert sorted(table["某市促进消费若干措施"]) == [
        "1 paragraph(s) (19 characters) fit nowhere in the layout",
        "the numbering breaks at 1 place(s)",
    ]
    # a badly read document may not conform: its page is what is looked at here
    app = create_app({"DATA": str(out), "ALLOW_NONCONFORMING": True, "TESTING": True})
    bad = [d for d in result.documents if d.source.file_name == "bad.txt"][0]
    from policykg.graph.iris import parsed_document_iri

    page = app.test_client().get(
        local_path(str(parsed_document_iri(bad))), headers={"Accept": "text/html"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "读取质量 Reading quality" in html and "⚠ 请核对 Check:" in html
    assert "编号有 1 处中断" in html and "the numbering breaks at 1 place(s)" in html
