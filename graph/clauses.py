"""Find responsibility clauses in bracketed text and name the agencies they hold, with roles.

A bracket is a clause by what it says, not by its brackets or by whether its names are
registered anywhere: it holds responsibility words at the end of a segment (牵头负责,
按职责分工负责, 负责, 牵头, 配合, 参与, 指导, 具体落实, …) or a responsibility label
(责任单位：, 负责部门：, 牵头单位：, 配合单位：). Brackets may be full-width, half-width
or mixed, and may nest inside a clause (各县（区、市）人民政府 is one name).

Which strings are agency names is decided from their form: a name ends in an agency word
(厅, 委, 局, 办, 政府, 中心, 支行, …) or is a place or a collective of places (太原市,
各县（市、区）, 各区、县级市) — these endings are grammar of the genre, not a register.
After a responsibility label every piece of the list is a name unless it cannot be one
(punctuation, figures), so a name no register knows never makes a clause disappear.
有关部门, 有关单位, 各有关单位, 各项目牵头单位 and a closing 等(有关)部门 are not agencies:
they say that the list is open.

A list is split at 、 ， ； and at 和 (及, 与) only when both sides are complete names, so
省粮食和储备局 stays whole. A run of bare place names closed by a name with a suffix
shares that suffix: 太原市、吕梁市、运城市人民政府 are three governments.

A clause may also state a rule for the rest of the document, in a sentence of its own:
that the first agency listed leads (（X、Y负责。列第一位者为牵头单位，下同）, worded in
many ways), or that one agency carries out every measure from here on without being named
again (以下均需试点城市政府落实，不再列出). The rule's words are never part of a name.
:class:`ClauseReader` remembers such rules and applies them to the clauses after them;
:func:`parse_clause` and :func:`find_clauses` read one bracket or one stretch alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    "中央",
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
# What a piece after a responsibility label may not hold to be taken as a name.
_NOT_A_LISTED_NAME = re.compile(r"[。！？：:%％；;“”\"《》\d０-９a-zA-Z]")

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
            ("负责指导", "guide"),
            ("指导", "guide"),
            ("负责", "plain"),
        ),
        key=lambda m: -len(m[0]),
    )
)
_LABEL = re.compile(
    r"^(牵头|配合|协办|协助|协同|参与|主责|责任|主要责任|负责|实施)(?:单位|部门|主体|机构)\s*[：:]\s*"
)
_LABEL_ROLES = {
    "牵头": "lead",
    "配合": "support",
    "协办": "support",
    "协助": "support",
    "协同": "support",
    "参与": "support",
    "主责": "lead",
    "责任": "listed",
    "主要责任": "listed",
    "负责": "listed",
    "实施": "listed",
}
# Any other label (完成时限：, 适用范围：, 时间节点：) opens a section that names no agency;
# it runs until the next responsibility label.
_OTHER_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,8}\s*[：:]")
# X会同Y: X leads, Y supports.
_TOGETHER_WITH = "会同"
_OPEN_LIST = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构|方面)?$")
# 等 closing a list that goes on with 和 (X、Y等和各市人民政府负责).
_OPEN_THEN_CONJUNCTION = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构)?(?=[和及与])")
# Pieces that are not agencies but say that the list is open.
_OPEN_WORDS = re.compile(
    r"^(?:各|其他|其它)?(?:有关|相关|其他|各项目牵头|项目牵头)(?:部门|单位|机构|方面)$"
)
_MAX_NAME = 40
# A bracketed list of levels after a place word: 县（市、区）.
_PLACE_VARIANTS = re.compile(rf"[（(][{PLACE_SUFFIXES}、，,]+[）)]$")
# Words for a level of division alone: the members of a collective such as 各区、县级市.
_LEVEL_WORDS = re.compile(r"^(?:县级市|自治县|县|市|区|旗|州|盟|乡镇|乡|镇|街道)$")
# Leading words of a segment that say how or where, not who: 由省商务厅牵头负责, and a scope
# before 由 (技工院校内由人力资源社会保障行政部门负责). No agency's name holds 由.
_LEADING_WORDS = re.compile(r"^[^由、，,；;]{0,15}?(?:分别|均|统一)?由")

# --- rules a document states about its clauses -----------------------------------------
# "The first listed leads": a statement that the first-listed (列第一位, 排在首位, 第一个,
# 排名第一 …) unit or department leads (牵头), or that the lead is the first one.
_FIRST = r"(?:第一|首位|首个|最前)"
_FIRST_LISTED = re.compile(
    rf"(?:列|排|排在|排名|位列|名列|居|列在)?{_FIRST}(?:位|个|家|名)?(?:的|者)?"
    r"(?:单位|部门|机构|者)?(?:为|是|作为|即为|均为)?牵头"
    rf"|牵头(?:单位|部门)(?:为|是|即)?(?:列|排)?(?:在|于)?{_FIRST}"
)
# "From here on X carries out every measure, not named again".
_STANDING = re.compile(
    r"^(?:以下|此后|后续)(?:各项(?:任务|措施)?)?(?:均|都|皆|统一|全部)?(?:需|须|由|要|应)?"
    r"(?P<who>[^，,；;。]+?)(?:负责)?(?:组织)?(?:落实|实施|执行|负责)"
)
_NOT_LISTED_AGAIN = re.compile(r"不再(?:一一|单独|重复)?列出|不再重复")
_RULE_TAIL = re.compile(r"^(?:下同|以下同|后同|全文同|余同)$")


@dataclass
class _Piece:
    """A stretch of the clause with its absolute position."""

    text: str
    begin: int

    @property
    def end(self) -> int:
        return self.begin + len(self.text)


@dataclass(frozen=True)
class _Draft:
    """A clause read from its bracket, its roles not yet settled: one (name, role token,
    span) per agency; tokens are lead | support | shared | guide | implement | plain |
    listed (the wording), settled by :func:`_settle` once the document's rules are known."""

    span: Span
    tokens: tuple[tuple[str, str, Span], ...]
    open_list: bool


@dataclass
class _Reading:
    """What one bracket says: its clause (if it is one) and the rules it states."""

    draft: _Draft | None
    first_leads: bool = False
    implementers: list[_Piece] = field(default_factory=list)

    def says_something(self) -> bool:
        return self.draft is not None or self.first_leads or bool(self.implementers)


class ClauseReader:
    """Reads the clauses of one document in document order.

    A document may state a rule once that governs its later clauses (that the first agency
    listed leads; that one agency carries out every later measure without being named);
    the reader is the one place that remembers such rules, so the parser keeps one reader
    per document and asks it for the clauses of each stretch of text in order. A rule
    applies from the clause that states it on (下同); a standing implementer from the
    clause after it (以下…).
    """

    def __init__(self) -> None:
        self._first_leads = False
        self._implementers: list[_Piece] = []

    def find(self, text: str, offset: int = 0) -> list[Clause]:
        """The clauses in ``text`` (spans are ``offset`` + index), rules stated so far applied."""
        clauses: list[Clause] = []
        for reading in _readings(text, offset):
            self._first_leads = self._first_leads or reading.first_leads
            if reading.draft is not None:
                clauses.append(_settle(reading.draft, self._first_leads, self._implementers))
            self._implementers.extend(reading.implementers)
        return clauses


def find_clauses(text: str, offset: int = 0) -> list[Clause]:
    """All responsibility clauses in ``text``, in order; spans are ``offset`` + index in text.

    Each clause is read alone: a rule a document states (see :class:`ClauseReader`) applies
    here only inside the bracket that states it."""
    return [
        _settle(r.draft, r.first_leads, []) for r in _readings(text, offset) if r.draft is not None
    ]


def _readings(text: str, offset: int) -> list[_Reading]:
    """What every bracket of ``text`` that says something says, in order. A bracket that
    says nothing is looked into: a clause may follow its opening bracket."""
    out: list[_Reading] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] not in OPEN_BRACKETS:
            i += 1
            continue
        close = matching_bracket(text, i)
        reading = read_bracket(text[i + 1 : close], offset + i + 1) if close is not None else None
        if close is not None and reading is not None and reading.says_something():
            out.append(reading)
            i = close + 1
        else:
            i += 1
    return out


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
    reading = read_bracket(inner, offset)
    return None if reading.draft is None else _settle(reading.draft, reading.first_leads, [])


def read_bracket(inner: str, offset: int) -> _Reading:
    """The clause a bracket's text states (roles unsettled), and the rules it states."""
    whole = _Piece(inner, offset)
    reading = _Reading(None)
    segments: list[_Piece] = []
    for sentence in _split_top_level(whole, "。"):
        sentence = _strip(sentence)
        standing = _standing_implementer(sentence)
        if standing is not None:
            reading.implementers.append(standing)
            continue
        for seg in _split_top_level(sentence, "，,；;"):
            seg = _strip(seg)
            if _FIRST_LISTED.search(seg.text):
                reading.first_leads = True
            elif seg.text and not _RULE_TAIL.match(seg.text):
                segments.append(seg)
    reading.draft = _draft(whole, segments)
    return reading


def _standing_implementer(sentence: _Piece) -> _Piece | None:
    """The agency a sentence says carries out every later measure (以下均需X落实，不再列出)."""
    m = _STANDING.match(sentence.text)
    if m is None or not _NOT_LISTED_AGAIN.search(sentence.text):
        return None
    who = _strip(_Piece(m.group("who"), sentence.begin + m.start("who")))
    return who if _is_name(who.text) else None


def _draft(whole: _Piece, segments: list[_Piece]) -> _Draft | None:
    """The clause the segments state, or None if they state none."""
    parsed: list[tuple[str | None, list[_Piece]]] = []  # role token, names
    open_list = False
    label_role: str | None = None
    other_section = False
    said = False  # a marker or a responsibility label was seen
    for seg in segments:
        m = _LABEL.match(seg.text)
        if m:
            label_role = _LABEL_ROLES[m.group(1)]
            other_section = False
            said = True
            seg = _Piece(seg.text[m.end() :], seg.begin + m.end())
        elif parsed and _OTHER_LABEL.match(seg.text):
            other_section = True
            continue
        if other_section:
            continue
        role = label_role
        for words, token in _MARKERS:
            if seg.text.endswith(words):
                role = token
                said = True
                seg = _Piece(seg.text[: -len(words)], seg.begin)
                break
        seg = _strip(seg)
        lead = _LEADING_WORDS.match(seg.text)
        if lead:
            seg = _Piece(seg.text[lead.end() :], seg.begin + lead.end())
        if not seg.text:
            return None
        for part_role, part in _together_with(seg, role):
            names, opened = _names_of(part, listed=label_role is not None)
            if names is None:
                return None
            open_list = open_list or opened
            if names:
                parsed.append((part_role, names))
    if not said or not parsed:
        return None
    roles = _propagate_back([p[0] for p in parsed])
    if roles is None:
        return None
    tokens = tuple(
        (name, token, span)
        for token, (_, names) in zip(roles, parsed, strict=True)
        for name, span in distribute_suffix(names)
    )
    return _Draft(Span(whole.begin, whole.end, whole.text), tokens, open_list)


def _together_with(seg: _Piece, role: str | None) -> list[tuple[str | None, _Piece]]:
    """X会同Y: X leads and Y supports, whatever the closing marker says."""
    at = seg.text.find(_TOGETHER_WITH)
    if at <= 0 or _depth_at(seg.text, at) > 0:
        return [(role, seg)]
    left = _Piece(seg.text[:at], seg.begin)
    right = _Piece(seg.text[at + len(_TOGETHER_WITH) :], seg.begin + at + len(_TOGETHER_WITH))
    return [("lead", _strip(left)), ("support", _strip(right))]


def _names_of(seg: _Piece, listed: bool) -> tuple[list[_Piece] | None, bool]:
    """The names of one segment, and whether it says the list is open; None if a piece of
    it cannot be a name."""
    opened = False
    pieces: list[_Piece] = []
    # X、Y等和Z: the list before 等 is open, Z follows
    start = 0
    for m in _OPEN_THEN_CONJUNCTION.finditer(seg.text):
        if _depth_at(seg.text, m.start()) == 0:
            pieces.append(_Piece(seg.text[start : m.start()], seg.begin + start))
            start = m.end() + 1  # past the conjunction
            opened = True
    pieces.append(_Piece(seg.text[start:], seg.begin + start))
    names: list[_Piece] = []
    for piece in pieces:
        piece = _strip(piece)
        om = _OPEN_LIST.search(piece.text)
        if om and om.start() > 0:
            opened = True
            piece = _Piece(piece.text[: om.start()], piece.begin)
        found = split_names(piece, listed=listed)
        if found is None:
            return None, opened
        kept = [n for n in found if not _OPEN_WORDS.match(n.text)]
        opened = opened or len(kept) < len(found)
        names.extend(kept)
    return names, opened


def _settle(draft: _Draft, first_leads: bool, implementers: list[_Piece]) -> Clause:
    """The clause with its roles settled, the document's rules applied: standing
    implementers added (unless the clause names them), and, where the first listed leads,
    the first of two or more agencies lead and the others support unless the clause says
    who leads or supports."""
    named = {name for name, _, _ in draft.tokens}
    tokens = list(draft.tokens) + [
        (p.text, "implement", Span(p.begin, p.end, p.text))
        for p in implementers
        if p.text not in named
    ]
    roles = _roles([t for _, t, _ in tokens], draft.open_list, first_leads)
    return Clause(
        span=draft.span,
        responsibilities=tuple(
            Responsibility(name=name, role=role, span=span)
            for (name, _, span), role in zip(tokens, roles, strict=True)
        ),
        open_list=draft.open_list,
    )


def _roles(tokens: list[str], open_list: bool, first_leads: bool) -> list[str]:
    """The contract's roles (lead | support | shared | sole) of a clause's role tokens."""
    count = len(tokens) + (1 if open_list else 0)  # an open list has more members
    kinds = set(tokens)
    if kinds & {"lead", "support"}:
        return [_explicit_role(t, kinds) for t in tokens]
    if first_leads and count >= 2:
        return ["lead"] + ["support"] * (len(tokens) - 1)
    principals = [t for t in tokens if t in ("guide", "plain", "listed")]
    if "implement" in kinds and len(principals) == 1 and "shared" not in kinds:
        # X指导 / X负责, Y具体落实: the one who answers for it leads, those who carry it out support
        return ["support" if t == "implement" else "lead" for t in tokens]
    return ["sole" if count == 1 else "shared"] * len(tokens)


def _explicit_role(token: str, kinds: set[str]) -> str:
    """The role of a token in a clause that says who leads or supports."""
    if token in ("lead", "support", "shared"):
        return token
    if (
        token == "implement" or "lead" in kinds
    ):  # 负责 / 落实 / 指导 next to a lead: those who carry it out
        return "support"
    return "lead"  # A负责，B配合; A指导，B参与


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


def split_names(piece: _Piece, listed: bool = False) -> list[_Piece] | None:
    """The agency names of a list (、 and joining 和), or None if a piece is not a name.

    ``listed``: the list follows a responsibility label (责任单位：), so any piece that
    can be a name is one."""
    names: list[_Piece] = []
    for part in _split_top_level(piece, "、"):
        part = _strip(part)
        if not part.text:
            return None
        for name in _split_conjunctions(part):
            if not (_is_name(name.text) or (listed and _may_be_name(name.text))):
                return None
            names.append(name)
    return names or None


def _is_name(s: str) -> bool:
    return is_agency_name(s) or is_bare_place(s) or bool(_LEVEL_WORDS.match(s))


def _may_be_name(s: str) -> bool:
    """Whether a listed piece can be a name at all (2–40 characters, no punctuation)."""
    return 2 <= len(s) <= _MAX_NAME and not _NOT_A_LISTED_NAME.search(s)


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
    """Names with a shared suffix given to the bare places before it, with written spans.

    A collective written as a list of levels (各区、县级市) with no suffix to share is one
    name."""
    out: list[tuple[str, Span]] = []
    run: list[_Piece] = []
    for name in names:
        if (is_bare_place(name.text) or _LEVEL_WORDS.match(name.text)) and not is_agency_name(
            name.text
        ):
            run.append(name)
            continue
        suffix, closer_name = _shared_suffix(name.text, run)
        for place in run:
            written = place.text + suffix if suffix else place.text
            out.append((written, Span(place.begin, place.end, place.text)))
        out.append((closer_name, Span(name.begin, name.end, name.text)))
        run = []
    out.extend(_unsuffixed_run(run))
    return out


def _unsuffixed_run(run: list[_Piece]) -> list[tuple[str, Span]]:
    """Bare places with no suffix after them: each alone, or one collective when the run
    is 各 and a level followed by more levels (各区、县级市)."""
    if (
        len(run) > 1
        and run[0].text.startswith("各")
        and all(_LEVEL_WORDS.match(p.text) for p in run[1:])
    ):
        first, last = run[0], run[-1]
        written = "、".join(p.text for p in run)
        return [(written, Span(first.begin, last.end, written))]
    return [(p.text, Span(p.begin, p.end, p.text)) for p in run]


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
