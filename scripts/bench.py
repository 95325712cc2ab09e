"""Measure the course: every chapter run headless in the offline profile, and generation speed.

    python scripts/bench.py                    # all chapters + generation speed -> benchmarks/results.md
    python scripts/bench.py --only 04 07       # some chapters (file name prefixes)
    python scripts/bench.py --no-chapters      # only the generation-speed comparison

(``make bench`` runs the first form.) This is a benchmark, not a test: nothing here passes
or fails on a number. Each chapter runs in a fresh kernel (nbclient) with the test
environment of the Makefile; a sampler adds up the resident memory of the kernel and all its
children (the local llama.cpp server included) every 0.2 s and keeps the peak. After the
last cell, one extra cell in the same kernel reads the chapter's headline result from its
variables (the expressions in HEADLINES; "n/a" with the reason when a name has changed).
Results go to benchmarks/results.md (for people) and benchmarks/results.json (for tools),
with the machine, the commit and the load average, because on a shared 2-core machine the
same chapter can take twice as long when something else runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks"


def makefile_test_env() -> dict[str, str]:
    """The Makefile's TEST_ENV (offline profile, no hub, no progress bars, passive OpenMP threads), read from
    the Makefile so that the benchmark and `make test` cannot drift apart."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("TEST_ENV :="))
    return dict(pair.split("=", 1) for pair in line.split(":=", 1)[1].split())


TEST_ENV = makefile_test_env()
# chapter prefix -> expression evaluated in the chapter's kernel after its last cell: the headline, as text
HEADLINES: dict[str, str] = {
    "01": 'f"{len(model.model.layers)} decoder layers, {model.num_parameters() / 1e6:.0f}M parameters"',
    "02": 'f"{len(compared)} tokenizers compared"',
    "03": 'f"test hit rate: word2vec {hr_winner:.3f}, popularity {hr_popular:.3f}"',
    "04": "f\"best macro-F1 {table['macro-F1'].max():.3f} ({table['macro-F1'].idxmax()})\"",
    "05": 'f"HDBSCAN vs arXiv categories: ARI {hdbscan_ari:.2f}, NMI {hdbscan_nmi:.2f}"',
    "06": "f\"nDCG@5 hybrid {ndcg['hybrid (RRF)']:.3f}, BM25 {ndcg['BM25']:.3f}, dense {ndcg['dense']:.3f}\"",
    "07_": "f\"tokens/s llama.cpp {speed.loc['llama.cpp', 'tokens/s']} vs transformers {speed.loc['transformers', 'tokens/s']}; "
    "JSON problems free {len(check_json(grammar_answers['free']))}, with a grammar {len(check_json(grammar_answers['grammar']))}\"",
    "07b": 'f"agent: {len(agent_results)} tasks; constrained JSON valid {constrained_valid}/{len(descriptions)}"',
    "08": 'f"pocket-CLIP zero-shot {heldout_accuracy:.2f} (held-out templates), search P@6 {mean_precision:.2f}"',
    "09a": 'f"full fine-tune macro-F1 {full_f1:.3f}; NER held-out entity F1 {heldout_entity_f1:.2f}"',
    "09b": 'f"house style {share_before:.0%} -> SFT {share_sft:.0%} -> DPO {share_dpo:.0%}; DPO pairs {heldout_accuracy:.0%}"',
}


def headline_expression(name: str) -> str | None:
    for prefix in sorted(HEADLINES, key=len, reverse=True):
        if name.startswith(prefix):
            return HEADLINES[prefix]
    return None


def machine() -> dict:
    model = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            platform.processor() or "unknown",
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit.strip() or "unknown",
        "cpu": model,
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "gpu": gpu,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


class TreeMemory:
    """Peak of the summed RSS of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.2):
        self.root, self.every, self.peak = psutil.Process(pid), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [self.root, *self.root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def output_text(outputs: list) -> str:
    """The text a reader sees in a cell's outputs (streams and plain-text results), for comparing two runs."""
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


def run_chapter(path: Path, timeout: int) -> dict:
    nb = nbformat.read(path, as_version=4)
    pinned = {i: output_text(c.outputs) for i, c in enumerate(nb.cells) if c.source.startswith("# NBVAL_CHECK_OUTPUT")}
    os.environ.update(TEST_ENV)  # the kernel inherits this process's environment
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    started = time.perf_counter()
    result = {"chapter": path.name, "ok": True, "error": None, "headline": "n/a"}
    with client.setup_kernel():
        with TreeMemory(client.km.provisioner.pid) as memory:
            try:
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
            except Exception as error:  # a failing cell ends the chapter; the table says so
                result.update(ok=False, error=f"{type(error).__name__}: {str(error).splitlines()[-1][:200]}")
            wall = time.perf_counter() - started
            expression = headline_expression(path.name)
            if result["ok"] and expression:
                probe = nbformat.v4.new_code_cell(f"print({expression})")
                nb.cells.append(probe)  # nbclient executes cells of its notebook, by index
                try:
                    client.execute_cell(probe, len(nb.cells) - 1)
                    result["headline"] = "".join(o.get("text", "") for o in probe.outputs).strip() or "n/a"
                except Exception as error:
                    result["headline"] = f"n/a ({str(error).splitlines()[-1][:120]})"
    result.update(wall_s=round(wall, 1), peak_rss_gib=round(memory.peak / 2**30, 2))
    # a second run of the pinned cells: this run against the output stored in the chapter
    result["pinned_same"] = sum(output_text(nb.cells[i].outputs) == text for i, text in pinned.items())
    result["pinned"] = len(pinned)
    return result


GENERATION_SCRIPT = r"""
import json, time
from threading import Thread
import torch
from llama_cpp import Llama
from transformers import AutoModelForCausalLM, AutoTokenizer, TextIteratorStreamer
from llmbook_utils import resolve
from llmbook_utils.standins import smollm2

N = 64
messages = [{"role": "user", "content": "Explain in a short paragraph why the sky looks blue."}]
runs = []

folder = resolve("HuggingFaceTB/SmolLM2-135M-Instruct")
tok = AutoTokenizer.from_pretrained(folder)
model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
ids = tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
for threads in THREADS:
    torch.set_num_threads(threads)
    model.generate(**ids, max_new_tokens=4, do_sample=False)  # warm-up
    streamer = TextIteratorStreamer(tok, skip_prompt=True)
    start = time.perf_counter()
    kwargs = dict(**ids, max_new_tokens=N, min_new_tokens=N, do_sample=False, streamer=streamer)
    thread = Thread(target=model.generate, kwargs=kwargs)
    thread.start()
    first = None
    for piece in streamer:
        if first is None and piece:
            first = time.perf_counter() - start
    thread.join()
    total = time.perf_counter() - start
    runs.append({"backend": "transformers", "threads": threads, "ttft_s": first, "total_s": total, "tokens": N})

for threads in THREADS:
    llm = Llama(model_path=str(smollm2.gguf_path()), n_ctx=1024, n_threads=threads, verbose=False, seed=0)
    llm.create_chat_completion(messages=messages, max_tokens=4, temperature=0)  # warm-up
    llm.reset()  # forget the warm-up's tokens: the prompt is processed again, as in transformers
    start = time.perf_counter()
    first, n = None, 0
    for chunk in llm.create_chat_completion(messages=messages, max_tokens=N, temperature=0, stream=True):
        if chunk["choices"][0]["delta"].get("content"):
            n += 1
            if first is None:
                first = time.perf_counter() - start
    total = time.perf_counter() - start
    runs.append({"backend": "llama.cpp", "threads": llm.n_threads, "ttft_s": first, "total_s": total, "tokens": n})
    llm.close()
print("RESULT " + json.dumps(runs))
"""
SPEED_THREADS = (1, 2)  # both engines at each thread count: on a shared 2-core VM, 2 threads can be the slower


def generation_speed() -> dict:
    """Same model (SmolLM2-135M-Instruct), same prompt, greedy: transformers (float32) vs llama.cpp (its GGUF),
    each with 1 and with 2 CPU threads."""
    env = {**os.environ, **TEST_ENV}
    script = GENERATION_SCRIPT.replace("THREADS", repr(SPEED_THREADS))
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]}
    return summarise_speed(json.loads(line[len("RESULT ") :]))


def summarise_speed(runs: list[dict]) -> dict:
    """Per run: ms per output token and tokens/s; per thread count: llama.cpp's tokens/s over transformers'."""
    for r in runs:
        r["ms_per_output_token"] = 1000 * (r["total_s"] - r["ttft_s"]) / max(1, r["tokens"] - 1)
        r["tokens_per_s"] = r["tokens"] / r["total_s"]
    rate = {(r["backend"], r["threads"]): r["tokens_per_s"] for r in runs}
    ratio = {t: rate[("llama.cpp", t)] / rate[("transformers", t)] for b, t in rate if b == "transformers"}
    best = {b: max(r["tokens_per_s"] for r in runs if r["backend"] == b) for b in {r["backend"] for r in runs}}
    return {"runs": runs, "ratio_by_threads": ratio, "ratio_best": best["llama.cpp"] / best["transformers"]}


def this_checkouts_setup() -> dict | None:
    """How long the first ``make setup`` of this checkout took, read off the files it left in .venv."""
    venv = ROOT / ".venv"
    first, stamp = venv / "pyvenv.cfg", venv / ".llmbook-installed"
    if not (first.exists() and stamp.exists()):
        return None
    seconds = stamp.stat().st_mtime - first.stat().st_mtime
    when = dt.datetime.fromtimestamp(first.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = (
        f"this checkout's first run, {when}, from .venv's timestamps (a later `make setup` that reinstalled moves them)"
    )
    return {"command": "make setup", "cache": "as it was then", "wall": f"{seconds / 60:.1f} min", "note": note}


def timed_fresh_setup(cache: str) -> dict:
    """Clone this repository into a temporary folder and time ``make setup`` there (warm: pip's cache as it is;
    cold: PIP_NO_CACHE_DIR=1, so every download and the llama-cpp-python compile happen again)."""
    with tempfile.TemporaryDirectory(prefix="llmbook-setup-") as tmp:
        clone = Path(tmp) / "llmbook"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {**os.environ, **({"PIP_NO_CACHE_DIR": "1"} if cache == "cold" else {})}
        started = time.perf_counter()
        done = subprocess.run(["make", "setup"], cwd=clone, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
    note = "fresh clone" + ("" if done.returncode == 0 else f", **failed** (exit {done.returncode})")
    note += f"; load average {os.getloadavg()[0]:.1f} at the end"
    label = "warm (pip's cache as it was)" if cache == "warm" else "cold (PIP_NO_CACHE_DIR=1)"
    return {"command": "make setup", "cache": label, "wall": f"{seconds / 60:.1f} min", "note": note}


def merge_rows(previous: list[dict], new: list[dict], stamp: dict) -> list[dict]:
    """Rows of this run (stamped with its commit and date) replace the earlier rows of the same chapters; the other
    chapters keep their earlier rows, so that ``--only 04`` updates one row instead of shrinking the table."""
    by_chapter = {row["chapter"]: row for row in previous}
    by_chapter.update({row["chapter"]: {**row, **stamp} for row in new})
    return [by_chapter[name] for name in sorted(by_chapter)]


def write_markdown(info: dict, chapters: list[dict], speed: dict | None, previous: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (scripts/bench.py); do not edit by hand. Every chapter runs headless in the",
        "offline profile, in a fresh kernel, with the environment of `make test`. Wall time includes the kernel",
        "start; peak memory is the summed RSS of the kernel and its children (the local llama.cpp server",
        "included), sampled every 0.2 s. Stand-ins already in the model cache are loaded, not built.",
        "",
        f"- **Date:** {info['date']}, commit `{info['commit']}`",
        f"- **Machine:** {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM, "
        f"GPU: {info['gpu'] or 'none'}; Python {info['python']}, torch {info['torch']}",
        f"- **Load average at start:** {', '.join(map(str, info['load_average']))} (a busy machine inflates every time)",
        "",
    ]
    if chapters:
        lines += [
            "## Chapters (CPU, offline profile)",
            "",
            "| chapter | wall | peak RSS | headline result | pinned cells as stored | GPU column |",
            "|---|---:|---:|---|---:|---|",
        ]
        for r in chapters:
            status = "" if r["ok"] else f" **failed:** {r['error']}"
            earlier = (
                f" (earlier run: {r['date']}, `{r['commit']}`)"
                if r.get("commit", info["commit"]) != info["commit"]
                else ""
            )
            lines.append(
                f"| {r['chapter']}{earlier} | {r['wall_s'] / 60:.1f} min | {r['peak_rss_gib']:.1f} GiB | {r['headline']}{status} "
                f"| {r.get('pinned_same', 0)}/{r.get('pinned', 0)} | unmeasured |"
            )
        total = sum(r["wall_s"] for r in chapters)
        lines += [
            "",
            f"All chapters one after another: {total / 60:.1f} min. *Pinned cells as stored*: the cells marked "
            "`# NBVAL_CHECK_OUTPUT` whose text output in this run equals the output stored in the chapter (a second "
            "run of the deterministic cells). The GPU column is unmeasured: no GPU machine was available to this "
            "project's benchmark runs.",
            "",
        ]
    if speed:
        lines += ["## Generation speed: transformers vs llama.cpp", ""]
        if "error" in speed:
            lines += [f"Not measured: {speed['error']}", ""]
        else:
            lines += [
                "SmolLM2-135M-Instruct, the same chat prompt, greedy, 64 new tokens, after one warm-up call, each",
                "engine with 1 and with 2 CPU threads. transformers runs the de-quantised float32 weights; llama.cpp",
                "runs the original 4-bit GGUF file.",
                "",
                "| backend | threads | time to first token | per output token | tokens/s |",
                "|---|---:|---:|---:|---:|",
            ]
            for r in speed["runs"]:
                lines.append(
                    f"| {r['backend']} | {r['threads']} | {r['ttft_s'] * 1000:.0f} ms | "
                    f"{r['ms_per_output_token']:.1f} ms | {r['tokens_per_s']:.1f} |"
                )
            same = ", ".join(
                f"{ratio:.1f}x with {t} thread{'s' if int(t) > 1 else ''}"
                for t, ratio in speed["ratio_by_threads"].items()
            )
            lines += [
                "",
                f"llama.cpp's tokens/s over transformers' at the same thread count: {same}; "
                f"best against best: {speed['ratio_best']:.1f}x.",
                "",
            ]
    setup = previous.get("setup_times")
    if setup:
        lines += [
            "## README commands on a fresh machine",
            "",
            "| command | pip cache | wall | note |",
            "|---|---|---:|---|",
        ]
        lines += [f"| `{s['command']}` | {s['cache']} | {s['wall']} | {s['note']} |" for s in setup]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="chapter file-name prefixes, e.g. 04 07b")
    parser.add_argument("--no-chapters", action="store_true", help="skip the chapters, measure generation speed only")
    parser.add_argument("--no-speed", action="store_true", help="skip the generation-speed comparison")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    parser.add_argument(
        "--setup-times",
        nargs="*",
        choices=["warm", "cold"],
        default=None,
        help="also time `make setup` in fresh clones",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    previous = json.loads((OUT / "results.json").read_text()) if (OUT / "results.json").exists() else {}
    info = machine()
    chapters = []
    if not args.no_chapters:
        paths = sorted((ROOT / "chapters").glob("[0-9][0-9]*_*.ipynb"))
        if args.only:
            paths = [p for p in paths if any(p.name.startswith(prefix) for prefix in args.only)]
        for path in paths:
            print(f"running {path.name} ...", flush=True)
            chapters.append(run_chapter(path, args.timeout))
            r = chapters[-1]
            print(
                f"  {r['wall_s']:.0f} s, peak {r['peak_rss_gib']:.2f} GiB, {r['headline']}",
                r["error"] or "",
                flush=True,
            )
    speed = None if args.no_speed else generation_speed()
    if speed:
        print("generation speed:", json.dumps(speed, default=str)[:400], flush=True)
    setup_times = [row for row in [this_checkouts_setup()] if row]
    for cache in args.setup_times or []:
        print(f"timing make setup in a fresh clone ({cache} pip cache) ...", flush=True)
        setup_times.append(timed_fresh_setup(cache))
    if args.setup_times is None:  # keep the fresh-clone rows of an earlier run
        setup_times += [row for row in previous.get("setup_times", []) if row["note"].startswith("fresh clone")]
    results = {
        **previous,
        "machine": info,
        "chapters": merge_rows(
            previous.get("chapters", []), chapters, {"commit": info["commit"], "date": info["date"]}
        ),
        "generation": speed or previous.get("generation"),
        "setup_times": setup_times,
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (OUT / "results.md").write_text(write_markdown(info, results["chapters"], results["generation"], results))
    print(f"wrote {OUT / 'results.md'}")
    return 0 if all(r["ok"] for r in chapters) else 1


if __name__ == "__main__":
    sys.exit(main())
