"""Find responsibility clauses in bracketed text and name the agencies they hold, with roles.

A clause is recognised by what it says, not by its brackets: a bracketed text whose
segments end in a marker (牵头负责, 按职责分工负责, 负责, 牵头, 配合, 具体落实, …) or
start with a label (责任单位：, 牵头单位：, 配合单位：), and whose pieces all look like
agency names. Brackets may be full-width, half-width or mixed, and may nest inside a
clause (各县（区、市）人民政府 is one name).

Which strings are agency names is decided from their form alone: a name ends in an
agency word (厅, 委, 局, 办, 政府, 中心, 支行, …) — these endings are grammar of the
genre, not a register of agencies. A list is split at 、 ， ； and at 和 (及, 与) only when
both sides are complete names, so 省粮食和储备局 stays whole. A run of bare place names
closed by a name with a suffix shares that suffix: 太原市、吕梁市、运城市人民政府 are three
governments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policykg.graph.model import Clause, Responsibility, Span

OPEN_BRACKETS = "（("
CLOSE_BRACKETS = "）)"

# Endings of agency names. Multi-character endings first so that they are tried before
# their last character.
AGENCY_SUFFIXES: tuple[str, ...] = (
    "人民政府",
    "政府",
    "委员会",
    "管委会",
    "中心",
    "公司",
    "集团",
    "支行",
    "分行",
    "总队",
    "支队",
    "大学",
    "学校",
    "办公室",
    "工作组",
    "领导小组",
    "部门",
    "单位",
    "厅",
    "委",
    "局",
    "办",
    "部",
    "会",
    "行",
    "院",
    "社",
    "司",
    "署",
    "处",
    "所",
    "站",
    "馆",
    "队",
    "团",
    "联",
    "室",
    "协",
    "组",
    "关",
)
# Place names end in these characters (山西省, 太原市, 阳曲县, 云州区, 恩施州, …).
PLACE_SUFFIXES = "省市县区州盟旗"
# Words that join two names; they also occur inside names (省粮食和储备局).
CONJUNCTIONS = "和及与"
# Characters that never occur in an agency name.
_NOT_IN_NAMES = re.compile(r"[。！？：:%％；;“”\"《》]|\d{4}年")

# Segment markers: (words at the end of a segment, role token). Longest first.
_MARKERS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        (
            ("按职责分工负责", "shared"),
            ("按照职责分工负责", "shared"),
            ("按职责分别负责", "shared"),
            ("按职能分工负责", "shared"),
            ("按职责负责", "shared"),
            ("分工负责", "shared"),
            ("分别负责", "shared"),
            ("共同负责", "shared"),
            ("牵头负责", "lead"),
            ("牵头落实", "lead"),
            ("牵头", "lead"),
            ("配合落实", "support"),
            ("配合", "support"),
            ("协助", "support"),
            ("参与", "support"),
            ("负责落实", "implement"),
            ("具体落实", "implement"),
            ("组织落实", "implement"),
            ("抓好落实", "implement"),
            ("落实", "implement"),
            ("负责", "plain"),
        ),
        key=lambda m: -len(m[0]),
    )
)
_LABEL = re.compile(
    r"^(牵头|配合|协办|协助|参与|主责|责任|主要责任|实施)(?:单位|部门|主体)\s*[：:]\s*"
)
# A segment giving the deadline inside a clause (责任单位：省商务厅；完成时限：2022年底前).
_DEADLINE_LABEL = re.compile(r"^(?:完成时限|完成时间|时间节点|时限|时间)\s*[：:]")
_LABEL_ROLES = {
    "牵头": "lead",
    "配合": "support",
    "协办": "support",
    "协助": "support",
    "参与": "support",
    "主责": "lead",
    "责任": "listed",
    "主要责任": "listed",
    "实施": "listed",
}
_OPEN_LIST = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构|方面)?$")
_MAX_NAME = 40
# A bracketed list of levels after a place word: 县（市、区）.
_PLACE_VARIANTS = re.compile(rf"[（(][{PLACE_SUFFIXES}、，,]+[）)]$")


@dataclass
class _Piece:
    """A stretch of the clause with its absolute position."""

    text: str
    begin: int

    @property
    def end(self) -> int:
        return self.begin + len(self.text)


class ClauseReader:
    """Reads the clauses of one document in document order.

    A document may state a rule once that governs its later clauses (for example that the
    first agency listed leads); the reader is the one place that remembers such rules, so
    the parser keeps one reader per document and asks it for the clauses of each stretch
    of text in order.
    """

    def find(self, text: str, offset: int = 0) -> list[Clause]:
        """The clauses in ``text`` (spans are ``offset`` + index), rules stated so far applied."""
        return find_clauses(text, offset)


def find_clauses(text: str, offset: int = 0) -> list[Clause]:
    """All responsibility clauses in ``text``, in order; spans are ``offset`` + index in text."""
    clauses: list[Clause] = []
    i = 0
    n = len(text)
    while i < n:
        if text[i] not in OPEN_BRACKETS:
            i += 1
            continue
        close = matching_bracket(text, i)
        if close is None:
            i += 1
            continue
        clause = parse_clause(text[i + 1 : close], offset + i + 1)
        if clause is not None:
            clauses.append(clause)
            i = close + 1
        else:
            i += 1
    return clauses


def matching_bracket(text: str, open_at: int) -> int | None:
    """Index of the bracket closing the one at ``open_at`` (either width), on the same line."""
    depth = 0
    for j in range(open_at, len(text)):
        c = text[j]
        if c in OPEN_BRACKETS:
            depth += 1
        elif c in CLOSE_BRACKETS:
            depth -= 1
            if depth == 0:
                return j
        elif c == "\n":
            return None
    return None


def parse_clause(inner: str, offset: int) -> Clause | None:
    """The clause that ``inner`` (text inside brackets, starting at ``offset``) states, or None."""
    segments = _split_top_level(_Piece(inner, offset), "，,；;")
    parsed: list[tuple[str | None, list[_Piece], bool]] = []  # role token, names, open list
    label_role: str | None = None
    for seg in segments:
        seg = _strip(seg)
        if not seg.text:
            return None
        if parsed and _DEADLINE_LABEL.match(seg.text):
            continue
        m = _LABEL.match(seg.text)
        if m:
            label_role = _LABEL_ROLES[m.group(1)]
            seg = _Piece(seg.text[m.end() :], seg.begin + m.end())
        role = label_role
        for words, token in _MARKERS:
            if seg.text.endswith(words):
                role = token
                seg = _Piece(seg.text[: -len(words)], seg.begin)
                break
        seg = _strip(seg)
        if seg.text.startswith("由"):
            seg = _Piece(seg.text[1:], seg.begin + 1)
        open_list = False
        om = _OPEN_LIST.search(seg.text)
        if om and om.start() > 0:
            open_list = True
            seg = _Piece(seg.text[: om.start()], seg.begin)
        names = split_names(seg)
        if names is None:
            return None
        parsed.append((role, names, open_list))
    roles = _propagate_back([p[0] for p in parsed])
    if roles is None:
        return None
    tokens = set(roles)
    count = sum(len(p[1]) for p in parsed) + sum(1 for p in parsed if p[2])
    responsibilities: list[Responsibility] = []
    for token, (_, names, _) in zip(roles, parsed, strict=True):
        role = _final_role(token, tokens, count)
        for name, span in distribute_suffix(names):
            responsibilities.append(Responsibility(name=name, role=role, span=span))
    return Clause(
        span=Span(offset, offset + len(inner), inner),
        responsibilities=tuple(responsibilities),
        open_list=any(p[2] for p in parsed),
    )


def _propagate_back(tokens: list[str | None]) -> list[str] | None:
    """Unmarked segments take the role of the next marked one (A，B按职责分工负责)."""
    out: list[str] = []
    pending = 0
    for t in tokens:
        if t is None:
            pending += 1
        else:
            out.extend([t] * (pending + 1))
            pending = 0
    return None if pending else out


def _final_role(token: str, tokens: set[str], count: int) -> str:
    if token in ("lead", "support", "shared"):
        return token
    if "lead" in tokens:  # 负责 / 落实 next to a lead: those who carry it out
        return "support"
    if token in ("plain", "listed") and "support" in tokens:  # A负责，B配合
        return "lead"
    return "sole" if count == 1 else "shared"


def split_names(piece: _Piece) -> list[_Piece] | None:
    """The agency names of a list (、 and joining 和), or None if a piece is not a name."""
    names: list[_Piece] = []
    for part in _split_top_level(piece, "、"):
        part = _strip(part)
        if not part.text:
            return None
        for name in _split_conjunctions(part):
            if not (is_agency_name(name.text) or is_bare_place(name.text)):
                return None
            names.append(name)
    return names or None


def _split_conjunctions(piece: _Piece) -> list[_Piece]:
    """Split at 和/及/与 where both sides are complete names (never inside 省粮食和储备局)."""
    out: list[_Piece] = []
    start = 0
    text = piece.text
    for j, c in enumerate(text):
        if c not in CONJUNCTIONS or j == start or _depth_at(text, j) > 0:
            continue
        left, right = text[start:j], text[j + 1 :]
        if _joins(left, right):
            out.append(_Piece(left, piece.begin + start))
            start = j + 1
    out.append(_Piece(text[start:], piece.begin + start))
    return out


def _joins(left: str, right: str) -> bool:
    """Whether 和 between ``left`` and ``right`` joins two names rather than sitting in one."""
    if is_agency_name(left):
        return is_agency_name(right) or is_bare_place(right)
    if is_bare_place(left):  # 太原市和吕梁市人民政府: only with a suffix to share
        return is_bare_place(right) or bool(_shared_suffix(right, [_Piece(left, 0)])[0])
    return False


def is_agency_name(s: str) -> bool:
    """Whether ``s`` has the form of an agency name: it ends in an agency word."""
    if not (2 <= len(s) <= _MAX_NAME) or _NOT_IN_NAMES.search(s):
        return False
    return any(s.endswith(suffix) and len(s) > len(suffix) for suffix in AGENCY_SUFFIXES)


def is_bare_place(s: str) -> bool:
    """Whether ``s`` looks like a place name alone (太原市, 阳曲县, 各市, 各县（市、区）)."""
    stem = _PLACE_VARIANTS.sub("", s)  # 各县（市、区） → 各县
    return (
        2 <= len(stem) <= 12
        and stem[-1] in PLACE_SUFFIXES
        and not _NOT_IN_NAMES.search(s)
        and _depth_at(stem, len(stem) - 1) == 0
    )


def distribute_suffix(names: list[_Piece]) -> list[tuple[str, Span]]:
    """Names with a shared suffix given to the bare places before it, with written spans."""
    out: list[tuple[str, Span]] = []
    run: list[_Piece] = []
    for name in names:
        if is_bare_place(name.text) and not is_agency_name(name.text):
            run.append(name)
            continue
        suffix, closer_name = _shared_suffix(name.text, run)
        for place in run:
            written = place.text + suffix if suffix else place.text
            out.append((written, Span(place.begin, place.end, place.text)))
        out.append((closer_name, Span(name.begin, name.end, name.text)))
        run = []
    out.extend((p.text, Span(p.begin, p.end, p.text)) for p in run)
    return out


def _shared_suffix(closer: str, run: list[_Piece]) -> tuple[str, str]:
    """The suffix the closing name lends to the places of ``run``, and the closer's own name.

    The place part of the closer ends at a place character not followed by another one
    (赣州市人民政府: 赣州市, not 赣州), preferring the level the run's places end in.
    """
    if not run:
        return "", closer
    collective = run[0].text.startswith("各")
    level = run[-1].text[-1]
    candidates = [
        j
        for j, c in enumerate(closer[:-1])
        if c in PLACE_SUFFIXES
        and closer[j + 1] not in PLACE_SUFFIXES
        and (j >= 1 or collective)
        and is_agency_name("x" + closer[j + 1 :])
        and not _NOT_IN_NAMES.search(closer[j + 1 :])
    ]
    if not candidates:
        return "", closer
    j = next((j for j in candidates if closer[j] == level), candidates[0])
    suffix = closer[j + 1 :]
    # 各市、县人民政府: the 各 belongs to 县人民政府 too
    return suffix, ("各" + closer if j == 0 else closer)


def _split_top_level(piece: _Piece, separators: str) -> list[_Piece]:
    """Split at separators outside brackets."""
    out: list[_Piece] = []
    depth = 0
    start = 0
    for j, c in enumerate(piece.text):
        if c in OPEN_BRACKETS:
            depth += 1
        elif c in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
        elif c in separators and depth == 0:
            out.append(_Piece(piece.text[start:j], piece.begin + start))
            start = j + 1
    out.append(_Piece(piece.text[start:], piece.begin + start))
    return out


def _depth_at(text: str, index: int) -> int:
    depth = 0
    for c in text[:index]:
        if c in OPEN_BRACKETS:
            depth += 1
        elif c in CLOSE_BRACKETS:
            depth = max(0, depth - 1)
    return depth


def _strip(piece: _Piece) -> _Piece:
    lead = len(piece.text) - len(piece.text.lstrip())
    text = piece.text.strip()
    return _Piece(text, piece.begin + lead)
