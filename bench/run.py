#!/usr/bin/env python3
"""Benchmark runner: etai against its peers, measured in the same run.

Runs every benchmark of bench/programs/ with etai and with each peer found on the
machine (Guile, CHICKEN's csi, Chez Scheme, Python 3 for the language benchmarks;
raw nng from Rust and Python's pynng for the messaging ones), several times each,
checks every run's output against the expected result (a wrong answer is reported,
never timed), and prints a table of median wall-clock seconds, etai's peak resident
memory and the ratio etai/peer. The table is also written as markdown to
bench/results/latest.md. Only the standard library is used.

    python3 bench/run.py [--etai PATH] [--runs N] [--only NAME,...] [--quick] [--install]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PROGRAMS = BENCH / "programs"
SCHEME = BENCH / "peers" / "scheme"
PYTHON = BENCH / "peers" / "python"
NET = BENCH / "net"
VENV = BENCH / ".venv"
RESULTS = BENCH / "results" / "latest.md"


# --------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def pipeline_total(n: int, repeat: int) -> int:
    """Closed form of pipeline.eta: for each k, the sum of 3x+k over the x in
    0..n-1 with x+k odd."""
    total = 0
    for k in range(repeat):
        r = (k + 1) % 2  # the parity of the x that are kept
        c = len(range(r, n, 2))
        total += 3 * c * (r + c - 1) + k * c
    return total


NQUEENS = {4: 2, 5: 10, 6: 4, 7: 40, 8: 92, 9: 352, 10: 724}

DERIV = (
    "(+ (* (* 3 x x) (+ (/ 0 3) (/ 1 x) (/ 1 x))) (* (* a x x) (+ (/ 0 a) (/ 1 x) "
    "(/ 1 x))) (* (* b x) (+ (/ 0 b) (/ 1 x))) 0)"
)


@dataclass
class Benchmark:
    name: str
    kind: str  # "lang" (Scheme and Python peers) or "msg" (raw nng and pynng peers)
    what: str
    full: list[int]
    quick: list[int]
    expected: Callable[..., object]


BENCHMARKS = [
    Benchmark("fib", "lang", "naive (fib N)", [30], [20], fib),
    Benchmark("tak", "lang", "(tak 18 12 6) x REPEAT", [50], [2], lambda r: 7 * r),
    Benchmark(
        "lists",
        "lang",
        "cons N-list, reverse, sum; x REPEAT",
        [1_000_000, 3],
        [100_000, 1],
        lambda n, r: r * n * (n - 1) // 2,
    ),
    Benchmark(
        "strings",
        "lang",
        'N pieces "k<i>=<i*i>;" into a string port',
        [500_000],
        [20_000],
        lambda n: sum(len(f"k{i}={i * i};") for i in range(n)),
    ),
    Benchmark(
        "vector",
        "lang",
        "fill N-vector with 0..N-1, sum it",
        [10_000_000],
        [100_000],
        lambda n: n * (n - 1) // 2,
    ),
    Benchmark(
        "nqueens",
        "lang",
        "all solutions of N queens x REPEAT",
        [8, 100],
        [8, 2],
        lambda n, r: NQUEENS[n] * r,
    ),
    Benchmark("deriv", "lang", "symbolic derivative x REPEAT", [200_000], [1_000], lambda r: DERIV),
    Benchmark(
        "pipeline",
        "lang",
        "closure map/filter/fold over N-list x REPEAT",
        [100_000, 30],
        [10_000, 2],
        pipeline_total,
    ),
    Benchmark(
        "pingpong-thread",
        "msg",
        "N round trips with a thread actor (inproc)",
        [100_000],
        [2_000],
        lambda n: n * (n - 1) // 2,
    ),
    Benchmark(
        "pingpong-process",
        "msg",
        "N round trips with a process actor (ipc)",
        [100_000],
        [2_000],
        lambda n: n * (n - 1) // 2,
    ),
    Benchmark(
        "pushpull",
        "msg",
        "N messages push -> pull (inproc)",
        [1_000_000],
        [20_000],
        lambda n: n * (n - 1) // 2,
    ),
]


# --------------------------------------------------------------------------------
# Implementations
# --------------------------------------------------------------------------------


@dataclass
class Impl:
    name: str
    kinds: set[str]
    version: str
    command: Callable[[Benchmark, list[str]], list[str]]
    env: dict[str, str] = field(default_factory=dict)


def capture(cmd: list[str], cwd: Path | None = None) -> str:
    """Standard output and error of a short command, or "" if it cannot run."""
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (p.stdout + p.stderr).strip()


def first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def find_chez() -> tuple[str, str] | None:
    """A Chez Scheme executable and its version. `scheme` is only taken when it
    really is Chez (MIT Scheme installs a `scheme` too)."""
    with tempfile.NamedTemporaryFile("w", suffix=".ss", delete=False) as f:
        f.write("(display (scheme-version))\n")
        probe = f.name
    try:
        for name in ("chezscheme", "chez", "scheme"):
            exe = shutil.which(name)
            if exe:
                out = capture([exe, "--script", probe])
                if out.startswith("Chez Scheme"):
                    return exe, out
    finally:
        os.unlink(probe)
    return None


def python_for_peers() -> str:
    venv_python = VENV / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def discover_peers(log: Callable[[str], None], kinds_needed: set[str]) -> tuple[list[Impl], list[str]]:
    """The peers present on this machine, and notes on the missing ones."""
    peers: list[Impl] = []
    missing: list[str] = []

    guile = shutil.which("guile")
    if guile:
        peers.append(
            Impl(
                "guile",
                {"lang"},
                first_line(capture([guile, "--version"])),
                lambda b, a: [guile, str(SCHEME / f"{b.name}.scm"), *a],
                # Compiled (the warm-up run fills Guile's cache), as Guile runs scripts.
                {"GUILE_AUTO_COMPILE": "1"},
            )
        )
    else:
        missing.append("guile (apt-get install guile-3.0)")

    csi = shutil.which("csi")
    if csi:
        shim = str(SCHEME / "chicken-shim.scm")
        peers.append(
            Impl(
                "chicken",
                {"lang"},
                "CHICKEN csi " + capture([csi, "-release"]),
                lambda b, a: [csi, "-s", shim, str(SCHEME / f"{b.name}.scm"), *a],
            )
        )
    else:
        missing.append("chicken (apt-get install chicken-bin)")

    chez = find_chez()
    if chez:
        exe, version = chez
        peers.append(
            Impl(
                "chez",
                {"lang"},
                version,
                lambda b, a: [exe, "--script", str(SCHEME / f"{b.name}.scm"), *a],
            )
        )
    else:
        missing.append("chez (apt-get install chezscheme)")

    py = python_for_peers()
    kinds = {"lang"}
    if subprocess.run([py, "-c", "import pynng"], capture_output=True).returncode == 0:
        kinds.add("msg")
    elif "msg" in kinds_needed:
        missing.append("pynng for the python messaging peers (run.py --install makes bench/.venv)")
    version = capture([py, "--version"])
    if "msg" in kinds:
        version += ", pynng " + capture([py, "-c", "import pynng; print(pynng.__version__)"])
    peers.append(Impl("python", kinds, version, lambda b, a: [py, str(PYTHON / f"{b.name}.py"), *a]))

    raw = build_raw_nng(log) if "msg" in kinds_needed else None
    if raw:
        peers.append(Impl("raw-nng", {"msg"}, raw_nng_version(), lambda b, a: [raw, b.name, *a]))
    elif "msg" in kinds_needed:
        missing.append("raw-nng (needs cargo to build bench/net)")
    return peers, missing


def raw_nng_version() -> str:
    """The nng crate's version, from bench/net/Cargo.lock."""
    try:
        lines = (NET / "Cargo.lock").read_text().splitlines()
    except OSError:
        return "Rust nng crate"
    for i, line in enumerate(lines[:-1]):
        if line == 'name = "nng"' and lines[i + 1].startswith("version = "):
            return "Rust nng crate " + lines[i + 1].split('"')[1]
    return "Rust nng crate"


def build_raw_nng(log: Callable[[str], None]) -> str | None:
    """Builds the bench/net crate into bench/net/target; returns its binary."""
    binary = NET / "target" / "release" / "eta-bench-net"
    if not shutil.which("cargo"):
        return str(binary) if binary.exists() else None
    log("building bench/net (raw nng peer) ...")
    # Run from inside the repository so that its .cargo/config.toml (CMake for
    # nng-sys) applies; the crate is a workspace of its own with its own target dir.
    env = dict(os.environ, CARGO_TARGET_DIR=str(NET / "target"))
    p = subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=NET, env=env)
    if p.returncode != 0:
        log("warning: building bench/net failed; no raw-nng peer")
        return None
    return str(binary)


def etai_impl(path: str) -> Impl:
    return Impl(
        "etai",
        {"lang", "msg"},
        first_line(capture([path, "--version"])),
        lambda b, a: [path, str(PROGRAMS / f"{b.name}.eta"), *a],
    )


def build_etai(log: Callable[[str], None]) -> str:
    log("building etai: cargo build --release -p etai ...")
    p = subprocess.run(["cargo", "build", "--release", "-p", "etai"], cwd=ROOT)
    if p.returncode != 0:
        sys.exit("run.py: building etai failed")
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    if not target.is_absolute():
        target = ROOT / target
    return str(target / "release" / "etai")


# --------------------------------------------------------------------------------
# Running and measuring
# --------------------------------------------------------------------------------


# A descendant's peak RSS (ru_maxrss) starts from the memory of the process that
# forked it: the kernel copies the parent's resident-set count into the fork, and
# posix_spawn's vfork even records the parent's own peak at exec. Spawned straight
# from this Python process (about 15 MB), every child would report at least that.
# So on Linux this process becomes a child subreaper and starts each benchmark from
# a small shell that forks it and exits at once: the benchmark is reparented here,
# waited for with os.wait4, and its ru_maxrss is its own (plus at most the ~1 MB of
# the shell it was forked from).
SPAWN_SCRIPT = '{ read _ <&4; exec 3>&- 4<&- "$@"; } & echo $! >&3'


def become_subreaper() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


SUBREAPER = False


def spawn(cmd: list[str], env: dict[str, str], out: int, err: int) -> tuple[int, int, float]:
    """Starts `cmd` with standard input from /dev/null and the given output and
    error descriptors, in a process group of its own (so that a timeout also ends
    the actors it spawned). Returns (pid, process group, start time)."""
    io = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out, 1),
        (os.POSIX_SPAWN_DUP2, err, 2),
    ]
    if not SUBREAPER:
        start = time.perf_counter()
        pid = os.posix_spawnp(cmd[0], cmd, env, file_actions=io, setpgroup=0)
        return pid, pid, start
    pid_r, pid_w = os.pipe()
    gate_r, gate_w = os.pipe()
    fds = {pid_r, pid_w, gate_r, gate_w}

    def close(fd: int) -> None:
        fds.discard(fd)
        os.close(fd)

    try:
        actions = io + [(os.POSIX_SPAWN_DUP2, pid_w, 3), (os.POSIX_SPAWN_DUP2, gate_r, 4)]
        sh = os.posix_spawn(
            "/bin/sh", ["sh", "-c", SPAWN_SCRIPT, "sh", *cmd], env, file_actions=actions, setpgroup=0
        )
        close(pid_w)
        close(gate_r)
        line = b""
        while not line.endswith(b"\n"):
            chunk = os.read(pid_r, 64)
            if not chunk:
                break
            line += chunk
        close(pid_r)
        os.waitpid(sh, 0)
        pid = int(line)
        # The shell is gone and the benchmark, still waiting at the gate, is our
        # child now: open the gate and start the clock.
        start = time.perf_counter()
        close(gate_w)
        return pid, sh, start
    finally:
        for fd in list(fds):
            close(fd)


def reap_orphans() -> None:
    """Collects descendants reparented to us whose parent did not wait for them."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


@dataclass
class Run:
    ok: bool
    seconds: float = 0.0
    rss_mb: float = 0.0
    problem: str = ""  # "wrong answer", "exit 1", "timeout", ...
    detail: str = ""


def run_once(cmd: list[str], env: dict[str, str], expected: str, timeout: float) -> Run:
    """Runs one benchmark process; measures its wall time and, through wait4's
    rusage, its peak RSS (ru_maxrss of that process and of the descendants it
    waited for, such as a process actor; not RUSAGE_CHILDREN)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            pid, group, start = spawn(cmd, dict(os.environ, **env), out.fileno(), err.fileno())
        except (OSError, ValueError) as e:
            return Run(False, problem="cannot start", detail=str(e))
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(pid, 0)
        except BaseException:
            kill()  # Ctrl-C: leave no benchmark running
            raise
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        reap_orphans()
        # Linux reports ru_maxrss in KiB, macOS in bytes.
        scale = 1024 * 1024 if sys.platform == "darwin" else 1024
        rss_mb = usage.ru_maxrss / scale
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if timed_out.is_set():
        return Run(False, problem="timeout", detail=f"killed after {timeout:.0f} s")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        return Run(False, problem=f"exit {code}", detail=tail)
    got = stdout.strip()
    if got != expected:
        return Run(
            False, problem="wrong answer", detail=f"expected {expected[:80]!r}, got {got[:80]!r}"
        )
    return Run(True, seconds, rss_mb)


@dataclass
class Outcome:
    """All runs of one implementation on one benchmark."""

    runs: list[Run] = field(default_factory=list)
    failure: Run | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs else None

    @property
    def peak_rss(self) -> float | None:
        return max(r.rss_mb for r in self.runs) if self.runs else None


def measure(
    bench: Benchmark, impls: list[Impl], args: list[str], runs: int, timeout: float, log
) -> dict[str, Outcome]:
    expected = str(bench.expected(*[int(a) for a in args]))
    outcomes = {i.name: Outcome() for i in impls}
    # One untimed warm-up run each (Guile compiles its cache, files enter the page
    # cache); it is checked too, and an implementation that fails it is not timed.
    live = []
    for impl in impls:
        r = run_once(impl.command(bench, args), impl.env, expected, timeout)
        if r.ok:
            live.append(impl)
        else:
            outcomes[impl.name].failure = r
            log(f"  {impl.name}: {r.problem}: {r.detail}")
    # Timed runs, interleaved across implementations so that drifting machine
    # load spreads over all of them.
    for k in range(runs):
        for impl in list(live):
            r = run_once(impl.command(bench, args), impl.env, expected, timeout)
            if r.ok:
                outcomes[impl.name].runs.append(r)
            else:
                outcomes[impl.name].failure = r
                outcomes[impl.name].runs.clear()
                live.remove(impl)
                log(f"  {impl.name}: {r.problem} on run {k + 1}: {r.detail}")
        log(
            f"  run {k + 1}/{runs}: "
            + "  ".join(
                f"{i.name} {outcomes[i.name].runs[-1].seconds:.3f}s"
                for i in live
                if outcomes[i.name].runs
            )
        )
    return outcomes


# --------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------


def fmt_seconds(s: float) -> str:
    return f"{s:.3f}" if s < 10 else f"{s:.2f}" if s < 100 else f"{s:.1f}"


def cell(outcome: Outcome | None) -> str:
    if outcome is None:
        return "-"
    if outcome.failure is not None:
        return outcome.failure.problem.upper() if outcome.failure.problem != "wrong answer" else "WRONG"
    m = outcome.median
    return fmt_seconds(m) if m is not None else "-"


def ratio(etai: Outcome | None, peer: Outcome | None) -> str:
    if etai is None or peer is None or etai.median is None or peer.median is None:
        return "-"
    return f"{etai.median / peer.median:.2f}"


def table_rows(
    benches: list[Benchmark], results: dict[str, dict[str, Outcome]], peers: list[str]
) -> tuple[list[str], list[list[str]]]:
    header = ["benchmark", "etai s", "etai MB"]
    for p in peers:
        header += [f"{p} s", f"etai/{p}"]
    rows = []
    for b in benches:
        res = results[b.name]
        etai = res.get("etai")
        rss = etai.peak_rss if etai else None
        row = [b.name, cell(etai), f"{rss:.0f}" if rss is not None else "-"]
        for p in peers:
            row += [cell(res.get(p)), ratio(etai, res.get(p))]
        rows.append(row)
    return header, rows


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores" + (
        f", {cpu}" if cpu else ""
    )


def git_revision() -> str:
    rev = capture(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = capture(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return rev + (" (with uncommitted changes)" if dirty else "") if rev else "unknown"


def write_markdown(
    path: Path,
    opts,
    benches: list[Benchmark],
    impls: list[Impl],
    results: dict[str, dict[str, Outcome]],
    missing: list[str],
    table: str,
) -> None:
    names = [i.name for i in impls]
    rss_header = ["benchmark", *[f"{n} MB" for n in names]]
    rss_rows = []
    for b in benches:
        row = [b.name]
        for n in names:
            o = results[b.name].get(n)
            row.append(f"{o.peak_rss:.0f}" if o and o.peak_rss is not None else "-")
        rss_rows.append(row)
    spread_rows = []
    for b in benches:
        row = [b.name]
        for n in names:
            o = results[b.name].get(n)
            if o and o.runs:
                times = [r.seconds for r in o.runs]
                row.append(f"{fmt_seconds(min(times))}–{fmt_seconds(max(times))}")
            else:
                row.append("-")
        spread_rows.append(row)
    failures = [
        f"* {b.name} / {n}: {o.failure.problem}: {o.failure.detail}"
        for b in benches
        for n, o in results[b.name].items()
        if o.failure is not None
    ]
    sizes = "quick" if opts.quick else "full"
    text = [
        "# etai benchmarks",
        "",
        f"* date: {datetime.datetime.now().isoformat(timespec='seconds')}",
        f"* machine: {machine()}; load average (1 min) {opts.load_before:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end",
        f"* etai: {opts.etai} ({impls[0].version}), revision {git_revision()}",
        f"* sizes: {sizes}; {opts.runs} timed runs per implementation (after one checked "
        "warm-up run); times are the median wall-clock seconds of a whole process, "
        "start-up included",
        "",
        "Peers:",
        "",
        *[f"* {i.name}: {i.version}" for i in impls[1:]],
        *[f"* not found: {m}" for m in missing],
        "",
        "## Time",
        "",
        "A ratio etai/peer above 1 means etai is slower.",
        "",
        table,
        "",
        "## Arguments",
        "",
        *[
            f"* {b.name}: {b.what}, with {' '.join(str(a) for a in (b.quick if opts.quick else b.full))}"
            for b in benches
        ],
        "",
        "## Fastest and slowest timed run (seconds)",
        "",
        "A wide range means a disturbed machine: compare medians with care.",
        "",
        md_table(["benchmark", *names], spread_rows),
        "",
        "## Peak resident memory of each process (MB)",
        "",
        "ru_maxrss from os.wait4 on each benchmark process, the largest over the runs. "
        "It covers descendants that the process itself waited for (the echo process of "
        "pingpong-process) as the larger of the two, not the sum.",
        "",
        md_table(rss_header, rss_rows),
        "",
    ]
    if failures:
        text += ["## Failures", "", *failures, ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text))


# --------------------------------------------------------------------------------
# Installing the peers
# --------------------------------------------------------------------------------


def install(log) -> None:
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    if shutil.which("apt-get"):
        log("installing Guile, CHICKEN and Chez Scheme with apt-get ...")
        subprocess.run([*sudo, "apt-get", "update"], check=False)
        for pkg in ("guile-3.0", "chicken-bin", "chezscheme"):
            # One at a time: a package this distribution lacks must not stop the others.
            if subprocess.run([*sudo, "apt-get", "install", "-y", pkg]).returncode != 0:
                log(f"warning: could not install {pkg}")
    else:
        log("no apt-get: install Guile 3, CHICKEN 5 and Chez Scheme with your package manager")
    if not (VENV / "bin" / "python").exists():
        log(f"creating {VENV} ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    log("installing pynng into the venv ...")
    subprocess.run([str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "pynng"], check=True)


# --------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description="Run the etai benchmarks against the peers found here.")
    ap.add_argument(
        "--etai", help="etai binary (default: cargo build --release -p etai, then target/release/etai)"
    )
    ap.add_argument("--runs", type=int, default=5, help="timed runs per implementation (default 5)")
    ap.add_argument("--only", help="comma-separated benchmark names")
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument(
        "--install", action="store_true", help="install the peers (apt-get, bench/.venv with pynng) first"
    )
    ap.add_argument(
        "--timeout", type=float, default=600, help="seconds before a run is killed (default 600)"
    )
    ap.add_argument(
        "--output", type=Path, default=RESULTS, help=f"markdown report (default {RESULTS.relative_to(ROOT)})"
    )
    opts = ap.parse_args()
    opts.load_before = os.getloadavg()[0]

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    benches = BENCHMARKS
    if opts.only:
        wanted = [n.strip() for n in opts.only.split(",") if n.strip()]
        known = {b.name for b in BENCHMARKS}
        unknown = [n for n in wanted if n not in known]
        if unknown:
            names = ", ".join(b.name for b in BENCHMARKS)
            sys.exit(f"run.py: unknown benchmark {', '.join(unknown)} (known: {names})")
        benches = [b for b in BENCHMARKS if b.name in wanted]

    if opts.install:
        install(log)
    if opts.etai is None:
        opts.etai = build_etai(log)
    opts.etai = str(Path(opts.etai).resolve())
    if not os.access(opts.etai, os.X_OK):
        sys.exit(f"run.py: no etai at {opts.etai}")

    global SUBREAPER
    SUBREAPER = become_subreaper()
    if not SUBREAPER:
        log("note: not Linux (or no prctl): peak RSS includes this runner's own memory")
    peers, missing = discover_peers(log, {b.kind for b in benches})
    impls = [etai_impl(opts.etai), *peers]
    for m in missing:
        log(f"peer not found: {m}")

    results: dict[str, dict[str, Outcome]] = {}
    for b in benches:
        args = [str(a) for a in (b.quick if opts.quick else b.full)]
        here = [i for i in impls if b.kind in i.kinds]
        log(f"{b.name} {' '.join(args)}: {', '.join(i.name for i in here)}")
        results[b.name] = measure(b, here, args, opts.runs, opts.timeout, log)

    # Peer columns: only peers that apply to at least one selected benchmark.
    peer_names = [p.name for p in peers if any(b.kind in p.kinds for b in benches)]
    header, rows = table_rows(benches, results, peer_names)
    print()
    print(text_table(header, rows))
    shown = [impls[0], *[p for p in peers if p.name in peer_names]]
    write_markdown(opts.output, opts, benches, shown, results, missing, md_table(header, rows))
    print(f"\nwritten to {opts.output}")
    if any(o.failure for res in results.values() for o in res.values()):
        print("some runs failed: see the log above and the report", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
