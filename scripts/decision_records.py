#!/usr/bin/env python3
"""Check the decision records in docs/decisions/ against their one-page form (issue #24 item 6).

Each record `NNNN-slug.md` is: a title line `# NNNN · …`, a status line `Status: …`, then exactly the
sections `## Context`, `## Decision`, `## Consequences`, in that order, at most MAX_LINES lines.
The index (docs/decisions/README.md) has a row for every record, with the record's status; every
row links to an existing file. Relative links in the records, the index, the guides in docs/ and
README.md resolve (files and, for Markdown files, `#anchors`).

    python scripts/decision_records.py      # exit 1 and one line per problem, else a summary line
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECISIONS = ROOT / "docs" / "decisions"
INDEX = DECISIONS / "README.md"
MAX_LINES = 45
SECTIONS = ["## Context", "## Decision", "## Consequences"]
RECORD_NAME = re.compile(r"^(\d{4})-[a-z0-9-]+\.md$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
INDEX_ROW = re.compile(r"^\|\s*\[(\d{4})\]\(([^)]+)\)\s*\|([^|]*)\|([^|]*)\|")


def plain(text: str) -> str:
    """Markdown links reduced to their text, spaces collapsed: how a status reads in the index."""
    return " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).split())


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        base = slug(line.lstrip("#"))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def check_record(path: Path, problems: list[str]) -> str | None:
    """Problems of one record; returns its status (links as text) or None."""
    name = path.name
    lines = path.read_text(encoding="utf-8").splitlines()
    number = RECORD_NAME.match(name).group(1)
    if not lines or not lines[0].startswith(f"# {number} "):
        problems.append(f"{name}: the first line is not the title '# {number} · …'")
    status = next((line for line in lines[1:5] if line.startswith("Status: ")), None)
    if status is None:
        problems.append(f"{name}: no 'Status: …' line right under the title")
    headings = [line.rstrip() for line in lines if line.startswith("## ")]
    if headings != SECTIONS:
        problems.append(f"{name}: sections are {headings or 'none'}, expected exactly {SECTIONS}")
    if len(lines) > MAX_LINES:
        problems.append(f"{name}: {len(lines)} lines, more than {MAX_LINES}: move the details into a guide in docs/")
    return plain(status[len("Status: "):]) if status else None


def check_links(path: Path, problems: list[str]) -> None:
    in_code = False
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_code = not in_code
        if in_code:
            continue
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target) or target.startswith("/"):
                continue  # an address or a path of the site, not a file here
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            rel = path.relative_to(ROOT)
            if not dest.exists():
                problems.append(f"{rel}:{lineno}: link to a missing file: {target}")
            elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
                problems.append(f"{rel}:{lineno}: link to a missing anchor: {target}")


def main() -> int:
    problems: list[str] = []
    records = sorted(p for p in DECISIONS.glob("*.md") if p.name != "README.md")
    statuses = {}
    for path in records:
        if not RECORD_NAME.match(path.name):
            problems.append(f"{path.name}: not named NNNN-slug.md")
            continue
        statuses[path.name] = check_record(path, problems)

    index_rows = {}
    for line in INDEX.read_text(encoding="utf-8").splitlines():
        m = INDEX_ROW.match(line)
        if m:
            number, target, _title, status = m.groups()
            index_rows[target] = " ".join(status.split())
            if not target.startswith(number + "-"):
                problems.append(f"README.md: row {number} links to {target}")
            if not (DECISIONS / target).exists():
                problems.append(f"README.md: row {number} links to a missing file: {target}")
    for name, status in statuses.items():
        if name not in index_rows:
            problems.append(f"{name}: not in the index (docs/decisions/README.md)")
        elif status is not None and index_rows[name] != status:
            problems.append(f"{name}: status '{status}' but the index says '{index_rows[name]}'")

    for path in [*records, INDEX, *sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
        if path.exists():
            check_links(path, problems)

    for problem in problems:
        print(problem)
    if problems:
        print(f"decision records: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"decision records: {len(records)} records in form, all in the index, links resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
