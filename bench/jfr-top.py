#!/usr/bin/env python3
"""Aggregates the jdk.ExecutionSample events of a JFR recording by hand: samples per thread, per
top frame (the method on the CPU), and per first frame of our own code (dev.idvstreams) in the
stack, so that time spent inside a library is charged to the call of ours that led there.
  bench/jfr-top.py RECORDING.jfr [--thread SUBSTRING] [--after-s SECONDS] [--top N]
Needs `jfr` (the JDK's) on the PATH."""
import argparse, collections, json, subprocess, sys
from datetime import datetime

ap = argparse.ArgumentParser()
ap.add_argument("jfr")
ap.add_argument("--thread", default=None, help="only threads whose name contains this")
ap.add_argument("--after-s", type=float, default=0, help="only samples this many seconds after the first")
ap.add_argument("--top", type=int, default=15)
ap.add_argument("--callers", default=None, help="also: the frames that called methods containing this, by count")
a = ap.parse_args()
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", a.jfr],
                     check=True, capture_output=True, text=True).stdout
events = json.loads(out)["recording"]["events"]

def when(e):
    return datetime.fromisoformat(e["values"]["startTime"].replace("Z", "+00:00")).timestamp()

start = min((when(e) for e in events), default=0)
by_thread, by_top, by_ours, by_pkg, inclusive, callers = (collections.Counter() for _ in range(6))
n = 0
for e in events:
    v = e["values"]
    thread = (v.get("sampledThread") or {}).get("javaName") or "?"
    if a.thread and a.thread not in thread:
        continue
    if when(e) - start < a.after_s:
        continue
    frames = [f["method"]["type"]["name"].replace("/", ".") + "." + f["method"]["name"]
              for f in (v.get("stackTrace") or {}).get("frames", [])]
    n += 1
    by_thread[thread.split("-StreamThread")[0] + ("-StreamThread" if "StreamThread" in thread else "")] += 1
    if frames:
        by_top[frames[0]] += 1
        by_pkg[".".join(frames[0].split(".")[:4])] += 1
        ours = next((f for f in frames if f.startswith("dev.idvstreams.")), "(no frame of ours)")
        by_ours[ours] += 1
        for f in set(frames):
            inclusive[f] += 1
        if a.callers:
            for i, f in enumerate(frames[:-1]):
                if a.callers in f:
                    callers[" <- ".join(frames[i + 1:i + 4])] += 1
                    break

def show(title, counter):
    print(f"\n{title}")
    for k, c in counter.most_common(a.top):
        print(f"  {100 * c / max(n, 1):5.1f}%  {c:6d}  {k}")

print(f"{n} samples")
show("by thread", by_thread)
show("by top frame (the method on the CPU)", by_top)
show("by package of the top frame", by_pkg)
show("by first frame of ours in the stack", by_ours)
show("inclusive: samples with the method anywhere in the stack", inclusive)
show("inclusive, our methods only", collections.Counter({k: c for k, c in inclusive.items() if k.startswith("dev.idvstreams.")}))
if a.callers:
    show(f"callers of {a.callers}", callers)
