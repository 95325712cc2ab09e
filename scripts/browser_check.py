"""Do what a learner does: open each chapter in JupyterLab in a real browser, Run All, look at the result.

    python scripts/browser_check.py                 # every chapter
    python scripts/browser_check.py --only 01 04    # some chapters (file name prefixes)

(``make browser-check`` installs what it needs and runs the first form; it is not part of
``make test``.) It starts JupyterLab the way the README does, but headless: 127.0.0.1, a
random token, a random free port, autosave off, and throwaway settings and workspace folders,
so nothing of yours is read or changed. Debian's Chromium (``apt install chromium``) is driven
by Playwright through ``executable_path``: no browser download. For each chapter it

1. opens it and saves it at once (Ctrl+S): the file must come back byte for byte — a
   chapter stored differently from what Lab writes would show as "changed" to every learner
   (the original bytes are put back in any case);
2. chooses Run → Run All Cells from the menu, waits until every cell has run and the kernel
   is idle, and records the wall time, error outputs, rendered images, and cells left unrun;
3. takes a screenshot of the end of the notebook.

Results: benchmarks/browser/results.md and one PNG per chapter. The run uses the offline
profile, like ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import merge_rows  # same folder: one rule for updating a results table

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # a closed network: no background connections, no first-run pages
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
USER_SETTINGS = {  # written into the throwaway settings folder
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # every cell in the DOM, so that errors and images below the fold are counted too
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}
OFFLINE_ENV = {
    "LLMBOOK_PROFILE": "offline",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(tmp: Path) -> tuple[subprocess.Popen, str, str]:
    settings, workspaces = tmp / "settings", tmp / "workspaces"
    for name, values in USER_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    workspaces.mkdir()
    token, port = secrets.token_hex(16), free_port()
    env = {
        **os.environ,
        **OFFLINE_ENV,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(workspaces),
    }
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--ServerApp.port={port}"]
    command += ["--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = open(tmp / "lab.log", "w")  # noqa: SIM115 - closed with the process
    lab = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return lab, base, token
        except OSError:
            if lab.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: see {tmp / 'lab.log'}") from None
            time.sleep(0.5)
    lab.terminate()
    raise RuntimeError("JupyterLab did not answer within 60 s")


def stop_kernels(base: str, token: str) -> None:
    """Shut every kernel down, so each chapter starts with a fresh one and memory is given back."""
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as answer:
        sessions = json.load(answer)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30)


COUNT_JS = """() => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  const prompts = cells.map(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim());
  return {
    cells: cells.length,
    running: prompts.filter(p => p.includes('*')).length,
    unrun: prompts.filter(p => p === '[ ]:' || p === '').length,
    errors: document.querySelectorAll('.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"], .jp-Notebook .jp-OutputArea-executeResult .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]').length
      + [...document.querySelectorAll('.jp-Notebook .jp-RenderedText')].filter(e => /Traceback \\(most recent call last\\)|^\\w+Error: /m.test(e.textContent)).length,
    images: document.querySelectorAll('.jp-Notebook .jp-OutputArea-output img').length,
    status: document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') || '',
  };
}"""


def check_chapter(page, base: str, token: str, path: Path, timeout_s: int) -> dict:
    relative = path.relative_to(ROOT).as_posix()
    original = path.read_bytes()
    result = {"chapter": path.name}
    try:
        page.goto(f"{base}/lab/tree/{relative}?token={token}&reset")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        page.wait_for_function(
            "() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle'",
            timeout=180_000,
        )
        page.locator(".jp-Notebook").first.click()
        page.keyboard.press("Control+s")
        page.wait_for_timeout(2000)
        result["save_changes_file"] = path.read_bytes() != original
        started = time.perf_counter()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        page.wait_for_timeout(3000)
        deadline = started + timeout_s
        counts = page.evaluate(COUNT_JS)
        while time.perf_counter() < deadline:
            counts = page.evaluate(COUNT_JS)
            if counts["running"] == 0 and counts["status"] == "idle":
                break
            page.wait_for_timeout(2000)
        result["wall_s"] = round(time.perf_counter() - started, 1)
        result["timed_out"] = counts["running"] > 0
        result.update(counts)
        page.keyboard.press("Control+End")
        page.locator(".jp-Notebook .jp-Cell").last.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        shot = OUT / f"{path.stem}.png"
        page.screenshot(path=str(shot))
        result["screenshot"] = shot.name
    except Exception as error:  # one chapter's trouble is a row in the table, not the end of the run
        result["failure"] = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    finally:
        if path.read_bytes() != original:
            path.write_bytes(original)
    return result


def write_markdown(rows: list[dict], started: str) -> str:
    lines = [
        "# Browser check",
        "",
        "Written by `make browser-check` (scripts/browser_check.py): each chapter opened in JupyterLab in headless",
        f"Chromium, saved once, then Run → Run All Cells, offline profile. Latest run: {started}.",
        "",
        "| chapter | save changes the file? | wall | code cells | errors | images | unrun | screenshot |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        if "failure" in r:
            lines.append(f"| {r['chapter']} | | | | | | | **failed:** {r['failure']} |")
            continue
        timed = " (timed out)" if r.get("timed_out") else ""
        earlier = f" (run of {r['date']})" if r.get("date", started) != started else ""
        lines.append(
            f"| {r['chapter']}{earlier} | {'**yes**' if r['save_changes_file'] else 'no'} | {r['wall_s'] / 60:.1f} min{timed} | "
            f"{r['cells']} | {r['errors']} | {r['images']} | {r['unrun']} | [{r['screenshot']}]({r['screenshot']}) |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="chapter file-name prefixes, e.g. 01 07b")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per chapter")
    args = parser.parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("playwright is not installed: run `make browser-check`, which installs it into .venv")
    if not Path(CHROMIUM).exists():
        sys.exit(f"no browser at {CHROMIUM}: install Debian's Chromium with `sudo apt install chromium`")
    paths = sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb"))
    if args.only:
        paths = [p for p in paths if any(p.name.startswith(prefix) for prefix in args.only)]
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = []
    with tempfile.TemporaryDirectory(prefix="llmbook-lab-") as tmp:
        lab, base, token = start_lab(Path(tmp))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                for path in paths:
                    print(f"{path.name} ...", flush=True)
                    rows.append(check_chapter(page, base, token, path, args.timeout))
                    print("  ", json.dumps(rows[-1]), flush=True)
                    stop_kernels(base, token)
                browser.close()
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    previous = json.loads((OUT / "results.json").read_text()) if (OUT / "results.json").exists() else []
    all_rows = merge_rows(previous, rows, {"date": started})
    (OUT / "results.md").write_text(write_markdown(all_rows, started))
    (OUT / "results.json").write_text(json.dumps(all_rows, indent=1) + "\n")
    print(f"wrote {OUT / 'results.md'}")
    bad = [r for r in rows if "failure" in r or r.get("errors") or r.get("save_changes_file") or r.get("timed_out")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
