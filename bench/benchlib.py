"""Side-by-side scrape benchmarks: ours against a reference exporter, one run.

CPU per scrape comes from the exporter's own /proc/PID/stat (utime+stime,
children excluded) across the measured scrapes; scrapes alternate between the
targets so both see the same machine noise. Standard library only.
"""
import concurrent.futures
import gzip
import os
import statistics
import threading
import time
import urllib.request

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class Target:
    def __init__(self, name, url, pid, headers=None):
        self.name = name
        self.url = url
        self.pid = pid
        self.headers = {"Accept-Encoding": "gzip", "X-Prometheus-Scrape-Timeout-Seconds": "10"}
        self.headers.update(headers or {})


def cpu_seconds(pid):
    """utime + stime of pid and all its threads."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_bytes(pid):
    with open("/proc/%d/statm" % pid) as f:
        return int(f.read().split()[1]) * PAGE_SIZE


def scrape_once(target, timeout=30):
    request = urllib.request.Request(target.url, headers=target.headers)
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
        status = response.status
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
    return status, time.perf_counter() - start, body


def count_series(body):
    return sum(1 for line in body.decode(errors="replace").splitlines() if line and not line.startswith("#"))


def compare(targets, scrapes=200, warmup=10):
    """Scrapes each target `scrapes` times, alternating; returns {name: figures}."""
    for target in targets:
        for _ in range(warmup):
            scrape_once(target)
    latencies = {t.name: [] for t in targets}
    cpu_spent = {t.name: 0.0 for t in targets}
    series = {}
    errors = {t.name: 0 for t in targets}
    for _ in range(scrapes):
        for target in targets:
            before = cpu_seconds(target.pid)
            status, elapsed, body = scrape_once(target)
            # Let the exporter finish any work after the response (logging, freeing).
            after = cpu_seconds(target.pid)
            cpu_spent[target.name] += after - before
            latencies[target.name].append(elapsed)
            if status != 200:
                errors[target.name] += 1
            series[target.name] = count_series(body)
    results = {}
    for target in targets:
        lat = sorted(latencies[target.name])
        results[target.name] = {
            "cpu_ms_per_scrape": 1000 * cpu_spent[target.name] / scrapes,
            "rss_mb": rss_bytes(target.pid) / 1e6,
            "p50_ms": 1000 * lat[len(lat) // 2],
            "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))],
            "series": series[target.name],
            "errors": errors[target.name],
        }
    return results


def throughput(target, concurrency=16, duration=10.0, max_requests=200000):
    """Scrapes per second with `concurrency` concurrent scrapers for `duration` seconds (bounded)."""
    stop_at = time.monotonic() + duration
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0, "issued": 0}

    def worker():
        while time.monotonic() < stop_at:
            with lock:
                if counts["issued"] >= max_requests:
                    return
                counts["issued"] += 1
            try:
                status, _, _ = scrape_once(target)
                ok = status == 200
            except Exception:
                ok = False
            with lock:
                counts["ok" if ok else "errors"] += 1

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    elapsed = time.monotonic() - start
    return {"scrapes_per_s": counts["ok"] / elapsed, "errors": counts["errors"], "requests": counts["issued"]}


def format_table(results, ours="ours", reference="reference"):
    """A Markdown table of the figures, with ours/reference ratios when both are present."""
    keys = ["cpu_ms_per_scrape", "rss_mb", "p50_ms", "p99_ms", "series", "errors"]
    names = list(results)
    lines = ["| figure | " + " | ".join(names) + (" | ratio ours/reference |" if ours in results and reference in results else " |")]
    lines.append("|" + "---|" * (len(names) + 1 + (1 if ours in results and reference in results else 0)))
    for key in keys:
        row = "| %s | " % key + " | ".join("%.3f" % results[n][key] if isinstance(results[n][key], float)
                                          else str(results[n][key]) for n in names)
        if ours in results and reference in results:
            ref = results[reference][key]
            row += " | %s" % ("%.2f" % (results[ours][key] / ref) if ref else "-")
        lines.append(row + " |")
    return "\n".join(lines)
