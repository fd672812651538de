"""Views of a mock's state: a one-line repr, text tables for terminals, HTML tables for notebooks."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence

if TYPE_CHECKING:
    from lambdamock.state.functions import Function
    from lambdamock.state.invocations import Invocation
    from lambdamock.state.mappings import EventSourceMapping
    from lambdamock.state.service import Service

# The invocations table shows this many of the newest; mock.invocations has them all.
RECENT = 10
# Longer cells are cut, so one big payload cannot swamp a view.
CELL_WIDTH = 60
# The published versions a functions row names; older ones are elided.
SHOWN_VERSIONS = 5


@dataclass(frozen=True)
class Cell:
    """One table cell; ``tone`` ("error", "cold", "muted") colours it in HTML only."""

    text: str
    tone: str = ""


@dataclass(frozen=True)
class Table:
    """A titled table of formatted cells: every section of a view is one; ``numeric`` columns align right."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    note: str = ""
    numeric: frozenset[int] = frozenset()


# A section reads the service, under the locks it needs, and gives a table, or None when it has nothing to show.
Section = Callable[["Service"], Optional[Table]]


def _cut(text: str, width: int = CELL_WIDTH) -> str:
    """A cell's text on one line (a line break shown as ⏎, which keeps the table's columns), cut to ``width``."""
    text = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
    return text if len(text) <= width else text[: width - 1] + "…"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _share(weight: float) -> str:
    return f"{weight * 100:.3g}%"


def _functions(service: Service) -> Iterator[tuple[str, Function]]:
    """(region name, function) pairs, by region then function name; the caller holds the service lock."""
    for region in service.regions():
        for name in region.names_after(None):
            yield region.name, region.functions[name]


def _function_row(region: str, function: Function) -> list[Cell]:
    latest = function.latest
    published = sorted(function.versions, key=int)
    shown = published[-SHOWN_VERSIONS:]
    versions = ["$LATEST", *(["…"] if len(shown) < len(published) else []), *shown]
    return [
        Cell(function.name),
        Cell(region),
        Cell(latest.runtime or latest.package_type),
        Cell(latest.handler or "", "muted"),
        Cell(f"{latest.memory_size} MB"),
        Cell(f"{latest.timeout} s"),
        Cell(", ".join(versions)),
    ]


def functions(service: Service) -> Optional[Table]:
    with service.lock:
        rows = [_function_row(region, function) for region, function in _functions(service)]
    if not rows:
        return None
    headers = ["function", "region", "runtime", "handler", "memory", "timeout", "versions"]
    return Table("Functions", headers, rows, numeric=frozenset({4, 5}))


def _alias_rows(function: Function) -> Iterator[list[Cell]]:
    for name in sorted(function.aliases):
        alias = function.aliases[name]
        shares = {alias.function_version: 1.0 - sum(alias.weights.values()), **alias.weights}
        routing = " · ".join(f"{version} → {_share(weight)}" for version, weight in shares.items())
        yield [Cell(function.name), Cell(name), Cell(routing), Cell(_cut(alias.description), "muted")]


def aliases(service: Service) -> Optional[Table]:
    with service.lock:
        rows = [row for _, function in _functions(service) for row in _alias_rows(function)]
    if not rows:
        return None
    headers = ["function", "alias", "routing", "description"]
    if not any(row[-1].text for row in rows):
        headers, rows = headers[:-1], [row[:-1] for row in rows]
    return Table("Aliases", headers, rows)


def concurrency(service: Service) -> Optional[Table]:
    rows = []
    with service.lock:
        for region in service.regions():
            gate = region.gate
            for name in sorted({*gate.reserved, *gate.provisioned, *(n for n in region.functions if gate.usage(n))}):
                usage = gate.usage(name)
                reserved = gate.reserved.get(name)
                configs = gate.provisioned.get(name, {})
                provisioned = ", ".join(
                    f"{qualifier}: {config.allocated}/{config.requested} {config.status}"
                    for qualifier, config in sorted(configs.items())
                )
                rows.append([
                    Cell(name), Cell(region.name),
                    Cell("-" if reserved is None else str(reserved), "" if reserved is not None else "muted"),
                    Cell(provisioned or "-", "" if provisioned else "muted"),
                    Cell(str(usage.current if usage else 0)), Cell(str(usage.peak if usage else 0)),
                    Cell(str(usage.throttles if usage else 0), "error" if usage and usage.throttles else ""),
                ])
    if not rows:
        return None
    headers = ["function", "region", "reserved", "provisioned", "running", "peak", "throttles"]
    return Table("Concurrency", headers, rows, numeric=frozenset({4, 5, 6}))


def _source(arn: str) -> str:
    """``sqs orders``, ``kinesis clicks``, ``dynamodb orders/stream/…``: the service and the resource's name."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return arn
    return f"{parts[2]} {parts[5].removeprefix('stream/').removeprefix('table/')}"


def _mapping_row(mapping: EventSourceMapping, no_records: str) -> list[Cell]:
    config = mapping.config
    function = config.function_name + (f":{config.qualifier}" if config.qualifier else "")
    batch = str(config.batch_size) + (f" / {config.batching_window} s" if config.batching_window else "")
    with mapping.changed:
        state = mapping.state
    last = mapping.processing_result
    tone = "error" if last.startswith("PROBLEM") else "muted" if last == no_records else ""
    return [
        Cell(mapping.uuid, "muted"),
        Cell(mapping.region),
        # Self-managed Kafka has servers, not an ARN.
        Cell(_cut(_source(config.source_arn) if config.source_arn else f"kafka {','.join(config.servers)}")),
        Cell(function),
        Cell(state, "" if mapping.enabled else "muted"),
        Cell(batch),
        Cell(_cut(last), tone),
    ]


def mappings(service: Service) -> Optional[Table]:
    # Imported here, as the service itself is: `import lambdamock` stays cheap.
    from lambdamock.state.mappings import NO_RECORDS

    with service.lock:
        rows = [_mapping_row(mapping, NO_RECORDS) for region in service.regions() for mapping in region.mappings]
    if not rows:
        return None
    headers = ["uuid", "region", "source", "function", "state", "batch / window", "last result"]
    return Table("Event source mappings", headers, rows)


def _outcome(record: Invocation) -> Cell:
    if record.stopped:
        return Cell(f"not run: {record.stopped}", "error")
    tone = "error" if record.function_error else ""
    result = record.result
    if record.function_error and isinstance(result, dict) and "errorType" in result:
        message = result.get("errorMessage")
        return Cell(_cut(f"{result['errorType']}: {message}" if message else str(result["errorType"])), tone)
    return Cell(_cut(json.dumps(result, separators=(", ", ": "))), tone)


def _start(record: Invocation) -> Cell:
    if not record.cold:
        return Cell("warm", "muted")
    init = f" (init {record.init_duration_ms:.1f} ms)" if record.init_duration_ms is not None else ""
    return Cell("cold" + init, "cold")


def invocations(service: Service) -> Optional[Table]:
    records = service.invoker.records
    if not records:
        return None
    first = max(0, len(records) - RECENT)
    rows = []
    for index, record in enumerate(records[first:], start=first):
        called = f"{record.function_name}:{record.qualifier}" if record.qualifier else record.function_name
        kind = record.invocation_type + (f" (attempt {record.attempt})" if record.attempt > 1 else "")
        rows.append(
            [
                Cell(str(index), "muted"),
                Cell(called),
                Cell(record.executed_version),
                Cell(kind),
                _start(record),
                Cell(f"{record.duration_ms:.2f} ms"),
                _outcome(record),
            ]
        )
    note = f"the last {RECENT} of {len(records)}; mock.invocations[i] has every one" if first else ""
    headers = ["#", "called", "version", "type", "start", "duration", "result"]
    return Table("Recent invocations" if first else "Invocations", headers, rows, note, frozenset({0, 5}))


def triggers(service: Service) -> Optional[Table]:
    found = service.triggers
    if not found:
        return None
    rows = [[Cell(_cut(_source(trigger.source_arn))), Cell(_cut(trigger.function_arn.split(":function:", 1)[-1])),
             Cell(_cut(f"refused: {trigger.error}"), "error") if trigger.error else Cell(f"invoked {trigger.request_id}")]
            for trigger in found[-RECENT:]]
    return Table("Triggers (SNS, S3, EventBridge)", ["source", "function", "outcome"], rows)


# The sections of every view, in order: a new one is a function above and an entry here.
SECTIONS: tuple[Section, ...] = (functions, aliases, concurrency, mappings, triggers, invocations)


def _tables(service: Service) -> list[Table]:
    return [table for section in SECTIONS if (table := section(service)) is not None]


def _count_functions(service: Service) -> int:
    with service.lock:
        return sum(len(region.functions) for region in service.regions())


def repr_line(account_id: str, service: Optional[Service]) -> str:
    """The repr: ``<LambdaMock started account=... functions=2 invocations=5>``."""
    if service is None:
        return f"<LambdaMock not started account={account_id}>"
    counts = f"functions={_count_functions(service)} invocations={len(service.invoker.records)}"
    return f"<LambdaMock {'stopped' if service.closed else 'started'} account={account_id} {counts}>"


def _headline(account_id: str, service: Optional[Service]) -> list[str]:
    if service is None:
        return ["not started", f"account {account_id}", "start() begins with empty state"]
    if service.closed:
        return ["stopped", f"account {account_id}", "the last activation's state, as it was when it stopped"]
    return [
        "started",
        f"account {account_id}",
        f"concurrency limit {service.concurrency_limit}",
        _count(_count_functions(service), "function"),
        _count(len(service.invoker.records), "invocation"),
    ]


def _text_table(table: Table) -> str:
    grid = [list(table.headers), *([_cut(cell.text) for cell in row] for row in table.rows)]
    widths = [max(len(line[column]) for line in grid) for column in range(len(table.headers))]
    lines = [table.title]
    for number, line in enumerate(grid):
        cells = [text.rjust(width) if column in table.numeric else text.ljust(width)
                 for column, (text, width) in enumerate(zip(line, widths))]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    if table.note:
        lines.append(f"({table.note})")
    return "\n".join(lines)


def text_view(account_id: str, service: Optional[Service]) -> str:
    """The state as plain-text tables, for ``print(mock)``."""
    blocks = ["LambdaMock " + " · ".join(_headline(account_id, service))]
    if service is not None:
        blocks += [_text_table(table) for table in _tables(service)] or ["No functions yet."]
    return "\n\n".join(blocks)


# Scoped to .lambdamock; colours inherit, greys are translucent, so light and dark themes both read well.
STYLE = """
.lambdamock{font-size:13px;line-height:1.45;color:inherit}
.lambdamock .lm-head{margin:0 0 .6em}
.lambdamock .lm-state{display:inline-block;padding:0 .55em;border:1px solid currentColor;border-radius:1em;
  font-size:.85em;margin:0 .4em}
.lambdamock .lm-started{color:#2da44e}
.lambdamock .lm-stopped,.lambdamock .lm-not-started{opacity:.7}
.lambdamock .lm-sep{opacity:.45;margin:0 .35em}
.lambdamock table.lm-table{border-collapse:collapse;margin:0 0 1.1em;color:inherit;background:transparent;
  font-size:inherit;width:auto;table-layout:auto}
.lambdamock table.lm-table caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 .3em;color:inherit}
.lambdamock table.lm-table th,.lambdamock table.lm-table td{text-align:left;vertical-align:top;padding:.28em .9em .28em 0;
  border:0;border-bottom:1px solid rgba(127,127,127,.22);white-space:nowrap;color:inherit;background:transparent}
.lambdamock table.lm-table th{font-weight:600;border-bottom:1px solid rgba(127,127,127,.55)}
.lambdamock table.lm-table tbody tr:nth-child(odd),.lambdamock table.lm-table tbody tr:nth-child(even){background:transparent}
.lambdamock table.lm-table tbody tr:hover{background:rgba(127,127,127,.1)}
.lambdamock table.lm-table td{font-variant-numeric:tabular-nums}
.lambdamock table.lm-table .lm-num{text-align:right}
.lambdamock table.lm-table .lm-error{color:#e5534b}
.lambdamock table.lm-table .lm-cold{color:#3d8fd9}
.lambdamock .lm-muted,.lambdamock .lm-note,.lambdamock table.lm-table .lm-muted{opacity:.6}
.lambdamock .lm-note{margin:-.8em 0 1.1em;font-size:.9em}
"""


def _html_table(table: Table) -> str:
    def cell(tag: str, item: Cell, column: int) -> str:
        classes = [f"lm-{item.tone}"] if item.tone else []
        classes += ["lm-num"] if column in table.numeric else []
        attribute = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{attribute}>{html.escape(item.text)}</{tag}>"

    def row(items: Sequence[Cell], tag: str = "td") -> str:
        return "<tr>" + "".join(cell(tag, item, column) for column, item in enumerate(items)) + "</tr>"

    head = row([Cell(header) for header in table.headers], "th")
    body = "".join(row(items) for items in table.rows)
    note = f'<div class="lm-note">{html.escape(table.note)}</div>' if table.note else ""
    return (
        f'<table class="lm-table"><caption>{html.escape(table.title)}</caption>'
        f"<thead>{head}</thead><tbody>{body}</tbody></table>{note}"
    )


def html_view(account_id: str, service: Optional[Service]) -> str:
    """The state as HTML tables, for Jupyter's rich display."""
    state, *facts = _headline(account_id, service)
    separator = '<span class="lm-sep">·</span>'
    head = (
        f'<div class="lm-head"><strong>LambdaMock</strong>'
        f'<span class="lm-state lm-{state.replace(" ", "-")}">{state}</span>'
        f"{separator.join(html.escape(fact) for fact in facts)}</div>"
    )
    parts = [f"<style>{STYLE}</style>", head]
    if service is not None:
        parts += [_html_table(table) for table in _tables(service)] or ['<div class="lm-muted">No functions yet.</div>']
    return '<div class="lambdamock">' + "".join(parts) + "</div>"
