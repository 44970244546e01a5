"""The benchmark corpus generator, benchmarks/generate_corpus.py, run as a command.

It must give the same bytes for the same seed and other documents for another seed, write
what its manifest claims (each claim is checked against the text with patterns written
here, independently of the generator), vary as the genre does, link its documents through
their preambles, and write documents `policykg build` builds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "generate_corpus.py"
PLACES = ROOT / "graph" / "data" / "places.ttl"
POLICYKG = Path(sys.executable).with_name("policykg")
SEED = 11


def generate(out: Path, count: int, seed: int = SEED, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--count", str(count), "--seed", str(seed)]
        + ["--out", str(out), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def corpus(out: Path, count: int, seed: int = SEED, *args: str) -> dict:
    run = generate(out, count, seed, *args)
    assert run.returncode == 0, run.stderr
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def texts(folder: Path, manifest: dict) -> dict[str, str]:
    return {
        d["file"]: (folder / d["file"]).read_text(encoding="utf-8") for d in manifest["documents"]
    }


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """80 documents of every layout (cheap to write: a fraction of a second)."""
    out = tmp_path_factory.mktemp("corpus") / "all"
    return out, corpus(out, 80)


@pytest.fixture(scope="module")
def classic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus") / "classic"
    return out, corpus(out, 20, SEED, "--layouts", "classic")


# --- what a bracket says --------------------------------------------------------------


def bracket_groups(text: str) -> list[tuple[str, str, str]]:
    """(opening bracket, content, closing bracket) of every outermost bracket pair; full- and
    half-width brackets pair with each other."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "（(":
            if depth == 0:
                start = i
            depth += 1
        elif c in "）)" and depth:
            depth -= 1
            if depth == 0:
                out.append((text[start], text[start + 1 : i], c))
    return out


def flat(content: str) -> str:
    """The content without the brackets nested in it (各县（市、区）人民政府 → 各县人民政府)."""
    return re.sub(r"[（(][^（）()]*[）)]", "", content)


SHARED = r"按(?:照)?职责分工负责$"
CLAUSE_FORMS: dict[str, Callable[[str], object]] = {
    "lead": lambda c: c.endswith("牵头负责"),
    "shared": lambda c: (
        re.search(SHARED, c)
        and "、" in flat(c)
        and not re.search(r"[，,；：]|等|和[^、]+[省市县区州]、", flat(c))
    ),
    "sole": lambda c: (
        c.endswith("负责")
        and not c.startswith("各")
        and not re.search(r"[、，,；：。]|牵头|分工|分别|会同|等", flat(c))
    ),
    "collective": lambda c: re.fullmatch(r"各\S+人民政府负责", c),
    "open-list": lambda c: re.search(r"等(?:有关)?部门" + SHARED, c),
    "suffix-sharing": lambda c: re.search(r"和[^、，]+(?:、[^、，]+)+人民政府" + SHARED, c),
    "label-responsible": lambda c: c.startswith("责任单位："),
    "label-department": lambda c: c.startswith("负责部门："),
    "label-lead-support": lambda c: re.match(r"牵头单位：[^；，]+；配合单位：", c),
    "label-lead-support-collective": lambda c: re.match(
        r"牵头单位：[^；，]+，配合单位：[^，]+，各", c
    ),
    "lead-support": lambda c: re.search(r"牵头，[^，]+配合$", c),
    "lead-participate": lambda c: re.search(r"牵头，[^，]+参与$", c),
    "lead-implement": lambda c: re.search(r"牵头，各.+具体落实$", c),
    "comma-shared": lambda c: re.search(SHARED, c) and "，" in flat(c) and "牵头" not in c,
    "huitong": lambda c: re.search(r"会同.+负责$", c),
    "fenbie": lambda c: c.endswith("分别负责"),
    "deng-he": lambda c: re.search(r"等和各.+负责$", c),
    "first-listed-rule": lambda c: re.search(r"负责。.*(?:第一|首位).*牵头", c),
    "listed": lambda c: (
        re.fullmatch(r"[^，,；：。]+、[^，,；：。]+负责", flat(c))
        and not re.search(r"牵头|分工|分别|会同|等", c)
    ),
}


def clauses(text: str) -> list[tuple[str, str, str]]:
    return [g for g in bracket_groups(text) if any(test(g[1]) for test in CLAUSE_FORMS.values())]


def has_clause(form: str) -> Callable[[str], bool]:
    return lambda text: any(CLAUSE_FORMS[form](content) for _, content, _ in bracket_groups(text))


CLAUSE_CHECKS = {form: has_clause(form) for form in CLAUSE_FORMS} | {
    "half-width-brackets": lambda t: any(o == "(" or c == ")" for o, _, c in clauses(t)),
}

TIME_FORMS = {
    "until": r"执行期限至\d{4}年\d{1,2}月\d{1,2}日",
    "year_end": r"\d{4}年(?:年)?底",
    "month_end": r"\d{4}年\d{1,2}月底",
    "year": r"\d{4}年(?:实现|完成|建成)",
    "span": (
        r"自\d{4}年\d{1,2}月\d{1,2}日起至\d{4}年"
        r"|\d{4}年\d{1,2}月\d{1,2}日至\d{4}年\d{1,2}月\d{1,2}日期间"
    ),
    "five_year_plan": r"“十[三四五]五”期间",
    "by_year": r"到\d{4}年(?:，|底，|完成)",
    "within_year": r"年内",
    "whole_year": r"全年",
    "holiday": r"(?:春节|国庆)前",
    "monthly": r"每月\d{1,2}日前",
    "yearly": r"每年\d{1,2}月(?:底|\d{1,2}日)前",
}
QUANTITY_FORMS = {
    "percent": r"(?:提高至|达到)\d+(?:\.\d+)?%",
    "parts_of_whole": r"\d+(?:\.\d+)?%（[^（）]*\d+(?:\.\d+)?%，[^（）]*\d+(?:\.\d+)?%）",
    "min": r"不低于\d|不少于\d|至少新增\d|\d%以上",
    "max": r"不超过\d|\d个工作日以内",
    "approx": r"\d%左右",
    "striving": r"力争[^。，]*突破\d",
    "wan": r"\d万",
    "yi": r"\d亿元",
    "count": r"(?:建成|扩大到)\d+|减免\d+个月",
    "range": r"\d+—\d+(?:岁|年)",
    "chinese_numeral": r"(?:建设|培育)(?:两|三|四|五|六|八|十|二十|三十)[个家条座场张支项]",
}

PART = r"[一二三四五六七八九十]+、"
ARABIC = r"(?<![\d.])\d{1,3}[.．](?=[\u4e00-\u9fff“])"


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


DATE = r"(?:\d{4}|[〇一二三四五六七八九]{4})年\S{1,3}月\S{1,3}日"


def dated(doc: dict) -> str:
    """The issuer above a date: a header's issuing office, a signature, a print line."""
    return re.escape(doc["issuer"]) + r"\s*" + DATE


def signed_at_end(doc: dict, text: str) -> bool:
    return bool(re.search(dated(doc) + r"\s*(?:[（(]此件[^）)]*[）)])?\s*$", text))


def without_citation(doc: dict, text: str) -> str:
    """The text without the preamble's citation of the document it carries out."""
    basis = doc["basis"]
    return text.replace(f"（{basis['number']}）", "") if basis and basis["number"] else text


# Each layout feature: (document, text) → holds. Features that need line breaks are not
# checked in a document that has lost them (one-paragraph); the rest are.
LAYOUT_CHECKS: dict[str, Callable[[dict, str], object]] = {
    "notice-wrapper": lambda d, t: (
        d["notice_title"] and t.startswith(d["notice_title"]) and "关于印发" in d["notice_title"]
    ),
    "no-wrapper": lambda d, t: d["notice_title"] is None and t.startswith(d["title"]),
    "numbered": lambda d, t: d["printed_number"] in t[: len(d["title"]) * 2 + 200],
    "unnumbered": lambda d, t: (
        not re.search(re.escape(d["issuer_code"]) + r"[〔\[]\d{4}[〕\]]", without_citation(d, t))
    ),
    "issuer-line": lambda d, t: re.search(dated(d), t),
    "issuer-in-notice-title-only": lambda d, t: (
        d["notice_title"].startswith(d["issuer"]) and not re.search(dated(d), t)
    ),
    "signature": lambda d, t: t.startswith(d["issuer"]) and signed_at_end(d, t),
    "issuer-in-signature-only": lambda d, t: not t.startswith(d["issuer"]) and signed_at_end(d, t),
    "items-through": lambda d, t: t.count("（一）") == 1 and "（二）" in t and re.search(PART, t),
    "items-per-part": lambda d, t: t.count("（一）") >= 2,
    "items-arabic": lambda d, t: (
        not re.search(PART + r"[\u4e00-\u9fff]", t) and len(re.findall(ARABIC, t)) >= 3
    ),
    "measures-arabic": lambda d, t: (
        re.search(PART, t) and "（一）" not in t and len(re.findall(ARABIC, t)) >= 3
    ),
    "measures-paren": lambda d, t: "（1）" in t and "（2）" in t,
    "measures-under-part": lambda d, t: re.search(PART + r"[^。（）\d]{2,20}\s*1[.．]", t),
    "principles": lambda d, t: re.search(r"坚持[\u4e00-\u9fff、]{2,12}。", t),
    "goals": lambda d, t: (
        re.search(r"主要目标|发展目标|工作目标", t) and re.search(r"到\d{4}年(?:底)?，", t)
    ),
    "closing-paragraph": lambda d, t: re.search(
        r"(?:每年\d{1,2}月(?:底|\d{1,2}日)前|\d{4}年\d{1,2}月底前?)[^。]*报送", t
    ),
    "one-paragraph": lambda d, t: "\n" not in t.rstrip("\n"),
    "unclaused": lambda d, t: not clauses(t),
    "chinese-date": lambda d, t: re.search(
        r"[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日",
        t,
    ),
    "square-number": lambda d, t: re.search(r"\[\d{4}\]\d+号", t),
    "release-note": lambda d, t: re.search(r"[（(]此件[^）)]+[）)]", t),
    "print-line": lambda d, t: re.search(
        r"(?:\d{4}|[〇一二三四五六七八九]{4})年\S{1,3}月\S{1,3}日印发", t
    ),
    "indented": lambda d, t: re.search(r"^\u3000\u3000\S", t, re.M),
    "blank-lines": lambda d, t: "\n\n" in t,
}
LINE_CHECKS: dict[str, Callable[[dict, list[str]], object]] = {
    "part-as-measure": lambda d, ls: any(
        re.match(PART, line) and "。" in line and clauses(line) for line in ls
    ),
    "part-intro": lambda d, ls: any(
        re.fullmatch(PART + r"[^。]{2,30}", a) and not re.match(r"[（(]|\d", b) and not clauses(b)
        for a, b in zip(ls, ls[1:], strict=False)
    ),
}


def failed_claims(doc: dict, text: str) -> list[str]:
    """The manifest's claims about one document that its text does not bear out."""
    failures = []
    one_line = "one-paragraph" in doc["layout"]
    for feature in doc["layout"]:
        if feature in LAYOUT_CHECKS:
            ok = LAYOUT_CHECKS[feature](doc, text)
        elif feature in LINE_CHECKS:
            ok = one_line or LINE_CHECKS[feature](doc, lines(text))
        else:
            ok = False
        if not ok:
            failures.append(f"layout {feature}")
    for form in doc["clause_forms"]:
        if not (form in CLAUSE_CHECKS and CLAUSE_CHECKS[form](text)):
            failures.append(f"clause {form}")
    for form in doc["time_forms"]:
        if not re.search(TIME_FORMS[form], text):
            failures.append(f"time {form}")
    for form in doc["quantity_forms"]:
        if not re.search(QUANTITY_FORMS[form], text):
            failures.append(f"quantity {form}")
    named = doc["places"] + doc["sectors"] + doc["groups"]
    failures += [f"name {n}" for n in named if n not in text]
    return failures


# --- the tests ----------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_documents(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        corpus(tmp_path / name, 12, seed)
    first, again, other = (files(tmp_path / n) for n in "abc")
    assert first == again
    documents = {k: v for k, v in first.items() if k.endswith(".txt")}
    assert len(documents) == 12
    other_documents = {v for k, v in other.items() if k.endswith(".txt")}
    assert not set(documents.values()) & other_documents


def test_a_smaller_corpus_is_the_beginning_of_a_larger_one(tmp_path: Path, everything) -> None:
    folder, manifest = everything
    small = corpus(tmp_path / "small", 7)
    assert small["documents"] == manifest["documents"][:7]
    for doc in small["documents"]:
        assert (tmp_path / "small" / doc["file"]).read_bytes() == (
            folder / doc["file"]
        ).read_bytes()


def test_documents_are_distinct_utf8_text_of_real_sizes(everything) -> None:
    folder, manifest = everything
    names = [d["file"] for d in manifest["documents"]]
    assert sorted(names) == sorted(p.name for p in folder.glob("*.txt"))
    bodies = texts(folder, manifest)
    assert len(set(bodies.values())) == len(bodies) == 80
    for doc in manifest["documents"]:
        size = (folder / doc["file"]).stat().st_size
        assert size == doc["bytes"]
        assert 5_000 <= size <= 40_000, doc["file"]
    assert len({d["title"] for d in manifest["documents"]}) == 80
    numbers = [d["number"] for d in manifest["documents"] if d["number"]]
    assert len(set(numbers)) == len(numbers)


def test_the_text_bears_out_every_claim_of_the_manifest(everything, classic) -> None:
    for folder, manifest in (everything, classic):
        bodies = texts(folder, manifest)
        failures = {
            d["file"]: f
            for d in manifest["documents"]
            if (f := failed_claims(d, bodies[d["file"]]))
        }
        assert not failures


def test_the_checks_catch_a_text_without_what_is_claimed(everything) -> None:
    folder, manifest = everything
    doc = next(d for d in manifest["documents"] if "print-line" in d["layout"])
    text = (folder / doc["file"]).read_text(encoding="utf-8")
    stripped = re.sub(
        r"[（(][^（）()]*(?:负责|配合|参与|落实|单位：|部门：)[^（）()]*[）)]", "", text
    )
    stripped = re.sub(r"\d", "", stripped.replace("印发", ""))
    claimed = failed_claims(doc, stripped)
    assert "layout print-line" in claimed
    assert any(c.startswith("clause") for c in claimed)
    assert any(c.startswith("quantity") for c in claimed)


def test_the_corpus_varies_as_the_genre_does(everything) -> None:
    documents = everything[1]["documents"]

    def seen(key: str) -> set[str]:
        return {f for d in documents for f in d[key]}

    assert {d["level"] for d in documents} == {"national", "province", "prefecture", "county"}
    assert {d["document_type"] for d in documents} == {
        "实施方案",
        "意见",
        "若干措施",
        "行动计划",
        "工作方案",
        "通知",
    }
    assert seen("layout") == set(LAYOUT_CHECKS) | set(LINE_CHECKS)
    assert seen("clause_forms") == set(CLAUSE_CHECKS)
    assert seen("time_forms") == set(TIME_FORMS)
    assert seen("quantity_forms") == set(QUANTITY_FORMS)
    assert len({d["topic"] for d in documents}) >= 5
    assert len({d["jurisdiction"]["code"] for d in documents}) >= 30
    assert len({d["issuer_code"] for d in documents}) >= 20


def test_classic_keeps_to_the_layouts_of_a_notice_wrapped_plan(classic, everything) -> None:
    classic_layouts = {f for d in classic[1]["documents"] for f in d["layout"]}
    assert "notice-wrapper" in classic_layouts
    assert not classic_layouts & {
        "unnumbered",
        "items-per-part",
        "measures-arabic",
        "measures-under-part",
        "part-as-measure",
        "principles",
        "goals",
        "part-intro",
        "closing-paragraph",
        "one-paragraph",
        "unclaused",
        "issuer-in-notice-title-only",
        "issuer-in-signature-only",
    }
    classic_clauses = {f for d in classic[1]["documents"] for f in d["clause_forms"]}
    assert "first-listed-rule" not in classic_clauses and "label-department" not in classic_clauses


def test_places_and_issuers_come_from_the_gazetteer(everything) -> None:
    names = {}
    for triple in pyoxigraph.parse(path=str(PLACES), format=pyoxigraph.RdfFormat.TURTLE):
        if triple.predicate.value.endswith("#divisionCode"):
            names.setdefault(triple.subject.value, {})["code"] = triple.object.value
        elif triple.predicate.value.endswith("#prefLabel") and triple.object.language == "zh":
            names.setdefault(triple.subject.value, {})["name"] = triple.object.value
    gazetteer = {p["code"]: p["name"] for p in names.values() if "code" in p}
    folder, manifest = everything
    for doc in manifest["documents"]:
        where = doc["jurisdiction"]
        if doc["level"] == "national":
            assert doc["issuer"] in ("国务院", "国务院办公厅") and doc["issuer_code"].startswith(
                "国"
            )
            continue
        assert gazetteer[where["code"]] == where["name"]
        assert doc["issuer"].startswith(where["name"] + "人民政府")
        level = {"province": "0000", "prefecture": "00"}.get(doc["level"], "")
        assert where["code"].endswith(level) and (level or not where["code"].endswith("00"))


def test_agencies_are_written_in_the_short_forms_of_the_jurisdiction(everything) -> None:
    folder, manifest = everything
    prefix = {"province": "[省市]|自治区", "prefecture": "[市州]", "county": "[县区市旗]"}
    for doc in manifest["documents"]:
        text = (folder / doc["file"]).read_text(encoding="utf-8")
        contents = [flat(c) for _, c, _ in clauses(text)]
        if doc["level"] == "national":
            assert "unclaused" in doc["layout"] or any(
                re.search(r"部|委|总局|总署", c) for c in contents
            )
            continue
        own = rf"(?:^|[、，；：和])(?:{prefix[doc['level']]})[\u4e00-\u9fff]{{1,12}}(?:厅|局|委|办)"
        assert any(re.search(own, c) for c in contents), doc["file"]


def test_documents_carry_out_their_parents_and_cite_them(everything) -> None:
    folder, manifest = everything
    by_file = {d["file"]: d for d in manifest["documents"]}
    below = {
        "national": {"province"},
        "province": {"prefecture", "county"},
        "prefecture": {"county"},
    }
    for doc in manifest["documents"]:
        basis = doc["basis"]
        if basis is None:
            assert doc["level"] == "national"
            continue
        parent = by_file[basis["file"]]
        assert parent["file"] < doc["file"] and parent["date"] < doc["date"]
        assert doc["level"] in below[parent["level"]]
        assert (basis["title"], basis["number"]) == (parent["title"], parent["number"])
        text = (folder / doc["file"]).read_text(encoding="utf-8")
        cited = f"《{basis['title']}》" + (f"（{basis['number']}）" if basis["number"] else "")
        assert cited in text


def test_bad_arguments_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    run = generate(tmp_path / "none", 0)
    assert run.returncode == 2 and "at least 1" in run.stderr
    assert not (tmp_path / "none").exists()

    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine", encoding="utf-8")
    run = generate(occupied, 3)
    assert run.returncode == 2 and "not empty" in run.stderr and "Traceback" not in run.stderr
    assert [p.name for p in occupied.iterdir()] == ["notes.txt"]

    previous = tmp_path / "previous"
    corpus(previous, 2)
    run = generate(previous, 3)
    assert run.returncode == 2 and "--force" in run.stderr
    assert len(list(previous.glob("*.txt"))) == 2
    assert len(corpus(previous, 3, SEED, "--force")["documents"]) == 3
    assert len(list(previous.glob("*.txt"))) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_a_large_corpus_shows_its_progress(tmp_path: Path) -> None:
    run = generate(tmp_path / "hundred", 100)
    assert run.returncode == 0, run.stderr
    assert "generated 50/100 documents" in run.stderr
    assert "generated 100/100 documents" in run.stderr
    assert "wrote 100 documents" in run.stdout


# --- building with policykg -----------------------------------------------------------


def build(folder: Path, manifest: dict, tmp_path: Path) -> tuple[dict[str, int], pyoxigraph.Store]:
    """Build every document of the corpus into one dataset with the installed command."""
    out = tmp_path / "corpus.nq"
    paths = [str(folder / d["file"]) for d in manifest["documents"]]
    run = subprocess.run(
        [str(POLICYKG), "build", "--quiet", *paths, "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    summary = {
        m.group(1): int(m.group(2).replace(",", ""))
        for m in re.finditer(r"^\s+(\w[\w ]*?)\s+([\d,]+)$", run.stdout, re.M)
    }
    store = pyoxigraph.Store()
    store.load(path=str(out), format=pyoxigraph.RdfFormat.N_QUADS)
    return summary, store


LINKS = """
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?title ?basis WHERE {
  ?doc a pkg:PolicyDocument ; dct:title ?title ; eli:ensures_implementation_of ?b .
  ?b a pkg:PolicyDocument ; dct:title ?basis .
}"""


def linked(store: pyoxigraph.Store) -> set[tuple[str, str]]:
    rows = store.query(LINKS, use_default_graph_as_union=True)
    return {(r["title"].value, r["basis"].value) for r in rows}


def expected_links(manifest: dict) -> set[tuple[str, str]]:
    return {(d["title"], d["basis"]["title"]) for d in manifest["documents"] if d["basis"]}


@pytest.mark.slow
def test_policykg_builds_every_classic_document(classic, tmp_path: Path) -> None:
    folder, manifest = classic
    summary, store = build(folder, manifest, tmp_path)
    documents = manifest["documents"]
    assert summary["documents"] == len(documents) == 20
    assert summary["items"] == sum(d["items"] for d in documents)
    assert linked(store) == expected_links(manifest)


@pytest.mark.slow
def test_policykg_builds_every_document_of_every_layout(tmp_path: Path) -> None:
    manifest = corpus(tmp_path / "all", 20)
    summary, store = build(tmp_path / "all", manifest, tmp_path)
    assert summary["documents"] == 20
    assert linked(store) == expected_links(manifest)
