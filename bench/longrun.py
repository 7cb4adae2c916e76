#!/usr/bin/env python3
# A long run: memory and time of 10 hours of streaming (quick: 6 minutes).
#
# Two lengths are run, 1 h and 10 h (quick: 36 s and 6 min), each from the
# start, and their peak RSS (wait4) compared: memory is "flat" when the long
# run's peak is at most 1 MiB above the short one's. The input is
# libltr-sim's "session" scenario (every nuisance the simulator has) as 1
# surface EMG + 3 accelerometer axes at 10 kHz, one 10-minute session after
# another, rendered in blocks by bench_longrun: never a file on disk. Two
# consumers of the same samples:
#
#  - `bench_longrun run`: one detector in one process (256-frame blocks);
#    VmRSS/VmHWM from its /proc/self/status and the heap in use at every
#    checkpoint (every hour; quick: every 36 s of signal), peak RSS from
#    wait4() at the end;
#  - `bench_longrun generate | ltr stream --raw f32le --rate 10000 --channels 4
#    --emg 0 --acc 1-3`: the tool fed through a pipe, its VmRSS/VmHWM read from
#    /proc/PID/status each time the generator has written a checkpoint's
#    frames (the generator then waits for this script), its peak RSS from
#    wait4().
#
# wait4() is called by bench_rusage, not by this script: Linux keeps
# ru_maxrss across execve(), so any child forked by Python reports at least
# Python's own ~15 MB.
#
# Both write every event as TSV; the two files must be identical (the same
# samples and settings: the tool must find what the library finds; the script
# fails if they are not) and are deleted afterwards.
#
# usage: longrun.py --run PATH --rusage PATH [--ltr PATH] [--outdir DIR] [--json PATH]
#                   [--quick] [--hours H --every H]
# SPDX-License-Identifier: BSD-3-Clause
import argparse
import filecmp
import json
import os
import platform
import subprocess
import sys
import threading
import time

RATE = 10000
CHANNELS = 4
FLAT_KB = 1024


def proc_status(pid):
    """VmRSS and VmHWM (kB) of a live process, or (-1, -1)."""
    rss = hwm = -1
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def parse_kv(line):
    """'checkpoint 1 frames 36000000 vmrss_kb 5 ...' -> dict (first word is the key)."""
    w = line.split()
    d = {"what": w[0], "hours": float(w[1])}
    for i in range(2, len(w) - 1, 2):
        v = w[i + 1]
        d[w[i]] = float(v) if "." in v else int(v)
    return d


def spawn(rusage, cmd, **kw):
    """Start cmd under bench_rusage; return (Popen of the wrapper, report file, pid of cmd)."""
    r, w = os.pipe()
    p = subprocess.Popen([rusage, "--fd", str(w), "--"] + cmd, pass_fds=(w,), **kw)
    os.close(w)
    report = os.fdopen(r)
    line = report.readline().split()
    if len(line) != 2 or line[0] != "pid":
        raise SystemExit("bench_rusage could not start %s" % cmd[0])
    return p, report, int(line[1])


def finish(p, report):
    """Wait for a spawn()ed command: (exit status, {maxrss_kb, utime_s, stime_s})."""
    p.wait()
    w = report.readline().split()
    report.close()
    d = {w[i]: float(w[i + 1]) for i in range(0, len(w) - 1, 2)}
    return p.returncode, d


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, Linux %s" % (cpu, os.cpu_count() or 0, platform.release())


def run_inprocess(a, hours, events_path):
    cmd = [a.run, "run", "--hours", str(hours), "--every", str(a.every), "--events",
           events_path]
    t0 = time.monotonic()
    p, report, _ = spawn(a.rusage, cmd, stdout=subprocess.PIPE, text=True)
    points, info = [], {}
    for line in p.stdout:
        if line.startswith("checkpoint"):
            d = parse_kv(line)
            points.append(d)
            print("  in-process %7.2f h: VmRSS %6d kB, VmHWM %6d kB, heap %5d kB, %7.1f s "
                  "(CPU %6.1f s, detector %6.1f s), %d twitches, %d cancelled, %d artifacts"
                  % (d["hours"], d["vmrss_kb"], d["vmhwm_kb"], d["heap_kb"], d["seconds"],
                     d["cpu_seconds"], d["detector_seconds"], d["end"], d["cancel"],
                     d["artifact"]), flush=True)
        elif line.startswith("detector_bytes"):
            w = line.split()
            info = {w[i]: int(float(w[i + 1])) for i in range(0, len(w) - 1, 2)}
        elif line.startswith("lost_events"):
            info["lost_events"] = int(line.split()[1])
    code, ru = finish(p, report)
    wall = time.monotonic() - t0
    if code != 0:
        raise SystemExit("bench_longrun run failed (status %d)" % code)
    return {"program": "in-process", "hours": hours, "checkpoints": points,
            "max_rss_kb": int(ru["maxrss_kb"]), "wall_s": wall,
            "cpu_s": ru["utime_s"] + ru["stime_s"],
            "detector_s": points[-1]["detector_seconds"], "info": info}


def run_stream(a, hours, events_path):
    gen_cmd = [a.run, "generate", "--hours", str(hours), "--every", str(a.every), "--ack"]
    ltr_cmd = [a.ltr, "stream", "--raw", "f32le", "--rate", str(RATE), "--channels",
               str(CHANNELS), "--emg", "0", "--acc", "1-3"]
    t0 = time.monotonic()
    out = open(events_path, "wb")
    gen = subprocess.Popen(gen_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    ltr, report, ltr_pid = spawn(a.rusage, ltr_cmd, stdin=gen.stdout, stdout=out,
                                 stderr=subprocess.PIPE)
    gen.stdout.close()
    out.close()
    ltr_err = []
    t = threading.Thread(target=lambda: ltr_err.append(ltr.stderr.read()))
    t.start()
    points = []
    for raw in gen.stderr:
        line = raw.decode(errors="replace")
        if not line.startswith("checkpoint"):
            sys.stderr.write("generate: " + line)
            continue
        d = parse_kv(line)
        rss, hwm = proc_status(ltr_pid)
        # the generator waits for this before it goes on or closes the pipe,
        # so ltr stream was still running when its memory was read
        gen.stdin.write(b"\n")
        gen.stdin.flush()
        d.update({"vmrss_kb": rss, "vmhwm_kb": hwm, "seconds": time.monotonic() - t0})
        points.append(d)
        print("  ltr stream %7.2f h: VmRSS %6d kB, VmHWM %6d kB, %7.1f s"
              % (d["hours"], rss, hwm, d["seconds"]), flush=True)
    gen.stdin.close()
    gen.wait()
    code, ru = finish(ltr, report)
    wall = time.monotonic() - t0
    t.join()
    if gen.returncode != 0 or code != 0:
        sys.stderr.write((ltr_err[0] if ltr_err else b"").decode(errors="replace"))
        raise SystemExit("generate | ltr stream failed (status %d, %d)"
                         % (gen.returncode, code))
    return {"program": "ltr stream", "hours": hours, "checkpoints": points,
            "max_rss_kb": int(ru["maxrss_kb"]), "wall_s": wall,
            "cpu_s": ru["utime_s"] + ru["stime_s"]}


def count_rows(path):
    counts = {}
    with open(path) as f:
        next(f, None)
        for line in f:
            kind = line.split("\t")[2] if line.count("\t") >= 2 else "?"
            counts[kind] = counts.get(kind, 0) + 1
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True, help="bench_longrun")
    ap.add_argument("--rusage", required=True, help="bench_rusage")
    ap.add_argument("--ltr", default="")
    ap.add_argument("--outdir", default=".")
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true", help="36 s and 6 min instead of 1 h and 10 h")
    ap.add_argument("--hours", type=float, default=None, help="the long run (10)")
    ap.add_argument("--short", type=float, default=None, help="the short run (1)")
    ap.add_argument("--every", type=float, default=None, help="checkpoint interval (1)")
    ap.add_argument("--keep", action="store_true", help="keep the events files")
    a = ap.parse_args()
    if a.hours is None:
        a.hours = 0.1 if a.quick else 10.0
    if a.short is None:
        a.short = a.hours / 10.0
    if a.every is None:
        a.every = a.hours / 10.0
    json_path = a.json or os.path.join(os.environ.get("LTR_BENCH_JSON_DIR", a.outdir),
                                       "longrun.json")
    have_ltr = bool(a.ltr) and os.access(a.ltr, os.X_OK)

    print("Long run: simulated session (libltr-sim 'session': 1 EMG + 3 accelerometer axes at "
          "%d Hz, every nuisance), %g h and %g h" % (RATE, a.short, a.hours))
    print("machine: %s" % machine(), flush=True)
    if not have_ltr:
        print("(the ltr tool is not built: only the in-process driver is measured)")
    results, same, rows = [], {}, {}
    for hours in (a.short, a.hours):
        print("\n%g h (%d samples)" % (hours, int(round(hours * 3600 * RATE)) * CHANNELS),
              flush=True)
        ev_lib = os.path.join(a.outdir, "longrun_%gh_inprocess.tsv" % hours)
        ev_cli = os.path.join(a.outdir, "longrun_%gh_stream.tsv" % hours)
        results.append(run_inprocess(a, hours, ev_lib))
        rows[hours] = count_rows(ev_lib)
        if have_ltr:
            results.append(run_stream(a, hours, ev_cli))
            same[hours] = filecmp.cmp(ev_lib, ev_cli, shallow=False)
        if not a.keep:
            for p in (ev_lib, ev_cli):
                if os.path.exists(p):
                    os.remove(p)

    print("\n%-12s %7s %14s %12s %12s %10s %10s" % ("program", "hours", "samples", "max RSS",
                                                  "VmHWM", "wall", "CPU"))
    for r in results:
        print("%-12s %7g %14d %9d kB %9d kB %9.1fs %9.1fs"
              % (r["program"], r["hours"], int(round(r["hours"] * 3600 * RATE)) * CHANNELS,
                 r["max_rss_kb"], r["checkpoints"][-1]["vmhwm_kb"], r["wall_s"], r["cpu_s"]))
    flat = {}
    for prog in ("in-process", "ltr stream"):
        rs = [r for r in results if r["program"] == prog]
        if len(rs) < 2:
            continue
        growth = rs[1]["max_rss_kb"] - rs[0]["max_rss_kb"]
        hwm = [p["vmhwm_kb"] for p in rs[1]["checkpoints"] if p["hours"] > 0]
        flat[prog] = {"growth_kb": growth, "flat": growth <= FLAT_KB,
                      "hwm_growth_kb": hwm[-1] - hwm[0]}
        print("%s: peak RSS %g h -> %g h: %+d kB (%s); VmHWM within the %g h run, first "
              "checkpoint -> last: %+d kB"
              % (prog, a.short, a.hours, growth, "flat" if growth <= FLAT_KB else "GROWS",
                 a.hours, hwm[-1] - hwm[0]))
    last = [r for r in results if r["program"] == "in-process"][-1]
    heap = [p["heap_kb"] for p in last["checkpoints"] if p["hours"] > 0]
    if heap and heap[0] >= 0:
        flat.setdefault("in-process", {})["heap_growth_kb"] = heap[-1] - heap[0]
        print("in-process: heap in use (mallinfo2) %g h -> %g h: %d -> %d kB (%+d kB)"
              % (last["checkpoints"][1]["hours"], a.hours, heap[0], heap[-1],
                 heap[-1] - heap[0]))
    print("in-process %g h: %.1f s of CPU in ltr_detector_process (%.1f Msamples/s), "
          "detector state %d bytes"
          % (a.hours, last["detector_s"],
             a.hours * 3600 * RATE * CHANNELS / last["detector_s"] / 1e6,
             last["info"].get("detector_bytes", 0)))
    print("events (%g h, in-process): %s" % (a.hours, ", ".join(
        "%s %d" % kv for kv in sorted(rows[a.hours].items()))))
    lost = sum(r["info"].get("lost_events", 0) for r in results if "info" in r)
    print("lost events: %d" % lost)
    if same:
        print("ltr stream wrote the same events as the library in-process: %s"
              % ", ".join("%g h %s" % (h, "yes" if v else "NO") for h, v in same.items()))
    with open(json_path, "w") as f:
        json.dump({"benchmark": "longrun", "hours": [a.short, a.hours], "rate_hz": RATE,
                   "channels": CHANNELS, "scenario": "session", "machine": machine(),
                   "ltr_cli": have_ltr,
                   "event_rows": {str(h): v for h, v in rows.items()},
                   "same_events": {str(h): v for h, v in same.items()}, "lost_events": lost,
                   "flat": flat, "results": results}, f, indent=2)
        f.write("\n")
    print("\nJSON: %s" % json_path)
    # Reported, not enforced, like every benchmark; but the tool disagreeing
    # with the library, or lost events, is a bug, not a slow machine.
    return 0 if all(same.values()) and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
