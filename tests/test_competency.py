"""The competency questions (server/queries/cq*.rq) answered for the bundled corpus.

Expected answers were worked out by reading 晋政办发〔2022〕77号, not by running the
pipeline: the clause of every measure, the time expressions, the quantities, the cited
titles and the places the text names.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest
from click.testing import CliRunner

from policykg.cli.main import main

NUMBER = "晋政办发〔2022〕77号"
NATIONAL = "国办发〔2022〕9号"

S, L, SOLE = "shared", "lead", "sole"

# item → list of measures → list of (agency as written, role), in clause order
CLAUSES: dict[int, list[list[tuple[str, str]]]] = {
    1: [
        [("省财政厅", S), ("省税务局", S)],
        [("人行太原中心支行", L)],
        [("省财政厅", S), ("省地方金融监管局", S)],
        [("省人社厅", S), ("省财政厅", S), ("省税务局", S)],
        [("省市场监管局", S), ("省发展改革委", S)],
        [("省发展改革委", S), ("省住建厅", S), ("省能源局", S)],
        [
            ("省市场监管局", S),
            ("省发展改革委", S),
            ("省民政厅", S),
            ("省财政厅", S),
            ("省工信厅", S),
        ],
        [("省财政厅", S), ("省卫健委", S)],
        [
            ("省商务厅", S),
            ("省文旅厅", S),
            ("省交通厅", S),
            ("省发展改革委", S),
            ("省财政厅", S),
            ("省税务局", S),
        ],
        [("省人社厅", S), ("省税务局", S)],
        [
            ("省财政厅", S),
            ("省住建厅", S),
            ("省税务局", S),
            ("人行太原中心支行", S),
            ("山西银保监局", S),
        ],
    ],
    2: [
        [("省商务厅", L)],
        [("省工信厅", L)],
        [("省公安厅", S), ("省交通厅", S), ("省卫健委", S)],
        [
            ("省市场监管局", S),
            ("省发展改革委", S),
            ("省商务厅", S),
            ("省农业农村厅", S),
            ("省粮食和储备局", S),
        ],
    ],
    3: [
        [("省商务厅", S), ("省文旅厅", S), ("省财政厅", S), ("省总工会", S), ("省卫健委", S)],
        [("省文旅厅", S), ("省财政厅", S)],
    ],
    4: [
        [("省商务厅", L)],
        [("省文旅厅", L)],
        [("省广电局", L)],
        [("省体育局", L)],
        [("省民政厅", L)],
        [("省交通厅", S), ("省地方金融监管局", S)],
        [("省机关事务管理局", S), ("省乡村振兴局", S)],
    ],
    5: [
        [("省市场监管局", S), ("省农业农村厅", S), ("省工信厅", S)],
        [("省农业农村厅", L)],
        [("省工信厅", L)],
        [("省商务厅", L)],
    ],
    6: [
        [("省卫健委", L)],
        [("省民政厅", S), ("省文旅厅", S), ("省卫健委", S)],
        [("省通信管理局", L)],
        [("省发展改革委", S), ("省工信厅", S), ("省科技厅", S), ("省民政厅", S), ("省卫健委", S)],
    ],
    7: [
        [("省委宣传部", S), ("省广电局", S)],
        [("省文旅厅", S), ("省体育局", S), ("省发展改革委", S)],
        [("省人社厅", L)],
    ],
    8: [
        [("省发展改革委", S), ("省委宣传部", S)],
        [("省农业农村厅", L)],
        [("省财政厅", S), ("省机关事务管理局", S)],
        [("省交通厅", S), ("省工信厅", S)],
        [("省住建厅", L)],
        [("省工信厅", L)],
        [
            ("省商务厅", S),
            ("省生态环境厅", S),
            ("省发展改革委", S),
            ("省工信厅", S),
            ("省自然资源厅", S),
            ("省住建厅", S),
        ],
        [("省邮政管理局", L)],
        [
            ("省发展改革委", S),
            ("省住建厅", S),
            ("省交通厅", S),
            ("省机关事务管理局", S),
            ("省妇联", S),
        ],
    ],
    9: [
        [("省商务厅", L)],
        [("省发展改革委", S), ("省邮政管理局", S)],
        [("省发展改革委", S), ("省工信厅", S), ("省商务厅", S), ("省能源局", S)],
        [("省农业农村厅", S), ("省文旅厅", S), ("省体育局", S)],
    ],
    10: [
        [("省商务厅", S), ("省文旅厅", S)],
        [("省商务厅", S), ("太原市人民政府", S), ("吕梁市人民政府", S), ("运城市人民政府", S)],
    ],
    11: [
        [("省商务厅", S), ("省邮政管理局", S)],
        [
            ("省发展改革委", S),
            ("省商务厅", S),
            ("省交通厅", S),
            ("省市场监管局", S),
            ("省供销社", S),
        ],
    ],
    12: [
        [("省人社厅", S), ("省教育厅", S), ("团省委", S), ("省发展改革委", S), ("省国资委", S)],
        [("省人社厅", S), ("省农业农村厅", S), ("省乡村振兴局", S)],
        [("省退役军人厅", L)],
        [("省人社厅", L)],
    ],
    13: [
        [("省人社厅", L)],
        [("省住建厅", L)],
        [
            ("省民政厅", S),
            ("省教育厅", S),
            ("省人社厅", S),
            ("省住建厅", S),
            ("省卫健委", S),
            ("省医保局", S),
        ],
        [
            ("省发展改革委", S),
            ("省教育厅", S),
            ("省民政厅", S),
            ("省财政厅", S),
            ("省人社厅", S),
            ("省退役军人厅", S),
        ],
    ],
    14: [
        [("省审批服务管理局", S), ("省市场监管局", S)],
        [("省公安厅", L)],
    ],
    15: [
        [("省市场监管局", S), ("省工信厅", S), ("省商务厅", S), ("省文旅厅", S), ("省民政厅", S)],
        [("省广电局", L)],
    ],
    16: [[("山西证监局", L)], [("省市场监管局", L)], [("省公安厅", L)]],
    17: [[("省市场监管局", L)], [("省检察院", L)]],
    18: [
        [("省财政厅", S), ("省发展改革委", S)],
        [("省财政厅", S), ("省商务厅", S)],
    ],
    19: [
        [("人行太原中心支行", L)],
        [("省地方金融监管局", L)],
        [("人行太原中心支行", S), ("山西银保监局", S)],
    ],
    20: [
        [("省自然资源厅", L)],
        [("省住建厅", S), ("省国资委", S), ("省国资运营公司", S)],
        [("省自然资源厅", S), ("省商务厅", S)],
    ],
    21: [
        [("省发展改革委", S), ("省商务厅", S)],
        [("省统计局", SOLE)],
        [("各市人民政府", SOLE)],
    ],
}

ITEM_TITLES = {
    1: (1, "围绕保市场主体加大助企纾困力度"),
    2: (1, "做好基本消费品保供稳价"),
    3: (1, "多措并举扩大住宿餐饮文旅消费"),
    4: (1, "创新消费业态和模式"),
    5: (2, "积极推进实物消费提质升级"),
    6: (2, "加力促进健康养老托育等服务消费"),
    7: (2, "持续拓展文化和旅游消费"),
    8: (2, "大力发展绿色消费"),
    9: (2, "充分挖掘县乡消费潜力"),
    10: (3, "推进消费平台健康持续发展"),
    11: (3, "加快健全消费品流通体系"),
    12: (3, "增加就业收入提高消费能力"),
    13: (3, "合理增加公共消费"),
    14: (4, "破除限制消费障碍壁垒"),
    15: (4, "健全消费标准体系"),
    16: (4, "加强消费领域执法监管"),
    17: (4, "全面加强消费者权益保护"),
    18: (5, "加强财政支持"),
    19: (5, "优化金融服务"),
    20: (5, "强化用地用房保障"),
    21: (5, "压实各方责任"),
}

# (item, measure) → [(start, end)] in text order
TIME_BOUNDS = {
    (1, 4): [("", "2023-04-30")],
    (1, 8): [(None, "2022-12-31")],  # 2022年，按照属地管理原则…: the year 2022 (start not checked)
    (1, 10): [("", "2022-12-31"), ("", "2023-03-31"), ("", "2022-12-31"), ("", "2022-12-31")],
    (9, 2): [("", "2022-12-31")],
    (13, 2): [("2021-01-01", "2025-12-31"), ("", "2022-12-31")],
}

# (item, measure) → [(value, unit, comparator)] in text order
QUANTITIES = {
    (1, 4): [
        ("1", "%", "eq"),
        ("0.7", "%", "eq"),
        ("0.3", "%", "eq"),
        ("90", "%", "eq"),
        ("50", "%", "eq"),
    ],
    (1, 10): [("5", "个", "eq"), ("17", "个", "eq"), ("5", "个", "eq")],
    (1, 11): [("6", "个月", "eq")],
    (8, 3): [("35", "%", "min")],
    (9, 4): [("10", "个", "eq")],
    (13, 1): [("3", "名", "eq")],
    (13, 2): [("55000", "套", "eq"), ("15000", "套", "eq")],
    (20, 2): [("6", "个月", "eq"), ("3", "个月", "eq")],
}

CITED = {
    (1, 3): ["省级政府性融资担保机构补偿补贴资金管理办法"],
    (1, 5): ["关于进一步清理规范转供电环节收费行为有关事项的通知"],
    (6, 1): ["托育机构管理办法"],
    (7, 3): ["企业职工带薪年休假实施办法"],
    (8, 1): ["促进绿色消费实施方案"],
    (16, 2): ["2022年全省重点工业产品质量安全监管目录"],
}

PLACES_WITH_CODES = {
    "山西省": "140000",
    "太原市": "140100",
    "大同市": "140200",
    "晋城市": "140500",
    "运城市": "140800",
    "吕梁市": "141100",
    "阳曲县": "140122",
    "云州区": "140215",
    "天镇县": "140222",
    "浙江省": "330000",
}
REGIONS = {"京津冀", "长三角", "粤港澳大湾区"}


def rows(bundled_nq, name: str) -> list[dict[str, str]]:
    """The CSV rows the CLI prints for one competency question on the bundled graph."""
    query = resources.files("policykg.server") / "queries" / name
    with resources.as_file(query) as path:
        result = CliRunner().invoke(
            main, ["query", str(path), "--data", str(bundled_nq), "--format", "csv"]
        )
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def of_document(table: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in table if r["number"] == NUMBER]


def test_cq01_document_and_its_basis(bundled_nq):
    table = of_document(rows(bundled_nq, "cq01-documents.rq"))
    assert len(table) == 1
    row = table[0]
    assert row["title"] == "山西省进一步释放消费潜力促进消费持续恢复的实施方案"
    assert row["issuer"] == "山西省人民政府办公厅"
    assert row["issued"] == "2022-09-19"
    assert row["basisTitle"] == "国务院办公厅关于进一步释放消费潜力促进消费持续恢复的意见"
    # the preamble cites the opinion by title only; the national reference data gives its number
    assert row["basisNumber"] == NATIONAL


def test_cq02_parts_and_items(bundled_nq):
    table = of_document(rows(bundled_nq, "cq02-items.rq"))
    got = {int(r["item"]): (int(r["part"]), r["title"]) for r in table}
    assert got == ITEM_TITLES


def test_cq03_responsibilities(bundled_nq):
    table = of_document(rows(bundled_nq, "cq03-responsibilities.rq"))
    got: dict[int, dict[int, list[tuple[str, str]]]] = {}
    for r in table:
        got.setdefault(int(r["item"]), {}).setdefault(int(r["measure"]), []).append(
            (r["agency"], r["role"])
        )
    expected = {
        item: {m: resp for m, resp in enumerate(measures, 1)} for item, measures in CLAUSES.items()
    }
    assert got == expected


def test_cq04_agencies(bundled_nq):
    table = rows(bundled_nq, "cq04-agencies.rq")
    names = {name for measures in CLAUSES.values() for clause in measures for name, _ in clause}
    by_name = {r["agency"]: r for r in table}
    assert names <= set(by_name)
    for name in names:
        assert by_name[name]["fullName"], name
        assert by_name[name]["nameEn"], name
        assert by_name[name]["kind"], name
    expected = {
        "省发展改革委": ("山西省发展和改革委员会", "provincial-department"),
        "省人社厅": ("山西省人力资源和社会保障厅", "provincial-department"),
        "省税务局": ("国家税务总局山西省税务局", "central-branch"),
        "人行太原中心支行": ("中国人民银行太原中心支行", "central-branch"),
        "省检察院": ("山西省人民检察院", "procuratorate"),
        "省供销社": ("山西省供销合作社联合社", "mass-organisation"),
    }
    for name, (full, kind) in expected.items():
        assert (by_name[name]["fullName"], by_name[name]["kind"]) == (full, kind)
    kinds = {
        "山西银保监局": "central-branch",
        "省委宣传部": "party-organ",
        "团省委": "mass-organisation",
        "省总工会": "mass-organisation",
        "省国资运营公司": "state-owned-enterprise",
        "太原市人民政府": "municipal-government",
        "各市人民政府": "municipal-government",
        "省粮食和储备局": "provincial-department",
    }
    assert {n: by_name[n]["kind"] for n in kinds} == kinds


def test_cq05_time_bounds(bundled_nq):
    table = of_document(rows(bundled_nq, "cq05-time-bounds.rq"))
    got: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for r in table:
        got.setdefault((int(r["item"]), int(r["measure"])), []).append((r["start"], r["end"]))
    assert set(got) == set(TIME_BOUNDS)
    for key, bounds in TIME_BOUNDS.items():
        assert [e for _, e in got[key]] == [e for _, e in bounds], key
        for (want, _), (start, _) in zip(bounds, got[key], strict=True):
            assert want is None or start == want, key


def test_cq06_quantities(bundled_nq):
    table = of_document(rows(bundled_nq, "cq06-quantities.rq"))
    got: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
    for r in table:
        got.setdefault((int(r["item"]), int(r["measure"])), []).append(
            (r["value"], r["unit"], r["comparator"])
        )
    assert got == QUANTITIES
    parts = [r for r in table if r["whole"]]
    assert sorted((r["value"], r["whole"]) for r in parts) == [("0.3", "1"), ("0.7", "1")]


def test_cq07_cited_documents(bundled_nq):
    table = of_document(rows(bundled_nq, "cq07-cited-documents.rq"))
    got: dict[tuple[int, int], list[str]] = {}
    for r in table:
        got.setdefault((int(r["item"]), int(r["measure"])), []).append(r["title"])
    assert got == CITED


def test_cq08_places(bundled_nq):
    table = of_document(rows(bundled_nq, "cq08-places.rq"))
    coded = {r["name"]: r["code"] for r in table if r["code"]}
    assert coded == PLACES_WITH_CODES
    uncoded = {r["name"] for r in table if not r["code"]}
    assert uncoded >= REGIONS


def test_cq09_measure_text_and_spans(bundled_nq, bundled_build):
    table = of_document(rows(bundled_nq, "cq09-measure-text.rq"))
    assert len(table) == sum(len(m) for m in CLAUSES.values())
    source = bundled_build.documents[0].source.text
    for r in table:
        assert source[int(r["begin"]) : int(r["end"])] == r["text"]
        assert r["text"] == r["text"].strip()
    first = {(int(r["item"]), int(r["measure"])): r["text"] for r in table}
    assert (
        first[(1, 1)]
        == "落实好财政部、税务总局新的组合式税费支持政策和我省稳住经济一揽子减税退税降费优惠政策。"
    )
    assert (
        first[(21, 3)]
        == "压实属地责任，加强组织领导，完善配套方案，切实推动本方案提出的各项任务措施落地见效。"
    )
    assert first[(8, 4)].endswith(
        "全省新增和更新城市公交车、出租汽车（含网约车）全部使用电动汽车、甲醇汽车。"
    )


@pytest.mark.parametrize("item, national", [(1, 1), (2, 2), (4, 3), (9, 8), (14, 13), (21, 20)])
def test_cq10_national_crosswalk(bundled_nq, item, national):
    table = of_document(rows(bundled_nq, "cq10-national-crosswalk.rq"))
    got = {int(r["item"]): (r["nationalNumber"], int(r["nationalItem"])) for r in table}
    assert got[item] == (NATIONAL, national)


def test_cq10_every_item_but_the_third(bundled_nq):
    table = of_document(rows(bundled_nq, "cq10-national-crosswalk.rq"))
    got = {int(r["item"]): int(r["nationalItem"]) for r in table}
    expected = {1: 1, 2: 2} | {n: n - 1 for n in range(4, 22)}
    assert got == expected
