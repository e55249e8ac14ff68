"""Read and check a framework file (YAML): Pydantic for each part, then the references between parts."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from metrics.models import Framework
from metrics.periods import parse_period

Place = tuple[str | int, ...]


@dataclass(frozen=True)
class FrameworkProblem:
    """One thing wrong in a framework file, with where it is."""

    file: str
    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.place}: {self.message}" if self.place else f"{where}: {self.message}"


class FrameworkError(Exception):
    """The framework file cannot be loaded; `problems` says everything that is wrong."""

    def __init__(self, problems: list[FrameworkProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# A framework file is written by hand: the demo's is 36 KB, 4 partners, 22 KPIs and 22 objectives, 6 levels deep.
# The bounds are far above any partnership's and far below what costs a server real time or memory.
MAX_BYTES = 1_000_000
MAX_DEPTH = 12
MAX_ITEMS = {"partners": 100, "kpis": 500, "objectives": 1000}


def read_framework(path: Path | str) -> Framework:
    """Parse and check the framework file at `path`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FrameworkError([FrameworkProblem(str(path), None, "", _too_big(size))])
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FrameworkError([FrameworkProblem(str(path), None, "", "no such file")]) from None
    except UnicodeDecodeError:
        raise FrameworkError([FrameworkProblem(str(path), None, "", "is not UTF-8 text; save it as UTF-8")]) from None
    return parse_framework(text, str(path))


def _too_big(size: int) -> str:
    return (
        f"is {size / 1_000_000:.1f} MB; a framework file may be at most {MAX_BYTES // 1_000_000} MB; "
        "check that this is the framework file"
    )


class _Refused(yaml.YAMLError):
    """YAML that is valid but not accepted in a framework file; `problems` say where and why."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


class _Loader(yaml.SafeLoader):
    """The safe loader, leaving dates as text: Pydantic reads them and reports a bad one (2021-13-01) by its line.

    It also refuses anchors and aliases (an alias can expand without bound), nesting deeper than MAX_DEPTH,
    and a key given twice in one mapping (the safe loader keeps the last one silently).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self.duplicates: list[tuple[int, str]] = []

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused([(line, _NO_ALIASES)])
        if self._depth >= MAX_DEPTH:
            raise _Refused([(line, f"is nested more than {MAX_DEPTH} levels deep; a framework file needs fewer")])
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node: yaml.MappingNode = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 1
            first = seen.setdefault((key.tag, key.value), line)
            if first != line:
                self.duplicates.append(
                    (line, f"the key '{key.value}' is given twice (lines {first} and {line}); keep one")
                )
        return node


_NO_ALIASES = "uses an anchor or alias (& or *); a framework file does not need them: write each value out in full"


def _date_as_text(loader: _Loader, node: yaml.Node) -> str:
    return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def parse_framework(text: str, name: str = "<framework>") -> Framework:
    """Parse and check framework YAML held in `text`; `name` is used in messages."""
    node, data = _load_yaml(text, name)
    lines = _line_index(node) if node is not None else {}
    if not isinstance(data, dict):
        raise FrameworkError([FrameworkProblem(name, 1, "", "must be a mapping with `partnership`, `partners`, ...")])
    too_many = [
        FrameworkProblem(
            name, lines.get((section,)), section, f"lists {len(items)}; a framework may list at most {most}"
        )
        for section, most in MAX_ITEMS.items()
        if isinstance(items := data.get(section), list) and len(items) > most
    ]
    if too_many:
        raise FrameworkError(too_many)
    try:
        framework = Framework.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt required key is reported once, as misspelt, not also as missing.
        guessed = {(tuple(e["loc"][:-1]), _suggest(e["loc"])) for e in errors if e["type"] == "extra_forbidden"}
        raise FrameworkError(
            [
                _from_pydantic(name, lines, err)
                for err in errors
                if not (err["type"] == "missing" and (tuple(err["loc"][:-1]), err["loc"][-1]) in guessed)
            ]
        ) from None
    problems = [
        FrameworkProblem(name, _nearest_line(lines, place), _place(place), message)
        for place, message in _cross_check(framework)
    ]
    if problems:
        raise FrameworkError(problems)
    return framework


def _load_yaml(text: str, name: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, refusing what _Loader refuses."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise FrameworkError([FrameworkProblem(name, None, "", _too_big(len(text.encode("utf-8"))))])
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if loader.duplicates:
            raise _Refused(sorted(loader.duplicates))
        return node, (loader.construct_document(node) if node is not None else None)
    except _Refused as exc:
        raise FrameworkError([FrameworkProblem(name, line, "", message) for line, message in exc.problems]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise FrameworkError([FrameworkProblem(name, line, "", f"is not valid YAML: {reason}")]) from None
    finally:
        loader.dispose()


def _from_pydantic(name: str, lines: dict[Place, int], err: Any) -> FrameworkProblem:
    place = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        close = _suggest(place)
        message = (
            f"`{place[-1]}` is not a known key here; did you mean `{close}`?"
            if close
            else f"`{place[-1]}` is not a known key here; check its spelling or remove it"
        )
    elif err["type"] == "missing":
        message = f"`{place[-1]}` is required here; add it"
    elif err["type"] == "enum":
        message = f"{message} (found {err.get('input')!r})"
    return FrameworkProblem(name, _nearest_line(lines, place), _place(place), message)


def _suggest(place: Place) -> str | None:
    """The allowed key closest in spelling to the unknown key at `place`, if one is close."""
    close = difflib.get_close_matches(str(place[-1]), _keys_at(place[:-1]), n=1)
    return close[0] if close else None


def _keys_at(place: Place) -> list[str]:
    """The keys allowed in the mapping at `place`, to suggest one for a misspelt key."""
    model: type[BaseModel] | None = Framework
    for part in place:
        if model is None:
            return []
        if isinstance(part, str):
            field = model.model_fields.get(part)
            model = _model_in(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as `Partner`, `list[Partner]` or `Tolerance | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_model_in, get_args(annotation)) if m is not None), None)


def _place(place: Iterable[str | int]) -> str:
    out = ""
    for part in place:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_index(node: yaml.Node, place: Place = ()) -> dict[Place, int]:
    """Map every place in the document to its line number (1-based)."""
    index = {place: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            index.update(_line_index(value, (*place, str(key.value))))
            index[(*place, str(key.value))] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            index.update(_line_index(item, (*place, i)))
    return index


def _nearest_line(lines: dict[Place, int], place: Place) -> int | None:
    for cut in range(len(place), -1, -1):
        if place[:cut] in lines:
            return lines[place[:cut]]
    return None


def _duplicates(section: str, codes: list[str]) -> list[tuple[Place, str]]:
    counts = Counter(c.upper() for c in codes)
    return [
        ((section, i), f"code {code} is used more than once in {section}; codes must be unique")
        for i, code in enumerate(codes)
        if counts[code.upper()] > 1
    ]


def _cross_check(fw: Framework) -> list[tuple[Place, str]]:
    """References between parts: every code named must exist, and codes must be unique."""
    out: list[tuple[Place, str]] = []
    partners = {p.code for p in fw.partners}
    parents = {c.code for c in fw.commitments} | {p.code for p in fw.principles}
    outcomes = {o.code: o.parent for o in fw.outcomes}
    commitments = {c.code for c in fw.commitments}
    kpis = {k.code: k for k in fw.kpis}
    for section, codes in (
        ("partners", [p.code for p in fw.partners]),
        ("commitments", [c.code for c in fw.commitments]),
        ("principles", [p.code for p in fw.principles]),
        ("outcomes", [o.code for o in fw.outcomes]),
        ("kpis", [k.code for k in fw.kpis]),
        ("objectives", [o.code for o in fw.objectives]),
    ):
        out += _duplicates(section, codes)
    shared = commitments & {p.code for p in fw.principles}
    out += [(("principles",), f"code {c} is used by a commitment and a principle") for c in sorted(shared)]
    if fw.partnership.lead_authority not in partners:
        out.append((("partnership", "lead_authority"), _unknown("partner", fw.partnership.lead_authority, partners)))
    for i, outcome in enumerate(fw.outcomes):
        if outcome.parent not in parents:
            out.append((("outcomes", i, "parent"), _unknown("commitment or principle", outcome.parent, parents)))
    for i, obj in enumerate(fw.objectives):
        window = (parse_period(obj.baseline.period).start, obj.deadline.end)
        active = {
            p.code for p in fw.partners if p.joined_on <= window[1] and (p.left_on is None or p.left_on >= window[0])
        }
        out += _check_objective(i, obj, partners, active, outcomes, parents, commitments, kpis)
    return out


def _check_objective(
    i: int,
    obj: Any,
    partners: set[str],
    active: set[str],
    outcomes: dict[str, str],
    parents: set[str],
    commitments: set[str],
    kpis: dict[str, Any],
) -> list[tuple[Place, str]]:
    """References of one objective; `active` are the partners in the partnership during its span."""
    out: list[tuple[Place, str]] = []
    at: Place = ("objectives", i)
    for j, code in enumerate(obj.outcomes):
        if code not in outcomes:
            out.append(((*at, "outcomes", j), _unknown("outcome", code, set(outcomes))))
    if obj.commitment is not None and obj.commitment not in commitments:
        out.append(((*at, "commitment"), _unknown("commitment", obj.commitment, commitments)))
    # Only when its outcomes are all sound: an unknown outcome or parent is reported once, above.
    sound = all(outcomes.get(c) in parents for c in obj.outcomes)
    if obj.commitment is None and sound and not any(outcomes.get(c) in commitments for c in obj.outcomes):
        out.append(((*at, "commitment"), "none of its outcomes belongs to a commitment; add `commitment: CODE`"))
    kpi = kpis.get(obj.kpi)
    if kpi is None:
        out.append(((*at, "kpi"), _unknown("KPI", obj.kpi, set(kpis))))
    applies = set(obj.partners) & partners if obj.partners is not None else active
    for j, code in enumerate(obj.partners or []):
        if code not in partners:
            out.append(((*at, "partners", j), _unknown("partner", code, partners)))
    steps: list[tuple[Place, Any]] = [((*at, "baseline"), obj.baseline), ((*at, "target"), obj.target)]
    steps += [((*at, "interim", j), step) for j, step in enumerate(obj.interim)]
    for place, step in steps:
        if kpi is not None and (kpi.frequency == "annual") != parse_period(step.period).is_annual:
            need = "a whole year such as 2025/26" if kpi.frequency == "annual" else "a quarter such as 2025/26 Q4"
            out.append(((*place, "period"), f"KPI {kpi.code} is {kpi.frequency}, so the period must be {need}"))
        if step.values is not None:
            for code in step.values:
                if code not in partners:
                    out.append(((*place, "values", code), _unknown("partner", code, partners)))
            missing = sorted(applies - set(step.values))
            if missing and place[-1] in ("baseline", "target"):
                out.append(((*place, "values"), f"no value for {', '.join(missing)}; give one for every partner"))
    return out


def _unknown(what: str, code: str, known: set[str]) -> str:
    listed = ", ".join(sorted(known)) if len(known) <= 12 else ", ".join(sorted(known)[:12]) + ", ..."
    return f"there is no {what} with code {code}; use one of: {listed}"
