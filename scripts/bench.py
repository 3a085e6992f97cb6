#!/usr/bin/env python3
"""Runs the benchmark scenarios and writes the report; scripts/bench calls it after the builds.

    python3 scripts/bench.py --mode full|smoke --target-dir DIR --profile release|debug --command "..."
    python3 scripts/bench.py --report-only [--mode full|smoke]   (rewrites the report from results.json)

For every scenario x server (x transport), it starts the server pinned to core 0
(`taskset -c 0`), waits for its `listening on HOST:PORT` line, runs the load generator
`tramline-bench` pinned to core 1 with `--json`, stops the server and keeps the metrics. For
`idle` it samples the server's VmRSS (/proc/PID/status) before the sessions open and while the
generator holds them (`ready N` on its stdout; a line on its stdin releases them).

A full run's results go to target/bench/results.json (+ one JSON and one log per run under
target/bench/runs/ and target/bench/logs/), a smoke run's to target/bench/smoke/ (same layout).
A complete full run writes docs/benchmarks.md and docs/bench/<scenario>.svg; a smoke run or a
partial run writes the same report under report/ of its directory only. Exit status 1 when any run failed to produce its figure.

Python 3 standard library only. Every wait is bounded; every process started here is killed
(its whole process group) on exit, on error and on SIGINT/SIGTERM.
"""

import argparse
import datetime
import html
import json
import os
import platform
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SERVERS = ["tramline", "socketio", "socketioxide", "bare"]
SERVER_TITLES = {
    "tramline": "Tramline",
    "socketio": "Socket.IO (Node)",
    "socketioxide": "socketioxide",
    "bare": "bare tokio-tungstenite",
}
# Transports each server speaks (the Socket.IO servers have no SSE; the bare server is websocket only).
TRANSPORTS = {
    "tramline": ["websocket", "sse", "polling"],
    "socketio": ["websocket", "polling"],
    "socketioxide": ["websocket", "polling"],
    "bare": ["websocket"],
}
SCENARIOS = ["fanout", "idle", "latency", "http-fallback", "connect"]
SCENARIO_TITLES = {
    "fanout": "Fan-out",
    "idle": "Idle memory",
    "latency": "Latency under load",
    "http-fallback": "HTTP fallback efficiency",
    "connect": "Connect rate",
}

# Sizes: the for full runs, tiny ones for the smoke run (the harness must not rot; the
# smoke figures mean nothing).
SIZES = {
    "full": {
        "fanout": {"clients": 1000, "payload": 100, "duration": 10},
        "idle": {"clients": 10000},
        "latency": {"clients": 1000, "rate": 10, "duration": 10},
        "http-fallback": {"clients": 1000, "payload": 100, "duration": 10},
        "connect": {"duration": 10},
    },
    "smoke": {
        "fanout": {"clients": 20, "payload": 100, "duration": 0.5},
        "idle": {"clients": 50},
        "latency": {"clients": 10, "rate": 10, "duration": 0.5},
        "http-fallback": {"clients": 20, "payload": 100, "duration": 0.5},
        "connect": {"duration": 0.5},
    },
}
# Bounds (seconds).
LIMITS = {
    "full": {"listen": 30, "run_extra": 120, "ready": 240, "settle": 2.0, "samples": 3, "release": 60},
    "smoke": {"listen": 20, "run_extra": 30, "ready": 30, "settle": 0.3, "samples": 1, "release": 20},
}

# The figure each scenario must produce (a run without it failed).
PRIMARY = {
    "fanout": "deliveries_per_sec",
    "idle": "rss_per_session_bytes",
    "latency": "p99_us",
    "http-fallback": "deliveries_per_sec",
    "connect": "sessions_per_sec",
}

# ---------------------------------------------------------------------------------------------
# Processes


LIVE = set()  # Popen objects started here and not yet reaped


def kill_tree(proc, grace=3.0):
    """SIGTERM the process group, then SIGKILL it after `grace` seconds; reaps the process."""
    if proc is None:
        return
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    # Whatever is left in the group (the leader may be gone already).
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    LIVE.discard(proc)


def kill_all():
    for proc in list(LIVE):
        kill_tree(proc, grace=1.0)


def on_signal(signum, _frame):
    # SystemExit unwinds the `finally` blocks, which kill the servers and the generator.
    raise SystemExit(128 + signum)


def spawn(argv, **kw):
    proc = subprocess.Popen(argv, start_new_session=True, **kw)
    LIVE.add(proc)
    return proc


def pinned(core, argv):
    """Prefixes argv with `taskset -c core` when taskset exists and the machine has that core."""
    if PIN and core < (os.cpu_count() or 1):
        return ["taskset", "-c", str(core)] + argv
    return argv


PIN = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
LOADAVG_AT_START = None  # 1-minute load average when the runs start (recorded in the report)


def vm_rss(pid):
    """Resident set size of a process in bytes (VmRSS of /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                parts = line.split()
                return int(parts[1]) * 1024  # kB
    raise RuntimeError(f"no VmRSS for pid {pid}")


class RunError(Exception):
    pass


class Server:
    """A benchmark server started pinned to core 0, its output in a log file."""

    def __init__(self, name, argv, log_path, listen_timeout):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = spawn(
            pinned(0, argv), stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT
        )
        try:
            self.addr = self._wait_listening(listen_timeout)
        except BaseException:
            self.stop()
            raise
        self.url = f"http://{self.addr}"

    def _wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        pattern = re.compile(rb"listening on (\S+)")
        while time.monotonic() < deadline:
            data = self.log_path.read_bytes()
            m = pattern.search(data)
            if m:
                return m.group(1).decode()
            if self.proc.poll() is not None:
                raise RunError(f"{self.name} server exited with {self.proc.returncode} before listening; see {rel(self.log_path)}")
            time.sleep(0.05)
        raise RunError(f"{self.name} server printed no `listening on` line within {timeout} s; see {rel(self.log_path)}")

    def rss(self):
        return vm_rss(self.proc.pid)

    def stop(self):
        kill_tree(self.proc)
        self.log.close()
        return self.proc.returncode


def out_dir(mode):
    """target/bench for full runs, target/bench/smoke for smoke runs (which never replace a full run's results)."""
    base = ROOT / "target" / "bench"
    return base / "smoke" if mode == "smoke" else base


def rel(path):
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------------------------
# Runs


class Bench:
    def __init__(self, args):
        self.args = args
        self.mode = args.mode
        self.sizes = SIZES[self.mode]
        self.limits = LIMITS[self.mode]
        self.out = out_dir(self.mode)
        self.runs_dir = self.out / "runs"
        self.logs_dir = self.out / "logs"
        for d in (self.runs_dir, self.logs_dir):
            d.mkdir(parents=True, exist_ok=True)
            for old in d.iterdir():
                old.unlink()
        target = Path(args.target_dir)
        prof = args.profile
        self.generator = target / prof / "tramline-bench"
        self.server_argv = {
            "tramline": [str(target / prof / "bench-tramline-server")],
            "bare": [str(target / prof / "bench-bare-server")],
            "socketio": ["node", str(ROOT / "bench/peers/socketio/server.mjs")],
            "socketioxide": [str(target / "bench-peers" / prof / "socketioxide-bench")],
        }

    def plan(self):
        """(scenario, server, transport) triples, in run order."""
        plan = []
        for scenario in self.args.scenarios:
            for server in self.args.servers:
                if scenario == "idle":
                    for t in TRANSPORTS[server]:
                        plan.append((scenario, server, t))
                elif scenario == "http-fallback":
                    for t in TRANSPORTS[server]:
                        if t != "websocket":
                            plan.append((scenario, server, t))
                else:
                    plan.append((scenario, server, "websocket"))
        return plan

    def generator_argv(self, scenario, server, transport, url, json_path):
        size = self.sizes[scenario]
        argv = [str(self.generator), scenario, "--server", server, "--url", url]
        if scenario in ("idle", "http-fallback"):
            argv += ["--transport", transport]
        for key in ("clients", "duration", "payload", "rate"):
            if key in size:
                argv += [f"--{key}", str(size[key])]
        argv += ["--json", str(json_path)]
        return pinned(1, argv)

    def run_all(self):
        results = []
        plan = self.plan()
        repeat = self.args.repeat
        for i, (scenario, server, transport) in enumerate(plan, 1):
            print(f"[{i}/{len(plan)}] {scenario} {server} {transport}", flush=True)
            attempts = []
            for k in range(1, repeat + 1):
                name = f"{scenario}-{server}-{transport}" + (f"-{k}" if repeat > 1 else "")
                record = self.attempt(scenario, server, transport, name)
                attempts.append(record)
                if not record["ok"]:
                    break
            if all(r["ok"] for r in attempts) and repeat > 1:
                # The median run by the scenario's figure (the lower middle one for an even count).
                key = PRIMARY[scenario]
                ranked = sorted(attempts, key=lambda r: r["metrics"][key])
                record = ranked[(len(ranked) - 1) // 2]
                record["repeats"] = [r["metrics"][key] for r in attempts]
                print(f"    median: {summary(record)}", flush=True)
            else:
                record = next((r for r in attempts if not r["ok"]), attempts[-1])
            results.append(record)
        return results

    def attempt(self, scenario, server, transport, name):
        t0 = time.monotonic()
        record = {
            "scenario": scenario,
            "server": server,
            "transport": transport,
            "params": dict(self.sizes[scenario]),
            "metrics": {},
            "ok": False,
            "error": None,
            "log": rel(self.logs_dir / f"{name}.log"),
            "server_log": rel(self.logs_dir / f"{name}.server.log"),
        }
        try:
            self.run_one(record, name)
            primary = record["metrics"].get(PRIMARY[scenario])
            if not isinstance(primary, (int, float)) or isinstance(primary, bool):
                raise RunError(f"no numeric `{PRIMARY[scenario]}` in the generator's JSON; see {record['log']}")
            record["ok"] = True
        except RunError as e:
            record["error"] = str(e)
        record["seconds"] = round(time.monotonic() - t0, 2)
        if record["ok"]:
            print(f"    {summary(record)}  ({record['seconds']} s)", flush=True)
        else:
            print(f"    FAILED: {record['error']}", file=sys.stderr, flush=True)
        return record

    def run_one(self, record, name):
        scenario, server, transport = record["scenario"], record["server"], record["transport"]
        json_path = self.runs_dir / f"{name}.json"
        log_path = self.logs_dir / f"{name}.log"
        srv = Server(server, self.server_argv[server] + ["--listen", "127.0.0.1:0"],
                     self.logs_dir / f"{name}.server.log", self.limits["listen"])
        try:
            argv = self.generator_argv(scenario, server, transport, srv.url, json_path)
            record["command"] = " ".join(argv)
            if scenario == "idle":
                extra = self.run_idle(srv, argv, log_path)
            else:
                extra = self.run_timed(argv, log_path, scenario)
            if srv.proc.poll() is not None:
                raise RunError(f"{server} server died during the run (status {srv.proc.returncode}); see {record['server_log']}")
        finally:
            srv.stop()
        if not json_path.exists():
            raise RunError(f"the generator wrote no {rel(json_path)}; see {record['log']}")
        try:
            data = json.loads(json_path.read_text())
        except ValueError as e:
            raise RunError(f"unreadable {rel(json_path)}: {e}")
        record["generator_params"] = data.get("params") or {}
        record["metrics"].update(data.get("metrics") or {})
        record["metrics"].update(extra)

    def run_timed(self, argv, log_path, scenario):
        timeout = self.sizes[scenario].get("duration", 0) + self.limits["run_extra"]
        with open(log_path, "wb") as log:
            proc = spawn(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise RunError(f"the generator did not finish within {timeout} s; see {rel(log_path)}")
            finally:
                kill_tree(proc)
        if proc.returncode != 0:
            raise RunError(f"the generator exited with {proc.returncode}: {last_line(log_path)}")
        line = last_line(log_path)
        if line:
            print(f"    generator: {line}", flush=True)
        return {}

    def run_idle(self, srv, argv, log_path):
        lim = self.limits
        time.sleep(lim["settle"])
        baseline = srv.rss()
        lines = queue.Queue()
        with open(log_path, "wb") as log:
            proc = spawn(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=ROOT)

            def pump():
                for raw in proc.stdout:
                    log.write(raw)
                    log.flush()
                    lines.put(raw.decode(errors="replace").rstrip("\n"))
                lines.put(None)

            reader = threading.Thread(target=pump, daemon=True)
            reader.start()
            try:
                sessions = self.wait_ready(proc, lines, log_path)
                time.sleep(lim["settle"])
                samples = []
                for k in range(lim["samples"]):
                    if k:
                        time.sleep(0.5)
                    samples.append(srv.rss())
                held = int(statistics.median(samples))
                try:
                    proc.stdin.write(b"\n")
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
                try:
                    proc.wait(timeout=lim["release"])
                except subprocess.TimeoutExpired:
                    raise RunError(f"the generator did not exit within {lim['release']} s of the release line; see {rel(log_path)}")
            finally:
                kill_tree(proc)
                reader.join(timeout=5)
        if proc.returncode != 0:
            raise RunError(f"the generator exited with {proc.returncode}: {last_line(log_path)}")
        return {
            "sessions": sessions,
            "rss_baseline_bytes": baseline,
            "rss_held_bytes": held,
            "rss_per_session_bytes": (held - baseline) / sessions if sessions else None,
        }

    def wait_ready(self, proc, lines, log_path):
        deadline = time.monotonic() + self.limits["ready"]
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RunError(f"no `ready N` from the generator within {self.limits['ready']} s; see {rel(log_path)}")
            try:
                line = lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if line is None:
                proc.wait(timeout=5)
                raise RunError(f"the generator exited ({proc.returncode}) before `ready N`: {last_line(log_path)}")
            m = re.match(r"^ready (\d+)\s*$", line.strip())
            if m:
                return int(m.group(1))


def last_line(path):
    """The most telling line of a log: a panic's message, else the last line that is not a note."""
    try:
        lines = [l.strip() for l in Path(path).read_text(errors="replace").splitlines() if l.strip()]
    except OSError:
        return ""
    for i, line in enumerate(lines):
        if "panicked at" in line:
            return " ".join(lines[i:i + 2])
    for line in reversed(lines):
        if not line.startswith("note:"):
            return line
    return lines[-1] if lines else ""


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt_int(x):
    return f"{x:,.0f}" if isinstance(x, (int, float)) else "—"


def fmt_rate(x):
    if not isinstance(x, (int, float)):
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:,.1f}"


def fmt_us(x):
    if not isinstance(x, (int, float)):
        return "—"
    if x >= 1_000_000:
        return f"{x / 1e6:.2f} s"
    if x >= 1000:
        return f"{x / 1000:.2f} ms"
    return f"{x:.0f} µs"


def fmt_bytes(x):
    if not isinstance(x, (int, float)):
        return "—"
    if abs(x) >= 1024 ** 3:
        return f"{x / 1024 ** 3:.1f} GiB"
    if abs(x) >= 1024 * 1024:
        return f"{x / 1048576:.1f} MiB"
    if abs(x) >= 1024:
        return f"{x / 1024:.2f} KiB"
    return f"{x:.0f} B"


def fmt_ratio(a, b):
    if not all(isinstance(v, (int, float)) for v in (a, b)) or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def summary(rec):
    m = rec["metrics"]
    s = rec["scenario"]
    if s == "fanout":
        return f"{fmt_rate(m.get('deliveries_per_sec'))} deliveries/s"
    if s == "idle":
        return (f"{fmt_bytes(m.get('rss_per_session_bytes'))}/session "
                f"({m.get('sessions')} sessions, RSS {fmt_bytes(m.get('rss_baseline_bytes'))} -> {fmt_bytes(m.get('rss_held_bytes'))})")
    if s == "latency":
        return f"p50 {fmt_us(m.get('p50_us'))}, p99 {fmt_us(m.get('p99_us'))}, p999 {fmt_us(m.get('p999_us'))}"
    if s == "http-fallback":
        return f"{fmt_rate(m.get('deliveries_per_sec'))} deliveries/s, {fmt_rate(m.get('wire_bytes_per_event'))} wire bytes/event"
    if s == "connect":
        return f"{fmt_rate(m.get('sessions_per_sec'))} sessions/s"
    return ""


# ---------------------------------------------------------------------------------------------
# SVG bar charts (hand-written: horizontal bars, one group per server, one bar per series)

PALETTE = ["#2f6db5", "#e07b24", "#3a9b52", "#b8453d", "#7b5ea7"]


def svg_chart(title, unit, groups, series, value_fmt, note=None):
    """groups: [(label, {series: value|None})]; series: names in order."""
    width, label_w, right_pad = 760, 190, 120
    bar_h, bar_gap, group_gap = 16, 3, 14
    top = 56 + (22 if len(series) > 1 else 0)
    values = [v for _, vals in groups for v in vals.values() if isinstance(v, (int, float))]
    vmax = max(values) if values else 1.0
    vmax = vmax if vmax > 0 else 1.0
    plot_w = width - label_w - right_pad
    rows_h = sum(len(series) * (bar_h + bar_gap) + group_gap for _ in groups)
    height = top + rows_h + (40 if note else 22)
    esc = html.escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="22" font-size="15" font-weight="bold">{esc(title)}</text>',
        f'<text x="12" y="40" fill="#555555">{esc(unit)}</text>',
    ]
    if len(series) > 1:
        x = label_w
        for i, s in enumerate(series):
            out.append(f'<rect x="{x}" y="{top - 20}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>')
            out.append(f'<text x="{x + 16}" y="{top - 10}">{esc(s)}</text>')
            x += 26 + 7 * len(s) + 20
    # Axis line
    out.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{top + rows_h - group_gap + 4}" stroke="#999999"/>')
    y = top
    for label, vals in groups:
        gh = len(series) * (bar_h + bar_gap) - bar_gap
        bold = ' font-weight="bold"' if label.startswith("Tramline") else ""
        out.append(f'<text x="{label_w - 8}" y="{y + gh / 2 + 4:.1f}" text-anchor="end"{bold}>{esc(label)}</text>')
        for i, s in enumerate(series):
            v = vals.get(s)
            color = PALETTE[i % len(PALETTE)]
            if isinstance(v, (int, float)):
                w = max(1.0, plot_w * max(v, 0) / vmax)
                out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"/>')
                out.append(f'<text x="{label_w + w + 5:.1f}" y="{y + bar_h - 4}">{esc(value_fmt(v))}</text>')
            else:
                out.append(f'<text x="{label_w + 5}" y="{y + bar_h - 4}" fill="#888888">n/a</text>')
            y += bar_h + bar_gap
        y += group_gap
    if note:
        out.append(f'<text x="12" y="{height - 12}" fill="#555555" font-size="11">{esc(note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Report


def machine_info():
    info = {"nproc": os.cpu_count(), "cpu": None, "ram_bytes": None,
            "kernel": f"{platform.system()} {platform.release()} {platform.machine()}", "os": None}
    try:
        for line in open("/proc/cpuinfo"):
            if line.lower().startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                info["ram_bytes"] = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                info["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    info["loadavg_at_start"] = LOADAVG_AT_START
    info["pinning"] = ("servers on core 0, load generator on core 1 (taskset)" if PIN
                       else "none (no taskset or a single core): servers and generator share the machine")
    return info


def tool_versions():
    def out(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30, cwd=ROOT).stdout.strip() or None
        except (OSError, subprocess.TimeoutExpired):
            return None

    v = {"rustc": out(["rustc", "--version"]), "node": out(["node", "--version"])}
    try:
        pkg = json.loads((ROOT / "bench/peers/socketio/node_modules/socket.io/package.json").read_text())
        v["socket.io"] = pkg.get("version")
    except (OSError, ValueError):
        v["socket.io"] = None
    try:
        lock = (ROOT / "bench/peers/socketioxide/Cargo.lock").read_text()
        for crate in ("socketioxide", "axum", "tokio"):
            m = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(crate), lock)
            v[crate] = m.group(1) if m else None
    except OSError:
        pass
    commit = out(["git", "rev-parse", "--short", "HEAD"])
    # Uncommitted changes to tracked files, the report's own files aside.
    changed = out(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                   ":!docs/benchmarks.md", ":!docs/bench"])
    if commit and changed:
        paths = [line.split(maxsplit=1)[-1] for line in changed.splitlines()]
        commit += " with uncommitted changes to " + ", ".join(paths[:5]) + (", …" if len(paths) > 5 else "")
    v["tramline_commit"] = commit
    return v


def by_key(results):
    return {(r["scenario"], r["server"], r["transport"]): r for r in results if r.get("ok")}


def metric(idx, scenario, server, transport, key):
    r = idx.get((scenario, server, transport))
    return r["metrics"].get(key) if r else None


def targets(idx):
    """[(target, measured text, status)] for the issue's targets."""
    rows = []
    sy = metric(idx, "fanout", "tramline", "websocket", "deliveries_per_sec")

    def ratio_target(name, ours, theirs, want, fmt_val=fmt_rate, higher=True):
        if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)) and theirs > 0:
            r = ours / theirs
            ok = r >= want if higher else r <= want
            rows.append((name, f"{r:.2f}× ({fmt_val(ours)} vs {fmt_val(theirs)})", "met" if ok else "missed"))
        else:
            rows.append((name, "not measured", "n/a"))

    ratio_target("Fan-out ≥ 4× Socket.IO", sy, metric(idx, "fanout", "socketio", "websocket", "deliveries_per_sec"), 4.0)
    ratio_target("Fan-out ≥ 1.5× socketioxide", sy, metric(idx, "fanout", "socketioxide", "websocket", "deliveries_per_sec"), 1.5)
    ratio_target("Fan-out ≥ 0.5× the bare server", sy, metric(idx, "fanout", "bare", "websocket", "deliveries_per_sec"), 0.5)
    mem = metric(idx, "idle", "tramline", "websocket", "rss_per_session_bytes")
    if isinstance(mem, (int, float)):
        rows.append(("Idle websocket session ≤ 8 KiB of server memory", fmt_bytes(mem), "met" if mem <= 8192 else "missed"))
    else:
        rows.append(("Idle websocket session ≤ 8 KiB of server memory", "not measured", "n/a"))
    ratio_target("p99 latency under load ≤ ⅓ of Socket.IO's",
                 metric(idx, "latency", "tramline", "websocket", "p99_us"),
                 metric(idx, "latency", "socketio", "websocket", "p99_us"), 1 / 3, fmt_us, higher=False)
    for t in ("polling", "sse"):
        ratio_target(f"{'Polling' if t == 'polling' else 'SSE'} throughput within 3× of websocket (≥ ⅓ of fan-out)",
                     metric(idx, "http-fallback", "tramline", t, "deliveries_per_sec"), sy, 1 / 3)
    return rows


def write_report(data, md_path, svg_dir, svg_rel):
    results = data["results"]
    idx = by_key(results)
    failed = [r for r in results if not r.get("ok")]
    m = data["machine"]
    v = data["versions"]
    svg_dir.mkdir(parents=True, exist_ok=True)
    L = []
    w = L.append
    w("# Benchmarks")
    w("")
    if data["mode"] == "smoke":
        w("> **Smoke run**: tiny sizes to check that the harness works; these figures mean nothing.")
        w("")
    w("Tramline against Socket.IO 4 on Node, socketioxide on axum and a bare tokio-tungstenite server "
      "(no framework, one WebSocket frame per event: the ceiling of that design), each running the same scenarios with the same payloads. "
      "Every server answers the same contract: on connection it joins the room `bench`; `echo` (arg) is "
      "acked with the same arg; `publish` (arg) emits `m` (arg) to everyone in the room (sender included) "
      "and acks. The peers are installed from the registries by `scripts/bench` "
      "(`npm ci` in `bench/peers/socketio`, `cargo build` of `bench/peers/socketioxide`), never vendored. "
      "The load generator is `tramline-bench` (`bench/`).")
    w("")
    w("Regenerate with the command below (it takes a few minutes); `scripts/bench --smoke` runs every scenario "
      "with tiny sizes (CI does, so that the harness never rots) and writes under `target/bench/` only.")
    w("")
    w("## Run")
    w("")
    w(f"- Date: {data['date']}")
    w(f"- Command: `{data['command']}`")
    w(f"- Machine: {m.get('nproc')} cores, {m.get('cpu') or 'unknown CPU'}, "
      f"{fmt_bytes(m.get('ram_bytes')) if m.get('ram_bytes') else 'unknown'} RAM")
    w(f"- Kernel: {m.get('kernel')}" + (f"; {m['os']}" if m.get("os") else ""))
    w(f"- Pinning: {m.get('pinning')}" + (f"; load average {m['loadavg_at_start']:.2f} before the runs"
                                            if isinstance(m.get("loadavg_at_start"), (int, float)) else ""))
    w(f"- Build: `{data.get('profile')}` profile; Tramline at {v.get('tramline_commit') or 'an unknown commit'}")
    w(f"- Peers: socket.io {v.get('socket.io') or '?'} on Node {v.get('node') or '?'}; "
      f"socketioxide {v.get('socketioxide') or '?'} on axum {v.get('axum') or '?'} and tokio {v.get('tokio') or '?'}; "
      f"{v.get('rustc') or 'rustc ?'}")
    repeat = data.get("repeat", 1)
    w(("- Every figure is one run" if repeat == 1 else
       f"- Every figure is the median of {repeat} runs (by the scenario's main figure; each run's figure is "
       "under `repeats` in `target/bench/results.json`)") +
      ". Ratios are Tramline ÷ the other server: above 1 is better for throughput "
      "and connect rate, below 1 is better for memory and latency.")
    w("")
    w("## Targets")
    w("")
    w("| Target | Measured | Status |")
    w("|---|---|---|")
    for name, measured, status in targets(idx):
        icon = {"met": "✅ met", "missed": "❌ missed"}.get(status, status)
        w(f"| {name} | {measured} | {icon} |")
    w("")
    if failed:
        w("## Failed runs")
        w("")
        for r in failed:
            w(f"- {r['scenario']} / {r['server']} / {r['transport']}: {r.get('error')}")
        w("")

    servers = [s for s in SERVERS if any(r["server"] == s for r in results)]
    sizes = {r["scenario"]: r["params"] for r in results}

    def params_line(scenario):
        p = sizes.get(scenario) or {}
        return ", ".join(f"{k} {v}" for k, v in p.items() if not isinstance(v, (dict, list)))

    def ratio_cell(scenario, server, transport, key):
        if server == "tramline":
            return "—"
        return fmt_ratio(metric(idx, scenario, "tramline", transport, key),
                         metric(idx, scenario, server, transport, key))

    def title(s):
        return f"**{SERVER_TITLES[s]}**" if s == "tramline" else SERVER_TITLES[s]

    def chart(scenario, unit, series, key_fn, value_fmt, note=None):
        groups = []
        for s in servers:
            groups.append((SERVER_TITLES[s], {name: key_fn(s, name) for name in series}))
        svg = svg_chart(f"{SCENARIO_TITLES[scenario]}" + (" (smoke run)" if data["mode"] == "smoke" else ""),
                        unit, groups, series, value_fmt, note)
        (svg_dir / f"{scenario}.svg").write_text(svg)
        w(f"![{SCENARIO_TITLES[scenario]}]({svg_rel}/{scenario}.svg)")
        w("")

    scen = [s for s in SCENARIOS if any(r["scenario"] == s for r in results)]

    if "fanout" in scen:
        w("## Fan-out")
        w("")
        w("One room of websocket clients and one publisher emitting 100-byte events as fast as the server "
          "accepts them (a window of outstanding acks); events delivered per second across all clients. "
          f"Parameters: {params_line('fanout')}.")
        w("")
        w("| Server | Deliveries/s | Publishes/s | Wire bytes/event | Tramline ÷ server |")
        w("|---|---:|---:|---:|---:|")
        for s in servers:
            w(f"| {title(s)} | {fmt_rate(metric(idx, 'fanout', s, 'websocket', 'deliveries_per_sec'))} "
              f"| {fmt_rate(metric(idx, 'fanout', s, 'websocket', 'publish_per_sec'))} "
              f"| {fmt_rate(metric(idx, 'fanout', s, 'websocket', 'wire_bytes_per_event'))} "
              f"| {ratio_cell('fanout', s, 'websocket', 'deliveries_per_sec')} |")
        w("")
        chart("fanout", "events delivered per second (higher is better)", ["websocket"],
              lambda s, _t: metric(idx, "fanout", s, "websocket", "deliveries_per_sec"), fmt_rate)

    if "idle" in scen:
        w("## Idle memory")
        w("")
        w("Idle sessions held open per transport; the server's resident memory (VmRSS) sampled before the "
          "sessions open and while they are held: (held − baseline) ÷ sessions. "
          f"Parameters: {params_line('idle')}.")
        w("")
        w("| Server | Transport | Sessions | Alive at the end | RSS before | RSS held | Per session | Tramline ÷ server |")
        w("|---|---|---:|---:|---:|---:|---:|---:|")
        for s in servers:
            for t in TRANSPORTS[s]:
                r = idx.get(("idle", s, t))
                mm = r["metrics"] if r else {}
                w(f"| {title(s)} | {t} | {fmt_int(mm.get('sessions'))} | {fmt_int(mm.get('alive_at_end'))} "
                  f"| {fmt_bytes(mm.get('rss_baseline_bytes'))} "
                  f"| {fmt_bytes(mm.get('rss_held_bytes'))} | {fmt_bytes(mm.get('rss_per_session_bytes'))} "
                  f"| {ratio_cell('idle', s, t, 'rss_per_session_bytes')} |")
        w("")
        chart("idle", "server memory per idle session (lower is better)", ["websocket", "sse", "polling"],
              lambda s, t: metric(idx, "idle", s, t, "rss_per_session_bytes"), fmt_bytes,
              note="n/a: the server has no such transport (Socket.IO has no SSE; the bare server is websocket only)")

    if "latency" in scen:
        w("## Latency under load")
        w("")
        w("Websocket clients each emitting `echo` with a timestamp at a fixed rate, acked by the server; "
          f"round-trip time. Parameters: {params_line('latency')}.")
        w("")
        w("| Server | p50 | p99 | p99.9 | Acks/s | Errors | Tramline ÷ server (p50 / p99 / p99.9) |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        for s in servers:
            r = idx.get(("latency", s, "websocket"))
            mm = r["metrics"] if r else {}
            achieved = mm.get("acks_per_sec")
            ratios = "—" if s == "tramline" else " / ".join(
                ratio_cell("latency", s, "websocket", k) for k in ("p50_us", "p99_us", "p999_us"))
            w(f"| {title(s)} | {fmt_us(mm.get('p50_us'))} | {fmt_us(mm.get('p99_us'))} | {fmt_us(mm.get('p999_us'))} "
              f"| {fmt_rate(achieved)} | {fmt_int(mm.get('errors'))} | {ratios} |")
        w("")
        chart("latency", "round-trip time under load (lower is better)", ["p50", "p99", "p99.9"],
              lambda s, k: metric(idx, "latency", s, "websocket", {"p50": "p50_us", "p99": "p99_us", "p99.9": "p999_us"}[k]),
              fmt_us)

    if "http-fallback" in scen:
        w("## HTTP fallback efficiency")
        w("")
        w("Clients on long polling or SSE in the room, one websocket publisher as in the fan-out; events "
          "delivered per second and bytes read by the receivers' downlinks per event delivered (HTTP headers "
          f"included). Parameters: {params_line('http-fallback')}. The last-but-one column compares with the "
          "same server's websocket fan-out (the target: within 3×, i.e. at least 0.33).")
        w("")
        w("| Server | Transport | Deliveries/s | Wire bytes/event | ÷ own websocket fan-out | Tramline ÷ server |")
        w("|---|---|---:|---:|---:|---:|")
        for s in servers:
            for t in TRANSPORTS[s]:
                if t == "websocket":
                    continue
                d = metric(idx, "http-fallback", s, t, "deliveries_per_sec")
                w(f"| {title(s)} | {t} | {fmt_rate(d)} "
                  f"| {fmt_rate(metric(idx, 'http-fallback', s, t, 'wire_bytes_per_event'))} "
                  f"| {fmt_ratio(d, metric(idx, 'fanout', s, 'websocket', 'deliveries_per_sec'))} "
                  f"| {ratio_cell('http-fallback', s, t, 'deliveries_per_sec')} |")
        w("")
        chart("http-fallback", "events delivered per second (higher is better; websocket = the fan-out figure)",
              ["websocket", "sse", "polling"],
              lambda s, t: (metric(idx, "fanout", s, "websocket", "deliveries_per_sec") if t == "websocket"
                            else metric(idx, "http-fallback", s, t, "deliveries_per_sec")),
              fmt_rate, note="n/a: the server has no such transport")

    if "connect" in scen:
        w("## Connect rate")
        w("")
        w("New websocket sessions per second through the full handshake (each closed once open), 64 at a time. "
          f"Parameters: {params_line('connect')}.")
        w("")
        w("| Server | Sessions/s | Tramline ÷ server |")
        w("|---|---:|---:|")
        for s in servers:
            w(f"| {title(s)} | {fmt_rate(metric(idx, 'connect', s, 'websocket', 'sessions_per_sec'))} "
              f"| {ratio_cell('connect', s, 'websocket', 'sessions_per_sec')} |")
        w("")
        chart("connect", "sessions per second (higher is better)", ["websocket"],
              lambda s, _t: metric(idx, "connect", s, "websocket", "sessions_per_sec"), fmt_rate)

    w("## How the targets were reached")
    w("")
    w("Before these changes fan-out was 0.39× socketioxide and 0.32× the bare server, and an idle "
      "websocket session cost 8.8 KiB. Profiles (`perf record` on the pinned server during "
      "`tramline-bench fanout`) showed where the time went; each fix is in the commit history and "
      "in `docs/architecture.md` (\"The fan-out path\").")
    w("")
    w("- **Writes carried ~8 packets each; send() was a third of the server's time.** Every event of "
      "the publisher took two scheduler hops (the session task, then a task per event) behind the "
      "1,000 recipients' downlink tasks, so each recipient wrote after almost every event. A runner "
      "task now takes every event already queued (up to 64) in one hop: writes carry about 50 "
      "packets.")
    w("- **Every recipient cloned and re-encoded the event** (a quarter of the time, with the "
      "allocator). The body is encoded once (`SharedBody`); a recipient writes its envelope "
      "(`seq`, `rx`) and copies the shared bytes, straight into one frame per batch.")
    w("- **Member lookup** (a list and a handle cloned per recipient, SipHash per lookup): members "
      "are walked in place under one registry lock, hashed with foldhash; only the enqueue that "
      "makes a queue non-empty wakes its downlink.")
    w("- **Idle memory**: the websocket connection task kept room for its upgrade, handshake and "
      "write states for its whole life (5.6 KB); those steps are boxed and freed when done, "
      "leaving 1.2 KB.")
    w("")
    w("Why Tramline can pass the bare server: the bare server writes each event as its own "
      "WebSocket frame, up to 64 frames per flush, as a naive broadcaster would. Tramline's "
      "protocol puts a batch of packets in one text frame (`protocol.md`, WebSocket framing), so "
      "under load it writes fewer, larger frames and makes fewer system calls per event. The bare "
      "server is the ceiling of a frame-per-event design, not of the machine; the other ceiling is "
      "the load generator, which has one core as well.")
    w("")
    w("## Method")
    w("")
    w("- Each server runs alone, pinned to one core (`taskset -c 0`; the Rust servers' tokio runtimes then "
      "have one worker thread, Node is single-threaded), and the load generator runs pinned to the other "
      "core (`taskset -c 1`), on 127.0.0.1. With two cores the generator has one core too: where the "
      "bare server and Tramline reach the same figure, the generator is the limit.")
    w("- A fresh server process per run; the generator's raw JSON and both processes' output are kept "
      "under `target/bench/` (`results.json`, `runs/`, `logs/`).")
    w("- Socket.IO and socketioxide run with their default settings (websocket and long polling; they have "
      "no SSE transport). Tramline runs with its defaults (all transports, ping interval 25 s).")
    w("")
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text("\n".join(L))


# ---------------------------------------------------------------------------------------------


def csv_list(allowed):
    def parse(text):
        items = [x.strip() for x in text.split(",") if x.strip()]
        bad = [x for x in items if x not in allowed]
        if bad:
            raise argparse.ArgumentTypeError(f"unknown {bad}; choose from {', '.join(allowed)}")
        return items
    return parse


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["full", "smoke"], default="full")
    ap.add_argument("--target-dir", default=str(ROOT / "target"))
    ap.add_argument("--profile", choices=["release", "debug"], default="release")
    ap.add_argument("--command", default="scripts/bench")
    ap.add_argument("--scenarios", type=csv_list(SCENARIOS), default=list(SCENARIOS))
    ap.add_argument("--servers", type=csv_list(SERVERS), default=list(SERVERS))
    ap.add_argument("--repeat", type=int, default=1, help="runs per scenario x server x transport; the median is kept")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report from target/bench/results.json (target/bench/smoke/ with --mode smoke)")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    results_path = out_dir(args.mode) / "results.json"

    if args.report_only:
        data = json.loads(results_path.read_text())
    else:
        bench = Bench(args)
        missing = [p for p in [bench.generator] + [Path(bench.server_argv[s][0]) for s in args.servers if s != "socketio"]
                   if not p.exists()]
        if missing:
            sys.exit("scripts/bench: missing " + ", ".join(rel(p) for p in missing) + " (build first: scripts/bench builds them)")
        started = datetime.datetime.now(datetime.timezone.utc)
        global LOADAVG_AT_START
        LOADAVG_AT_START = os.getloadavg()[0]
        if LOADAVG_AT_START > 0.5 and args.mode == "full":
            print(f"warning: load average {LOADAVG_AT_START:.2f} before the runs: something else is busy, "
                  "the figures will be noisy", file=sys.stderr, flush=True)
        # What is measured: the commit and the machine as the runs start.
        machine, versions = machine_info(), tool_versions()
        try:
            results = bench.run_all()
        finally:
            kill_all()
        data = {
            "mode": args.mode,
            "date": started.strftime("%Y-%m-%d %H:%M UTC"),
            "command": args.command,
            "profile": args.profile,
            "repeat": args.repeat,
            "complete": args.scenarios == SCENARIOS and args.servers == SERVERS,
            "machine": machine,
            "versions": versions,
            "results": results,
        }
        results_path.parent.mkdir(parents=True, exist_ok=True)
        results_path.write_text(json.dumps(data, indent=2) + "\n")
        print(f"wrote {rel(results_path)}")

    # A complete full run documents itself in docs/; anything else stays under target/bench/.
    if data["mode"] == "full" and data.get("complete"):
        md, svg_dir = ROOT / "docs" / "benchmarks.md", ROOT / "docs" / "bench"
    else:
        md, svg_dir = out_dir(data["mode"]) / "report" / "benchmarks.md", out_dir(data["mode"]) / "report" / "bench"
    write_report(data, md, svg_dir, "bench")
    print(f"wrote {rel(md)} and {rel(svg_dir)}/*.svg")

    failed = [r for r in data["results"] if not r.get("ok")]
    if failed:
        print(f"{len(failed)} of {len(data['results'])} runs failed:", file=sys.stderr)
        for r in failed:
            print(f"  {r['scenario']} / {r['server']} / {r['transport']}: {r.get('error')}", file=sys.stderr)
        return 1
    print(f"all {len(data['results'])} runs produced their figures")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        kill_all()
        sys.exit(130)
    finally:
        kill_all()
