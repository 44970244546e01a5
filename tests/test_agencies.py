"""Agencies no register knows: their kind from the form of the name, their scoped name."""

from __future__ import annotations

import pytest

from policykg.graph.agencies import Jurisdiction, kind_from_form, scoped_name

SHANXI = Jurisdiction("140000", "山西省")
TAIYUAN = Jurisdiction("140100", "山西省", "太原市")
QINGXU = Jurisdiction("140121", "山西省", "太原市", "清徐县")
BEIJING = Jurisdiction("110000", "北京市", "北京市")


@pytest.mark.parametrize(
    "name, where, expected",
    [
        ("省财政厅", SHANXI, "山西省财政厅"),
        ("省委宣传部", SHANXI, "山西省委宣传部"),
        ("团省委", SHANXI, "山西省团省委"),
        ("市商务局", TAIYUAN, "太原市商务局"),
        ("市商务局", QINGXU, "太原市商务局"),
        ("县商务局", QINGXU, "清徐县商务局"),
        ("市商务局", BEIJING, "北京市商务局"),
        ("市场监管局", TAIYUAN, "市场监管局"),  # 市场 is a word, not the city
        ("河北省商务厅", SHANXI, "河北省商务厅"),  # says its own place
        ("江西省人民政府办公厅", SHANXI, "江西省人民政府办公厅"),
        ("市商务局", SHANXI, "市商务局"),  # a provincial document names no city
        ("省财政厅", Jurisdiction(), "省财政厅"),  # an unknown jurisdiction qualifies nothing
    ],
)
def test_scoped_name(name, where, expected):
    assert scoped_name(name, where) == expected


@pytest.mark.parametrize(
    "name, kind",
    [
        ("省财政厅", "provincial-department"),
        ("市商务局", "municipal-department"),
        ("太原市人民政府", "municipal-government"),
        ("各市人民政府", "municipal-government"),
        ("清徐县人民政府", "county-government"),
        ("各县（市、区）人民政府", "county-government"),
        ("山西省人民政府", "provincial-government"),
        ("省税务局", "central-branch"),
        ("人行太原中心支行", "central-branch"),
        ("山西银保监局", "central-branch"),
        ("省委宣传部", "party-organ"),
        ("省总工会", "mass-organisation"),
        ("团省委", "mass-organisation"),
        ("省检察院", "procuratorate"),
        ("省国资运营公司", "state-owned-enterprise"),
    ],
)
def test_kind_from_form(name, kind):
    assert kind_from_form(name) == kind
