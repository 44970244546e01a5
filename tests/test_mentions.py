"""Programmes, places and taxonomy terms (policykg.graph.mentions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.mentions import (
    DictionaryMatcher,
    find_places,
    find_programmes,
    find_terms,
    local_gazetteer,
)

GAZETTEER = {
    "山西省": "place/140000",
    "山西": "place/140000",
    "太原市": "place/140100",
    "太原": "place/140100",
    "吕梁市": "place/141100",
    "吕梁": "place/141100",
    "运城": "place/140800",
    "阳曲县": "place/140122",
    "京津冀": "place/京津冀",
    "长三角": "place/长三角",
    "粤港澳大湾区": "place/粤港澳大湾区",
    "粤港澳": "place/粤港澳",
}
TERMS = {
    "小微企业": [("target-group", "concept/target-group/micro-small")],
    "中小微企业": [("target-group", "concept/target-group/msme")],
    "餐饮": [("sector", "concept/sector/catering")],
    "消费券": [("instrument", "concept/instrument/voucher"), ("sector", "concept/sector/retail")],
}


def found(mentions):
    return [(m.span.text, m.kind, m.key) for m in mentions]


# --- programmes -------------------------------------------------------------------------


def test_quoted_names_are_programmes():
    text = "深入应用“山西智慧旅游云平台”，持续开展“千名网络主播培训活动”。"
    mentions = find_programmes(text, 5)
    assert found(mentions) == [
        ("山西智慧旅游云平台", "programme", "山西智慧旅游云平台"),
        ("千名网络主播培训活动", "programme", "千名网络主播培训活动"),
    ]
    assert mentions[0].span.begin == 5 + text.index("山西智慧")


def test_slogans_lists_and_plan_labels_are_no_programmes():
    text = (
        "“照、章、税、金、保、医、银”数据一次采集，“线下购物线上退，本地购物异地退”，"
        "“十四五”期间，“一”，实施“三品一标”提升行动"
    )
    assert found(find_programmes(text, 0)) == [("三品一标", "programme", "三品一标")]


def test_straight_quotes():
    assert found(find_programmes('实施"9917工程"', 0)) == [("9917工程", "programme", "9917工程")]


# --- places -----------------------------------------------------------------------------


def test_longest_match_wins():
    text = "推动晋城市和太原市阳曲县、大同市云州区等"
    assert found(find_places(text, 0, GAZETTEER)) == [
        ("太原市", "place", "place/140100"),
        ("阳曲县", "place", "place/140122"),
    ]


def test_regions():
    text = "深化与京津冀、长三角、粤港澳大湾区等地区劳务对接"
    assert [m.key for m in find_places(text, 0, GAZETTEER)] == [
        "place/京津冀",
        "place/长三角",
        "place/粤港澳大湾区",
    ]


def test_place_inside_a_longer_name_is_kept():
    text = "人行太原中心支行，山西（运城）国际果品交易博览会"
    assert found(find_places(text, 0, GAZETTEER)) == [
        ("太原", "place", "place/140100"),
        ("山西", "place", "place/140000"),
        ("运城", "place", "place/140800"),
    ]


def test_geographic_features_and_titles_are_no_places():
    text = "充分发挥“吕梁山护工”品牌效应，出台《太原市托育机构管理办法》"
    assert find_places(text, 0, GAZETTEER) == []


def test_place_spans_are_absolute():
    source = "（一）支持太原市打造国家区域商贸消费中心。"
    [mention] = find_places(source[3:], 3, GAZETTEER)
    assert source[mention.span.begin : mention.span.end] == "太原市"


# --- terms ------------------------------------------------------------------------------


def test_terms_longest_first_with_one_mention_per_concept():
    text = "引导银行机构加大对优质中小微企业的支持，发放餐饮消费券"
    assert found(find_terms(text, 0, TERMS)) == [
        ("中小微企业", "target-group", "concept/target-group/msme"),
        ("餐饮", "sector", "concept/sector/catering"),
        ("消费券", "instrument", "concept/instrument/voucher"),
        ("消费券", "sector", "concept/sector/retail"),
    ]


def test_empty_maps_find_nothing():
    assert find_terms("小微企业", 0, {}) == []
    assert find_places("太原市", 0, {}) == []


# --- the matcher ------------------------------------------------------------------------

words = st.text(alphabet="太原市山西省吕梁", min_size=1, max_size=4)


@given(
    st.lists(words, min_size=1, max_size=8, unique=True),
    st.text(alphabet="太原市山西省吕梁和的", max_size=40),
)
def test_matcher_is_greedy_longest_first_and_non_overlapping(surfaces, text):
    matches = DictionaryMatcher(surfaces).matches(text)
    position = 0
    for begin, end, surface in matches:
        assert begin >= position and text[begin:end] == surface and surface in surfaces
        # nothing longer in the dictionary starts here
        assert not any(len(s) > len(surface) and text.startswith(s, begin) for s in surfaces)
        position = end
    # every position skipped starts no dictionary word
    covered = {i for b, e, _ in matches for i in range(b, e)}
    for i in range(len(text)):
        if i not in covered:
            assert not any(text.startswith(s, i) for s in surfaces)


# --- the gazetteer of a document's jurisdiction (all of China's divisions) -----------------

REAL = Path(__file__).parent / "data" / "real"


def places_in(ref, text: str, code: str | None) -> list[tuple[str, str | None]]:
    gazetteer = local_gazetteer(ref.gazetteer(), ref.place_code, code)
    return [(m.span.text, ref.place_code(m.key)) for m in find_places(text, 0, gazetteer)]


def test_a_prefectures_short_form_far_away_counts_only_in_a_list(ref):
    text = "选择北京、天津、上海、重庆和沈阳、大连、厦门等城市。落实医保定点资格。支持沈阳建设。"
    assert places_in(ref, text, None) == [
        ("北京", "110000"),
        ("天津", "120000"),
        ("上海", "310000"),
        ("重庆", "500000"),
        ("沈阳", "210100"),
        ("大连", "210200"),
        ("厦门", "350200"),
    ]
    # in a document of its own province it counts alone
    assert ("沈阳", "210100") in places_in(ref, "支持沈阳建设。", "210000")
    assert places_in(ref, "落实医保定点资格。", "410000") == []


def test_a_county_of_another_province_is_recognised_with_its_code(ref):
    text = "支持兰考县、郑州市中牟县建设县域商业体系"
    expected = [("兰考县", "410225"), ("郑州市", "410100"), ("中牟县", "410122")]
    assert places_in(ref, text, None) == expected
    assert places_in(ref, text, "140000") == expected
    assert places_in(ref, "推动夷陵区、秭归县发展", "420500") == [
        ("夷陵区", "420506"),
        ("秭归县", "420527"),
    ]


def test_a_countys_short_form_counts_only_in_its_province(ref):
    text = "打造“天镇保姆”品牌"
    assert places_in(ref, text, "140000") == [("天镇", "140222")]
    assert places_in(ref, text, "410000") == []
    assert places_in(ref, text, None) == []


@pytest.mark.parametrize(
    "code, expected",
    [
        (None, []),  # two 朝阳区: which one is not said
        ("110000", [("朝阳区", "110105")]),
        ("220100", [("朝阳区", "220104")]),
        ("140000", []),
    ],
)
def test_a_county_name_two_counties_share_is_read_by_the_jurisdiction(ref, code, expected):
    assert places_in(ref, "推进朝阳区老旧小区改造", code) == expected


def test_generic_district_names_are_never_places_alone(ref):
    text = "加快城区、矿区和郊区改造，推进老城区和新城区建设"
    for code in (None, "140300", "410300"):
        assert places_in(ref, text, code) == []
    assert places_in(ref, "阳泉市城区和阳泉郊区", "140000") == [
        ("阳泉市城区", "140302"),
        ("阳泉郊区", "140311"),
    ]


def test_a_district_name_before_yu_is_an_area_not_the_district(ref):
    assert places_in(ref, "统筹海淀区域发展", "110000") == []
    assert places_in(ref, "支持海淀区发展", "110000") == [("海淀区", "110108")]


# Every place the full texts of the thirteen real State Council documents mention, read by
# hand from the context of each match: no other place is mentioned.
REAL_PLACES = {
    "02": {
        "上海": "310000",
        "北京市": "110000",
        "台湾": "710000",
        "广东": "440000",
        "河南": "410000",
        "浙江": "330000",
        "福建": "350000",
        "福建省": "350000",
        "重庆": "500000",
        "陕西": "610000",
    },
    "06": {
        "上海": "310000",
        "上海市": "310000",
        "北京": "110000",
        "厦门": "350200",
        "大连": "210200",
        "天津": "120000",
        "广州": "440100",
        "成都": "510100",
        "沈阳": "210100",
        "深圳": "440300",
        "西安": "610100",
        "重庆": "500000",
        "香港": "810000",
    },
    "07": {
        "北京": "110000",
        "吉林": "220000",
        "安徽": "340000",
        "山东": "370000",
        "广东": "440000",
        "广西": "450000",
        "拉萨市": "540100",
        "湖北": "420000",
        "湖南": "430000",
        "西藏自治区": "540000",
        "贵州": "520000",
        "重庆": "500000",
    },
}


@pytest.mark.parametrize("path", sorted(REAL.glob("*.txt")), ids=lambda p: p.name[:2])
def test_no_false_place_in_the_real_documents(ref, path):
    found = dict(places_in(ref, path.read_text(encoding="utf-8"), None))
    found.pop("中国", None)  # the country, wherever 中国 is written
    assert found == REAL_PLACES.get(path.name[:2], {})
