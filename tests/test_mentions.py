"""Programmes, places and taxonomy terms (policykg.graph.mentions)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from policykg.graph.mentions import DictionaryMatcher, find_places, find_programmes, find_terms

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
