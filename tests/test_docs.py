"""Every command in the README, CONTRIBUTING.md and docs/ is exercised.

Fenced shell blocks say in their info string what happens to them (see CONTRIBUTING.md,
"Commands in the documentation are tested"):

- ``bash runnable``: run with ``bash -e`` in an empty temporary directory (links to ``seeds/``
  and ``bench/``), this checkout's ``summarize`` and ``python`` first on ``PATH``, no network; it
  must exit 0;
- ``bash not-run`` / ``console not-run``: too slow or needing models, network or data outside the
  repository: syntax-checked with ``bash -n``, and every ``summarize SUBCOMMAND --option`` must be
  an option of that subcommand (read from the Typer app, which is what ``--help`` prints) and
  every ``make TARGET`` a target of the Makefile;
- ``text synopsis``: a usage synopsis, whose subcommand and options are checked the same way;
- ``python runnable``: run with this checkout's Python in the same sandbox (must exit 0);
  ``python not-run``: compiled only.

The layout table in CONTRIBUTING.md and the relative links between the pages are checked too.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from summarize.cli.main import app

REPO = Path(__file__).resolve().parent.parent
DOC_FILES = sorted(
    [REPO / "README.md", REPO / "CONTRIBUTING.md", *(REPO / "docs").glob("*.md")],
    key=lambda path: path.relative_to(REPO).as_posix(),
)
SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}
MARKERS = {"runnable", "not-run", "synopsis"}

# Marked blocks per file: {file: {marker: count}}. A test must be able to fail: when the
# extractor stops finding blocks (or a block is added or removed), this changes.
EXPECTED_BLOCKS = {
    "CONTRIBUTING.md": {"not-run": 4},
    "README.md": {"not-run": 7, "runnable": 2},
    "docs/batch.md": {"not-run": 3, "runnable": 1},
    "docs/flags.md": {},
    "docs/input.md": {},
    "docs/install.md": {"not-run": 1},
    "docs/models.md": {"not-run": 3, "runnable": 1},
    "docs/performance.md": {"not-run": 2, "runnable": 1},
    "docs/python.md": {"not-run": 1, "runnable": 1},
    "docs/run.md": {"not-run": 4},
    "docs/scoring.md": {"not-run": 4, "runnable": 2, "synopsis": 1},
}

FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    path: str
    line: int  # line of the opening fence, 1-based
    end_line: int  # line of the closing fence
    language: str
    marker: str | None
    text: str

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}"


def extract_blocks(markdown: str, path: str = "<text>") -> list[Block]:
    """Every fenced code block of a Markdown text, with its language and marker."""
    blocks: list[Block] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence = opening["fence"]
        words = opening["info"].split()
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            stripped = lines[end].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            body.append(lines[end])
            end += 1
        markers = [word for word in words[1:] if word in MARKERS]
        blocks.append(
            Block(
                path=path,
                line=index + 1,
                end_line=end + 1,
                language=words[0] if words else "",
                marker=markers[0] if markers else None,
                text="\n".join(body) + "\n",
            )
        )
        index = end + 1
    return blocks


def all_blocks() -> list[Block]:
    blocks = []
    for doc in DOC_FILES:
        relative = doc.relative_to(REPO).as_posix()
        blocks.extend(extract_blocks(doc.read_text(encoding="utf-8"), relative))
    return blocks


def checked_blocks() -> list[Block]:
    return [block for block in all_blocks() if block.language in SHELL_LANGUAGES or block.marker]


# --- commands in a block ------------------------------------------------------------------


def command_lines(block: Block) -> list[str]:
    """The shell command lines of a block (continuations joined; transcript output dropped)."""
    if block.language == "console":
        lines, command = [], None
        for line in block.text.splitlines():
            if command is not None:
                command += " " + line
            elif line.startswith("$ "):
                command = line[2:]
            else:
                continue
            if command.endswith("\\"):
                command = command[:-1]
            else:
                lines.append(command)
                command = None
        return lines
    return [line for line in block.text.replace("\\\n", " ").splitlines() if line.strip()]


OPERATORS = {"&&", "||", ";", "|", "&", "(", ")"}
REDIRECTIONS = {">", ">>", "<", "2>", "&>", ">&"}


def simple_commands(line: str) -> list[list[str]]:
    """Split a shell line into simple commands (word lists), dropping comments and redirections."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in lexer:
        if skip_next:
            skip_next = False
        elif token in OPERATORS:
            commands.append([])
        elif token in REDIRECTIONS:
            skip_next = True
        else:
            commands[-1].append(token)
    return [command for command in commands if command]


def synopsis_commands(block: Block) -> list[list[str]]:
    """``summarize SUB [--opt X | --other]`` as a word list holding the subcommand and options."""
    text = block.text.replace("\\\n", " ")
    commands = []
    for line in text.splitlines():
        words = re.findall(r"(?<![\w-])(?:--?[A-Za-z][\w-]*|[a-z][\w-]*)", line)
        if words and words[0] == "summarize":
            subcommands = []
            for word in words[1:]:
                if word.startswith("-"):
                    break
                subcommands.append(word)
            commands.append(["summarize", *subcommands, *(w for w in words if w.startswith("-"))])
    return commands


def invocations(block: Block) -> list[list[str]]:
    if block.language == "python":
        return []
    if block.marker == "synopsis":
        return synopsis_commands(block)
    found = []
    for line in command_lines(block):
        found.extend(simple_commands(line))
    return found


# --- the CLI and the Makefile -------------------------------------------------------------


# Typer's commands are Click commands (its own copy of Click in recent versions): duck-typed.


def option_names(command) -> set[str]:
    names: set[str] = set()
    for parameter in command.get_params(typer.Context(command)):
        if parameter.param_type_name == "option":
            names.update(parameter.opts)
            names.update(parameter.secondary_opts)
    return names


def check_summarize(words: list[str]) -> list[str]:
    """Problems with one ``summarize ...`` invocation: unknown subcommands or options."""
    command = typer.main.get_command(app)
    path = ["summarize"]
    problems = []
    arguments = iter(words[1:])
    for word in arguments:
        if word == "--":
            break
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            if name not in option_names(command):
                problems.append(f"{' '.join(path)}: no option {name}")
        elif hasattr(command, "get_command"):  # a group of subcommands
            sub = command.get_command(typer.Context(command), word)
            if sub is None:
                problems.append(f"{' '.join(path)}: no subcommand {word!r}")
                break
            command = sub
            path.append(word)
    return problems


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", text, flags=re.MULTILINE))


# --- tests ---------------------------------------------------------------------------------


SAMPLE = """\
# Title

```bash runnable
summarize --help
```

````markdown
```bash runnable
not a block of its own
```
````

```console not-run
$ summarize run a.txt \\
    --json
{"output": 1}
```

~~~bash
unmarked
~~~

```
plain output
```

```text synopsis
summarize score --hyp H [--ref R | --src S]
```
"""


def test_extractor_finds_blocks_languages_and_markers() -> None:
    blocks = extract_blocks(SAMPLE)
    assert [(b.line, b.language, b.marker) for b in blocks] == [
        (3, "bash", "runnable"),
        (7, "markdown", None),
        (13, "console", "not-run"),
        (19, "bash", None),
        (23, "", None),
        (27, "text", "synopsis"),
    ]
    assert blocks[0].text == "summarize --help\n"
    assert "not a block of its own" in blocks[1].text
    assert command_lines(blocks[2]) == ["summarize run a.txt      --json"]
    assert invocations(blocks[5]) == [["summarize", "score", "--hyp", "--ref", "--src"]]


def test_command_checks_catch_unknown_subcommands_and_options() -> None:
    assert check_summarize(["summarize", "run", "a.txt", "--pivot", "ru", "--no-cache"]) == []
    assert check_summarize(["summarize", "models", "pull", "x", "--pair=en-ru"]) == []
    assert check_summarize(["summarize", "run", "a.txt", "--pivots", "ru"]) == [
        "summarize run: no option --pivots"
    ]
    assert check_summarize(["summarize", "summarise", "a.txt"]) == [
        "summarize: no subcommand 'summarise'"
    ]
    assert simple_commands("a --x 1 > out.txt && b -y # c --z") == [["a", "--x", "1"], ["b", "-y"]]


def test_every_shell_block_is_marked() -> None:
    unmarked = [
        block.id
        for block in all_blocks()
        if block.language in SHELL_LANGUAGES and block.marker not in ("runnable", "not-run")
    ]
    assert not unmarked, f"shell blocks without 'runnable' or 'not-run': {unmarked}"


def test_block_counts_are_as_expected() -> None:
    counts = {doc.relative_to(REPO).as_posix(): Counter() for doc in DOC_FILES}
    for block in checked_blocks():
        counts[block.path][block.marker] += 1
    assert {path: dict(counter) for path, counter in counts.items()} == EXPECTED_BLOCKS, (
        "update EXPECTED_BLOCKS when adding or removing blocks"
    )


def test_every_checked_block_holds_a_command() -> None:
    """Counting blocks cannot see one that checks nothing: every marked shell block and
    synopsis must hold at least one command for the checks above to run on."""
    empty = [
        block.id
        for block in checked_blocks()
        if block.language != "python" and block.marker and not invocations(block)
    ]
    assert not empty, f"blocks without a command to check: {empty}"


def test_every_subcommand_is_shown_in_the_docs() -> None:
    """Each ``summarize`` subcommand (and each one of ``summarize models``) appears in at least
    one checked block, so a command the docs forget, or one renamed in the code, fails."""
    shown = {
        tuple(word for word in words[1:3] if not word.startswith("-"))
        for block in checked_blocks()
        for words in invocations(block)
        if words and words[0] == "summarize"
    }
    command = typer.main.get_command(app)
    missing = []
    for name in command.list_commands(typer.Context(command)):
        sub = command.get_command(typer.Context(command), name)
        names = [(name,)]
        if hasattr(sub, "list_commands"):
            names = [(name, inner) for inner in sub.list_commands(typer.Context(sub))]
        missing += [" ".join(n) for n in names if not any(s[: len(n)] == n for s in shown)]
    assert not missing, f"subcommands no documentation block shows: {missing}"


@pytest.mark.parametrize(
    "block",
    [b for b in checked_blocks() if b.marker in ("runnable", "not-run")],
    ids=lambda block: block.id,
)
def test_shell_syntax(block: Block) -> None:
    if block.language == "python":
        compile(block.text, block.id, "exec")
        return
    script = "\n".join(command_lines(block)) + "\n"
    completed = subprocess.run(
        ["bash", "-n"], input=script, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr


def test_summarize_commands_use_real_subcommands_and_options() -> None:
    problems = []
    seen = 0
    for block in checked_blocks():
        for words in invocations(block):
            if words[0] == "summarize":
                seen += 1
                problems.extend(f"{block.id}: {problem}" for problem in check_summarize(words))
    assert seen >= 25, f"only {seen} summarize commands found in the documentation"
    assert not problems, "\n".join(problems)


def test_make_targets_exist() -> None:
    targets = make_targets()
    assert {"demo", "test"} <= targets
    used = [
        (block.id, word)
        for block in checked_blocks()
        for words in invocations(block)
        if words[0] == "make"
        for word in words[1:]
        if not word.startswith("-") and "=" not in word
    ]
    assert used, "no make commands found in the documentation"
    assert [(where, word) for where, word in used if word not in targets] == []


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> dict[str, str]:
    """An empty working directory with this checkout's ``summarize`` and ``python`` on PATH."""
    root = tmp_path_factory.mktemp("docs")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    shims = {
        "summarize": f'exec "{sys.executable}" -m summarize "$@"',
        "python": f'exec "{sys.executable}" "$@"',
        "python3": f'exec "{sys.executable}" "$@"',
    }
    for name, line in shims.items():
        shim = bin_dir / name
        shim.write_text(f"#!/bin/sh\n{line}\n", encoding="utf-8")
        shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        HF_HUB_OFFLINE="1",
        HF_HOME=str(root / "hf"),
        SUMMARIZE_CACHE_DIR=str(root / "cache"),
        COLUMNS="120",
    )
    return env


@pytest.mark.parametrize(
    "block",
    [b for b in checked_blocks() if b.marker == "runnable"],
    ids=lambda block: block.id,
)
def test_runnable_block_exits_0(block: Block, sandbox, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    for name in ("seeds", "bench"):
        (work / name).symlink_to(REPO / name, target_is_directory=True)
    command = ["bash", "-e", "-o", "pipefail", "-c", block.text]
    if block.language == "python":
        command = [sys.executable, "-c", block.text]
    completed = subprocess.run(
        command,
        cwd=work,
        env=sandbox,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, (
        f"{block.id} exited {completed.returncode}\n"
        f"stdout:\n{completed.stdout[-3000:]}\nstderr:\n{completed.stderr[-3000:]}"
    )


# --- links and the layout table ------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    in_code = {n for b in extract_blocks(text) for n in range(b.line, b.end_line + 1)}
    return {
        slug(match[1])
        for number, line in enumerate(text.splitlines(), start=1)
        if number not in in_code and (match := re.match(r"#{1,6} (.+)", line))
    }


def test_relative_links_and_anchors_resolve() -> None:
    broken = []
    for doc in DOC_FILES:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            linked = (doc.parent / file_part).resolve() if file_part else doc
            if not linked.exists():
                broken.append(f"{doc.name}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                broken.append(f"{doc.name}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def layout_rows() -> list[tuple[list[str], str]]:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and line.startswith("|") and not set(cells[0]) <= {"-", ":"}:
            paths = re.findall(r"`([^`]+)`", cells[0])
            if paths:
                rows.append((paths, " | ".join(cells[1:])))
    return rows


def test_layout_table_matches_the_tree() -> None:
    rows = layout_rows()
    assert len(rows) >= 15
    missing = [path for paths, _ in rows for path in paths if not (REPO / path).exists()]
    assert not missing, f"layout table names paths that do not exist: {missing}"
    named = {path.rstrip("/") for paths, _ in rows for path in paths}
    described_in_folder = {
        (paths[0].rstrip("/"), name)
        for paths, job in rows
        for name in re.findall(r"`([^`/]+\.py)`", job)
    }
    unnamed = []
    for module in sorted((REPO / "summarize").rglob("*.py")):
        relative = module.relative_to(REPO)
        if module.name == "__init__.py" or relative.as_posix() in named:
            continue
        if (relative.parent.as_posix(), module.name) not in described_in_folder:
            unnamed.append(relative.as_posix())
    assert not unnamed, f"modules missing from CONTRIBUTING.md's layout table: {unnamed}"


def test_flags_page_has_the_flag_registrys_table() -> None:
    """docs/flags.md's table is the flag registry's (:func:`summarize.tasks.flags.docs_table`):
    every code the tool raises, what it applies to and when. Paste the expected table when a
    flag changes."""
    from summarize.tasks.flags import docs_table

    text = (REPO / "docs" / "flags.md").read_text(encoding="utf-8")
    section = text.split("\n## What the flags mean\n", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    assert table == docs_table(), f"docs/flags.md's table should read:\n{docs_table()}"
