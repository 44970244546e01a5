"""Parsing documents into their tree: the bundled corpus, the test documents, odd layouts."""

from __future__ import annotations

import json
import time
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from policykg.graph.errors import SourceFileError
from policykg.graph.model import Document
from policykg.graph.parse import document_type, parse_document
from policykg.graph.source import read_source, read_source_text

DOCS = Path(__file__).parent / "data" / "docs"
CORPUS = "jinzhengbanfa-2022-77.txt"


@pytest.fixture(scope="module")
def corpus() -> Document:
    text = (resources.files("policykg.corpus") / CORPUS).read_text(encoding="utf-8")
    return parse_document(read_source_text(text, CORPUS))


def responsibilities(doc: Document, item: int, measure: int) -> list[tuple[str, str]]:
    m = doc.items[item - 1].measures[measure - 1]
    assert m.clause is not None
    return [(r.name, r.role) for r in m.clause.responsibilities]


# -- the bundled corpus (expected values read from the document) ----------------------

CORPUS_ITEM_TITLES = [
    "围绕保市场主体加大助企纾困力度",
    "做好基本消费品保供稳价",
    "多措并举扩大住宿餐饮文旅消费",
    "创新消费业态和模式",
    "积极推进实物消费提质升级",
    "加力促进健康养老托育等服务消费",
    "持续拓展文化和旅游消费",
    "大力发展绿色消费",
    "充分挖掘县乡消费潜力",
    "推进消费平台健康持续发展",
    "加快健全消费品流通体系",
    "增加就业收入提高消费能力",
    "合理增加公共消费",
    "破除限制消费障碍壁垒",
    "健全消费标准体系",
    "加强消费领域执法监管",
    "全面加强消费者权益保护",
    "加强财政支持",
    "优化金融服务",
    "强化用地用房保障",
    "压实各方责任",
]
CORPUS_MEASURE_COUNTS = [11, 4, 2, 7, 4, 4, 3, 9, 4, 2, 2, 4, 4, 2, 2, 3, 2, 2, 3, 3, 3]
CORPUS_PART_TITLES = [
    "应对疫情影响，促进消费有序恢复发展",
    "全面创新提质，着力稳住消费基本盘",
    "完善支撑体系，不断增强消费发展综合能力",
    "持续深化改革，全力营造安全放心诚信消费环境",
    "强化保障措施，进一步夯实消费高质量发展基础",
]


def test_corpus_header(corpus):
    assert corpus.notice_title.text == (
        "山西省人民政府办公厅关于印发山西省进一步释放消费潜力促进消费持续恢复实施方案的通知"
    )
    assert corpus.number.text == "晋政办发〔2022〕77号"
    assert (corpus.number.issuer_code, corpus.number.year, corpus.number.serial) == (
        "晋政办发",
        2022,
        77,
    )
    assert [a.text for a in corpus.addressees] == ["各市、县人民政府", "省人民政府各委、办、厅、局"]
    assert corpus.issuer.text == "山西省人民政府办公厅"
    assert corpus.issued == date(2022, 9, 19)
    assert corpus.release_note.text == "此件公开发布"
    assert corpus.title.text == "山西省进一步释放消费潜力促进消费持续恢复的实施方案"
    assert corpus.document_type == "implementation-plan"
    assert (
        corpus.preamble.text
        == "按照《国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见》有关要求，"
        "结合我省实际，制定本方案。"
    )
    [basis] = corpus.basis
    assert basis.title == "国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见"
    assert basis.number is None
    assert corpus.printed_by.text == "山西省人民政府办公厅"
    assert corpus.printed == date(2022, 9, 19)
    assert corpus.warnings == []


def test_corpus_spans_are_the_source(corpus):
    text = corpus.source.text
    spans = [
        corpus.title,
        corpus.notice_title,
        corpus.number_span,
        corpus.issuer,
        corpus.release_note,
        corpus.preamble,
        corpus.printed_by,
        *corpus.addressees,
        *(b.span for b in corpus.basis),
    ]
    spans += [s for p in corpus.parts for s in (p.title, p.span)]
    spans += [s for i in corpus.items for s in (i.title, i.span)]
    for m in corpus.measures:
        spans += [m.span, m.clause.span, *(r.span for r in m.clause.responsibilities)]
        # the clause span is the inside of its brackets
        assert text[m.clause.span.begin - 1] in "（(" and text[m.clause.span.end] in "）)"
        assert m.span.text == m.span.text.strip() and m.span.text
    for s in spans:
        assert text[s.begin : s.end] == s.text


def test_corpus_parts_and_items(corpus):
    assert [p.title.text for p in corpus.parts] == CORPUS_PART_TITLES
    assert [p.label for p in corpus.parts] == ["一", "二", "三", "四", "五"]
    assert [p.ordinal for p in corpus.parts] == [1, 2, 3, 4, 5]
    assert [len(p.items) for p in corpus.parts] == [4, 5, 4, 4, 4]
    assert [i.ordinal for i in corpus.items] == list(range(1, 22))
    assert corpus.items[0].label == "（一）" and corpus.items[20].label == "（二十一）"
    assert [i.title.text for i in corpus.items] == CORPUS_ITEM_TITLES
    assert [len(i.measures) for i in corpus.items] == CORPUS_MEASURE_COUNTS
    assert corpus.items_without_part == []


def test_corpus_measure_texts(corpus):
    item1 = corpus.items[0].measures
    assert (
        item1[0].span.text
        == "落实好财政部、税务总局新的组合式税费支持政策和我省稳住经济一揽子减税退税降费优惠政策。"
    )
    assert item1[7].span.text == (
        "对企业防疫、消杀支出给予补贴支持。2022年，按照属地管理原则，对零售、餐饮企业和养老服务机构"
        "有关人员统一要求的核酸检测,各地政府给予全额补贴。"
    )
    assert corpus.items[9].measures[1].span.text == (
        "高标准打造中国（太原）国际能源产业博览会、中国杏花村国际酒业博览会、山西（运城）国际果品交易"
        "博览会等会展品牌，进一步提升山西品牌影响力。"
    )
    assert [m.span.text for m in corpus.items[20].measures] == [
        "充分发挥山西省完善促进消费体制机制厅际联席会议制度作用，强化协同联动，加强督办落实。",
        "按照国家统计局安排部署，开展服务消费统计监测，进一步建立健全网络消费等消费新业态新模式统计体系。",
        "压实属地责任，加强组织领导，完善配套方案，切实推动本方案提出的各项任务措施落地见效。",
    ]
    # the measure after 出租汽车（含网约车）: the non-clause bracket stays in the text
    assert (
        corpus.items[7]
        .measures[3]
        .span.text.endswith("出租汽车（含网约车）全部使用电动汽车、甲醇汽车。")
    )


def test_corpus_item1_responsibilities(corpus):
    s = "shared"
    expected = [
        [("省财政厅", s), ("省税务局", s)],
        [("人行太原中心支行", "lead")],
        [("省财政厅", s), ("省地方金融监管局", s)],
        [("省人社厅", s), ("省财政厅", s), ("省税务局", s)],
        [("省市场监管局", s), ("省发展改革委", s)],
        [("省发展改革委", s), ("省住建厅", s), ("省能源局", s)],
        [
            ("省市场监管局", s),
            ("省发展改革委", s),
            ("省民政厅", s),
            ("省财政厅", s),
            ("省工信厅", s),
        ],
        [("省财政厅", s), ("省卫健委", s)],  # written (省财政厅、省卫健委按职责分工负责）
        [
            ("省商务厅", s),
            ("省文旅厅", s),
            ("省交通厅", s),
            ("省发展改革委", s),
            ("省财政厅", s),
            ("省税务局", s),
        ],
        [("省人社厅", s), ("省税务局", s)],
        [
            ("省财政厅", s),
            ("省住建厅", s),
            ("省税务局", s),
            ("人行太原中心支行", s),
            ("山西银保监局", s),
        ],
    ]
    assert [responsibilities(corpus, 1, k) for k in range(1, 12)] == expected
    mixed = corpus.items[0].measures[7].clause
    text = corpus.source.text
    assert text[mixed.span.begin - 1] == "(" and text[mixed.span.end] == "）"


def test_corpus_tricky_clauses(corpus):
    assert responsibilities(corpus, 10, 2) == [
        ("省商务厅", "shared"),
        ("太原市人民政府", "shared"),
        ("吕梁市人民政府", "shared"),
        ("运城市人民政府", "shared"),
    ]
    spans = [r.span.text for r in corpus.items[9].measures[1].clause.responsibilities]
    assert spans == ["省商务厅", "太原市", "吕梁市", "运城市人民政府"]
    item8 = corpus.items[7].measures[0].clause
    assert [(r.name, r.role) for r in item8.responsibilities] == [
        ("省发展改革委", "shared"),
        ("省委宣传部", "shared"),
    ]
    assert item8.open_list
    last = corpus.items[20].measures
    assert last[0].clause.open_list
    assert [(r.name, r.role) for r in last[0].clause.responsibilities] == [
        ("省发展改革委", "shared"),
        ("省商务厅", "shared"),
    ]
    assert responsibilities(corpus, 21, 2) == [("省统计局", "sole")]
    assert responsibilities(corpus, 21, 3) == [("各市人民政府", "sole")]
    assert ("省粮食和储备局", "shared") in responsibilities(corpus, 2, 4)
    assert len(corpus.measures) == 80
    assert sum(m.clause.open_list for m in corpus.measures) == 2


def test_corpus_parses_fast(corpus):
    src = corpus.source
    best = min(_timed(lambda: parse_document(src)) for _ in range(5))
    assert best < 0.1


def _timed(f) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


# -- the test documents against their expected values -----------------------------------

EXPECTED = ["taiyuan-city-plan", "taiyuan-city-plan.gb18030", "jiangxi-measures"]


def _load(name: str) -> tuple[Document, dict]:
    expected = json.loads((DOCS / f"{name}.expected.json").read_text(encoding="utf-8"))
    source = read_source(DOCS / expected["file"])
    assert source.encoding == expected["encoding"]
    return parse_document(source), expected


@pytest.mark.parametrize("name", EXPECTED)
def test_document_header_matches_expected(name):
    doc, expected = _load(name)
    e = expected["document"]
    assert doc.notice_title.text == e["notice_title"]
    assert (doc.number.text, doc.number.issuer_code, doc.number.year, doc.number.serial) == (
        e["number"],
        e["issuer_code"],
        e["year"],
        e["serial"],
    )
    assert [a.text for a in doc.addressees] == e["addressees"]
    assert doc.issuer.text == e["issuer"]
    assert doc.issued.isoformat() == e["issued"]
    assert doc.release_note.text == e["release_note"]
    assert doc.title.text == e["title"]
    assert doc.document_type == e["document_type"]
    assert [(b.title, b.number.text if b.number else None) for b in doc.basis] == [
        (b["title"], b["number"]) for b in e["basis"]
    ]
    assert doc.printed_by.text == e["printed_by"]
    assert doc.printed.isoformat() == e["printed"]
    assert doc.warnings == []


@pytest.mark.parametrize("name", EXPECTED)
def test_document_structure_matches_expected(name):
    doc, expected = _load(name)
    assert [(p.ordinal, p.label, p.title.text) for p in doc.parts] == [
        (p["ordinal"], p["label"], p["title"]) for p in expected["parts"]
    ]
    got_items = [(i.ordinal, i.label, i.title.text) for i in doc.items]
    assert got_items == [(i["ordinal"], i["label"], i["title"]) for i in expected["items"]]
    part_of = {i.ordinal: p.ordinal for p in doc.parts for i in p.items}
    assert [part_of.get(i.ordinal) for i in doc.items] == [i["part"] for i in expected["items"]]
    if not expected["parts"]:
        assert doc.items_without_part == doc.items


@pytest.mark.parametrize("name", EXPECTED)
def test_document_measures_match_expected(name):
    doc, expected = _load(name)
    text = doc.source.text
    for item, e_item in zip(doc.items, expected["items"], strict=True):
        got = [
            (
                m.ordinal,
                m.span.text,
                m.clause.open_list,
                [(r.name, r.role) for r in m.clause.responsibilities],
            )
            for m in item.measures
        ]
        want = [
            (
                m["ordinal"],
                m["text"],
                m["open_list"],
                [(r["name"], r["role"]) for r in m["responsibilities"]],
            )
            for m in e_item["measures"]
        ]
        assert got == want, item.label
        for m in item.measures:
            assert text[m.span.begin : m.span.end] == m.span.text
            for r in m.clause.responsibilities:
                assert text[r.span.begin : r.span.end] == r.span.text


def test_sub_items_continue_their_item():
    doc, _ = _load("jiangxi-measures")
    item2 = doc.items[1]
    assert item2.title.text == "促进汽车消费"
    assert item2.span.text.startswith("2.促进汽车消费。") and item2.span.text.endswith(
        "（省公安厅负责）"
    )
    # the sub-item label is not part of the measure
    assert item2.measures[0].span.text.startswith("开展新能源汽车下乡活动")
    assert item2.measures[1].span.text.startswith("优化二手车")


# -- layouts and warnings ------------------------------------------------------------------


def parse_text(text: str) -> Document:
    return parse_document(read_source_text(text, "t.txt"))


MINIMAL = """某市促进消费若干措施

　　为贯彻落实《某省促进消费的实施方案》（某政办发〔2022〕5号），制定本措施。
{body}
"""


def test_document_without_notice_header():
    doc = parse_text(MINIMAL.format(body="　　（一）加强领导。建立工作机制。（市商务局牵头负责）"))
    assert doc.notice_title is None and doc.number is None and doc.issuer is None
    assert doc.title.text == "某市促进消费若干措施"
    assert doc.document_type == "measures"
    assert doc.basis[0].number.text == "某政办发〔2022〕5号"
    [item] = doc.items_without_part
    assert (item.label, item.title.text, item.measures[0].span.text) == (
        "（一）",
        "加强领导",
        "建立工作机制。",
    )


def test_text_after_the_last_clause_is_a_measure_with_a_warning():
    doc = parse_text(
        MINIMAL.format(body="　　（一）加强领导。建立机制。（市商务局负责）做好宣传。")
    )
    [m1, m2] = doc.items[0].measures
    assert m1.span.text == "建立机制。"
    assert m2.span.text == "做好宣传。" and m2.clause is None
    [w] = doc.warnings
    line, col = 4, doc.source.text.split("\n")[3].index("做好宣传") + 1
    assert (w.line, w.column) == (line, col)
    assert "做好宣传" in w.message and str(w).startswith(f"line {line}, column {col}")


def test_a_parts_introduction_is_a_paragraph_of_the_part():
    doc = parse_text(
        MINIMAL.format(
            body="　　一、总体要求\n　　坚持稳中求进。\n"
            "　　（一）加强领导。建立机制。（市商务局负责）"
        )
    )
    assert doc.warnings == []
    [part] = doc.parts
    assert [(p.role, p.span.text) for p in part.paragraphs] == [("content", "坚持稳中求进。")]
    assert part.items[0].title.text == "加强领导"
    assert part.section and part.section.endswith("/general-requirements")


def test_paragraph_that_fits_nowhere_is_kept_with_a_warning():
    doc = parse_text(
        MINIMAL.format(
            body="　　（一）加强领导。建立机制。（市商务局负责）\n\n"
            "某市人民政府办公厅\n2022年10月8日\n"
            "　　抄送：市委办公室。"
        )
    )
    [w] = doc.warnings
    assert "fits nowhere" in w.message and (w.line, w.column) == (8, 3)
    [p] = doc.paragraphs
    assert (p.role, p.span.text) == ("unplaced", "抄送：市委办公室。")
    assert doc.source.text[p.span.begin : p.span.end] == p.span.text


@pytest.mark.parametrize("label", ["1.", "1．", "1、", "(1)", "（1）"])
def test_arabic_item_numbering(label):
    second = label.replace("1", "2")
    doc = parse_text(
        MINIMAL.format(
            body=f"　　{label}加强领导。建立机制。（市商务局负责）\n"
            f"　　{second}做好宣传。开展活动。（市委宣传部负责）"
        )
    )
    assert [(i.ordinal, i.label, i.title.text) for i in doc.items] == [
        (1, label, "加强领导"),
        (2, second, "做好宣传"),
    ]
    assert doc.warnings == []


def test_title_only_item_is_its_own_measure():
    doc = parse_text(MINIMAL.format(body="　　（一）加强组织领导。（市商务局负责）"))
    [item] = doc.items
    assert item.title.text == "加强组织领导"
    assert item.measures[0].span.text == "加强组织领导。"


def test_items_numbered_afresh_in_every_part():
    doc = parse_text(
        MINIMAL.format(
            body="　　一、甲\n　　（一）加强领导。建立机制。（市商务局负责）\n"
            "　　二、乙\n　　（一）做好宣传。开展活动。（市委宣传部负责）"
        )
    )
    assert [(i.part, i.ordinal) for i in doc.items] == [(1, 1), (2, 1)]
    assert doc.items_restart and doc.warnings == []


def test_a_repeated_item_number_is_a_numbering_break_and_kept_unique():
    doc = parse_text(
        MINIMAL.format(
            body="　　（一）加强领导。建立机制。（市商务局负责）\n"
            "　　（一）做好宣传。开展活动。（市委宣传部负责）"
        )
    )
    assert [i.ordinal for i in doc.items] == [1, 2]
    [w] = doc.warnings
    assert w.kind == "numbering" and "（一）" in w.message and "2 was expected" in w.message


def test_parts_that_hold_measures_without_items():
    doc = parse_text(
        MINIMAL.format(
            body="　　一、加强领导。建立机制。（市商务局负责）\n"
            "　　二、对开展活动的单位，给予奖励。（市委宣传部负责）"
        )
    )
    assert doc.items == []
    first, second = doc.parts
    assert first.title.text == "加强领导"
    assert [m.span.text for m in first.measures] == ["建立机制。"]
    # a part that is a single sentence closed by a clause: no title, it is measure 1
    assert second.title is None
    assert [m.span.text for m in second.measures] == ["对开展活动的单位，给予奖励。"]
    assert doc.warnings == []


def test_measure_after_clause_followed_by_full_stop():
    doc = parse_text(
        MINIMAL.format(
            body="　　（一）加强领导。建立机制（市商务局负责）。开展活动（市委宣传部负责）。"
        )
    )
    assert [m.span.text for m in doc.items[0].measures] == ["建立机制", "开展活动"]
    assert doc.warnings == []


def test_document_number_in_other_brackets():
    for number in (
        "晋政办发[2022]77号",
        "晋政办发(2022)77号",
        "晋政办发（2022）77号",
        "晋政办发［2022］77号",
    ):
        doc = parse_text(
            f"关于印发某方案的通知\n\n{number}\n\n某实施方案\n\n（一）甲。乙。（省商务厅负责）\n"
        )
        assert (doc.number.text, doc.number.issuer_code, doc.number.year, doc.number.serial) == (
            number,
            "晋政办发",
            2022,
            77,
        )


@pytest.mark.parametrize(
    "title,kind",
    [
        ("山西省进一步释放消费潜力促进消费持续恢复的实施方案", "implementation-plan"),
        ("关于促进消费的实施意见", "opinion"),
        ("关于进一步释放消费潜力的意见", "opinion"),
        ("江西省促进消费加快恢复若干措施", "measures"),
        ("某市稳经济政策措施", "measures"),
        ("某市消费提振行动计划（2022—2025年）", "action-plan"),
        ("某市消费提振行动方案", "action-plan"),
        ("关于做好消费工作的通知", "notice"),
        ("某市消费工作方案（试行）", "implementation-plan"),
        ("消费白皮书", None),
    ],
)
def test_document_type(title, kind):
    assert document_type(title) == kind


def test_not_a_policy_document():
    with pytest.raises(SourceFileError) as info:
        parse_document(read_source(DOCS / "not-a-policy.txt"))
    assert "does not look like a policy document" in info.value.message
    assert "no numbered parts" in info.value.message
    assert info.value.hint


def test_numbered_text_without_title_is_not_a_policy_document():
    with pytest.raises(SourceFileError) as info:
        parse_text("我们今天讨论了三件事。\n（一）天气很好。我们去公园。（市商务局负责）\n")
    assert "no title" in info.value.message


def test_item_title_line_followed_by_paragraphs_with_clauses():
    doc = parse_text(
        MINIMAL.format(
            body="　　（一）加强组织领导\n　　建立机制。（市商务局负责）\n"
            "　　开展活动。（市委宣传部负责）"
        )
    )
    [item] = doc.items
    assert item.title.text == "加强组织领导"
    assert [m.span.text for m in item.measures] == ["建立机制。", "开展活动。"]
    assert doc.warnings == []


def test_part_line_with_text_after_its_title():
    doc = parse_text(
        MINIMAL.format(
            body="　　一、总体要求。坚持稳中求进。\n　　（一）加强领导。建立机制。（市商务局负责）"
        )
    )
    assert doc.parts[0].title.text == "总体要求"
    assert [p.span.text for p in doc.parts[0].paragraphs] == ["坚持稳中求进。"]
    assert doc.warnings == []


def test_signature_at_the_end_gives_issuer_and_date():
    doc = parse_text(
        MINIMAL.format(
            body="　　（一）加强领导。建立机制。（市商务局负责）\n\n"
            "某市人民政府办公厅\n2022年10月8日"
        )
    )
    assert doc.issuer.text == "某市人民政府办公厅"
    assert doc.issued == date(2022, 10, 8)
    assert doc.warnings == []
    # with a notice header the header's issuer stays, and the signature raises no warning
    corpus_text = (resources.files("policykg.corpus") / CORPUS).read_text(encoding="utf-8")
    doc = parse_text(corpus_text + "\n山西省人民政府办公厅\n2022年9月20日\n")
    assert doc.issued == date(2022, 9, 19) and doc.warnings == []


def test_crlf_and_bom_copy_parses_like_the_original(tmp_path):
    original = read_source(DOCS / "taiyuan-city-plan.txt")
    copy = tmp_path / "crlf.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + original.text.replace("\n", "\r\n").encode("utf-8"))
    a, b = parse_document(original), parse_document(read_source(copy))
    assert [(m.span, m.clause) for m in a.measures] == [(m.span, m.clause) for m in b.measures]
    assert b.source.encoding == "utf-8-sig"


def test_a_later_date_line_does_not_replace_the_header_date():
    text = (
        "某某市人民政府关于印发某某市促进消费若干措施的通知\n\n某政发〔2022〕3号\n\n"
        "各县（市、区）人民政府：\n　　现将《某某市促进消费若干措施》印发给你们。\n\n"
        "2022年3月1日\n\n"
        "某某市促进消费若干措施\n\n一、总体要求\n"
        "（一）加强组织领导。建立工作机制。（市商务局牵头负责）\n\n2023年1月1日\n"
    )
    doc = parse_document(read_source_text(text, "dated.txt"))
    assert doc.issued == date(2022, 3, 1)


def test_measures_numbered_through_the_document_under_parts():
    doc = parse_text(
        MINIMAL.format(
            body="　　一、加强领导\n"
            "　　1.建立机制。（市商务局负责）\n　　2.明确分工。（市商务局负责）\n"
            "　　二、做好宣传\n"
            "　　3.开展活动。（市委宣传部负责）\n　　4.广泛宣传。（市委宣传部负责）"
        )
    )
    assert [[(m.ordinal, m.printed) for m in p.measures] for p in doc.parts] == [
        [(1, 1), (2, 2)],
        [(1, 3), (2, 4)],
    ]
    assert doc.items == [] and doc.warnings == []


def test_a_gap_in_numbered_measures_is_a_numbering_break():
    doc = parse_text(
        MINIMAL.format(
            body="　　一、加强领导\n"
            "　　1.建立机制。（市商务局负责）\n　　3.明确分工。（市商务局负责）"
        )
    )
    [w] = doc.warnings
    assert w.kind == "numbering" and "measure numbered 3." in w.message
