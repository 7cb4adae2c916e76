#!/usr/bin/env python3
# Collect the JSON of the other benchmarks into one summary (Markdown tables, as
# bench/README.md shows them) with the status of every target. Missing JSON files
# (a benchmark skipped or not built) are left out. Runs last.
#
# usage: report.py [--dir DIR] [--out PATH]
# SPDX-License-Identifier: BSD-3-Clause
import argparse
import json
import os
import sys


def load(d, name):
    p = os.path.join(d, name + ".json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def fmt(v, spec="%.1f"):
    return "n/a" if v is None else spec % v


def status(met):
    return "n/a" if met is None else ("**met**" if met else "**missed**")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.environ.get("LTR_BENCH_JSON_DIR", "."))
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    out = []
    w = out.append
    targets = []

    tp = load(a.dir, "throughput")
    if tp:
        w("### Throughput of `ltr_detector_process` (one core; median of %d runs, spread min..max)\n"
          % tp["repeats"])
        w("| channels | rate | block | Mframes/s | Msamples/s | ns/sample (median) | spread |")
        w("|---|---|---|---|---|---|---|")
        for r in tp["results"]:
            ch = "%d emg" % r["channels"] if not r["acc_channels"] else \
                "%d emg + %d acc" % (r["channels"] - r["acc_channels"], r["acc_channels"])
            w("| %s | %.0f Hz | %d | %.2f | %.2f | %.1f | %.1f..%.1f |" % (
                ch, r["rate_hz"], r["block"], r["frames_per_s"] / 1e6, r["samples_per_s"] / 1e6,
                r["ns_per_sample_median"], r["ns_per_sample_min"], r["ns_per_sample_max"]))
        t = tp["target"]
        targets.append(("core single-channel throughput >= 100 Msamples/s/core",
                        "%.1f Msamples/s" % t["measured_msamples_per_s"], t["met"]))
        w("")

    bl = load(a.dir, "block")
    if bl:
        w("### Cost of one 32-frame block (%d blocks, timer pair %.0f ns included)\n"
          % (bl["timed_blocks"], bl["timer_overhead_ns"]))
        w("| configuration | median | p90 | p99 | p99.9 | max | p99 / block real time |")
        w("|---|---|---|---|---|---|---|")
        for r in bl["results"]:
            w("| %s | %.0f ns | %.0f ns | %.0f ns | %.0f ns | %.0f ns | %.3f %% |" % (
                r["name"], r["median_ns"], r["p90_ns"], r["p99_ns"], r["p999_ns"], r["max_ns"],
                100.0 * r["p99_ns"] / r["block_real_time_ns"]))
        t = bl["target"]
        targets.append(("p99 cost of a 32-frame block < 1 us (1 emg @ 2 kHz)",
                        "%.0f ns" % t["measured_ns"], t["met"]))
        w("")

    cg = load(a.dir, "callgrind")
    if cg:
        w("### Instructions per sample (callgrind, inside `ltr_detector_process`, steady state)\n")
        w("| configuration | Ir/sample | Ir/frame | Ir/sample incl. warm-up |")
        w("|---|---|---|---|")
        for r in cg["results"]:
            w("| %s | %.0f | %.0f | %.0f |" % (r["name"], r["ir_per_sample"], r["ir_per_frame"],
                                              r["ir_per_sample_incl_warmup"]))
        if cg.get("hot_spots"):
            w("\nHot spots (self instructions, %s):\n" % cg["results"][0]["name"])
            w("| share | Ir | function |")
            w("|---|---|---|")
            for h in cg["hot_spots"]:
                w("| %.1f %% | %d | `%s` |" % (h["percent"], h["ir"], h["function"]))
        w("")

    mem = load(a.dir, "memory")
    if mem:
        w("### Detector state (`ltr_detector_size`)\n")
        w("| rate | channels | bytes | bytes/channel |")
        w("|---|---|---|---|")
        for r in mem["state_bytes"]:
            if r["rate_hz"] in (2000, 10000) or r["acc_channels"]:
                ch = "%d" % r["channels"] if not r["acc_channels"] else \
                    "%d (1 emg + 3 acc)" % r["channels"]
                w("| %.0f Hz | %s | %d | %.0f |" % (r["rate_hz"], ch, r["bytes"],
                                                    r["bytes_per_channel"]))
        t = mem["target"]
        w("\nMarginal cost of one more channel: %.0f B." % t["marginal_bytes"])
        targets.append(("state <= 2 KiB per channel (worst bytes/channel)",
                        "%.0f B/ch (marginal %.0f B/ch)" % (t["measured_bytes"],
                                                             t["marginal_bytes"]), t["met"]))
        w("")

    m4 = load(a.dir, "m4")
    if m4:
        w("### Cortex-M4F in QEMU (mps2-an386, gcc %s -O2 -mfpu=fpv4-sp-d16 -mfloat-abi=hard)\n"
          % m4["gcc"])
        arc, lnk = m4["core_archive"], m4["core_linked"]
        w("| measure (%s, %d EMG channel at %.0f Hz, %d-frame blocks) | value | target |"
          % (m4["recording"], m4["channels"], m4["rate_hz"], m4["block_frames"]))
        w("|---|--:|--:|")
        w("| instructions per sample (SysTick under -icount, %.2f instr/tick) | %.0f | <= %d |"
          % (m4["instructions_per_tick"], m4["instructions_per_sample"],
             m4["targets"]["instructions_per_sample"]))
        w("| worst 32-frame block, instructions | %.0f | |" % m4["worst_block_instructions"])
        w("| .text linked into a program (--gc-sections) | %d B | <= %d B |"
          % (lnk.get("text", 0), m4["targets"]["text_bytes"]))
        w("| .rodata / .data / .bss linked into it | %d / %d / %d B | |"
          % (lnk.get("rodata", 0), lnk.get("data", 0), lnk.get("bss", 0)))
        w("| libltr.a .text (with .rodata) / .data / .bss, every object | %d / %d / %d B | |"
          % (arc["text"], arc["data"], arc["bss"]))
        w("| stack of `ltr_detector_process` (core frames%s) | %d B | <= %d B |"
          % (", + library calls" if m4["stack_library_calls"] else "", m4["stack_bytes"],
             m4["targets"]["stack_bytes"]))
        w("| detector state, 1 channel / each further channel | %d B / %.0f B | |"
          % (m4["detector_bytes_1ch"], m4["detector_bytes_per_further_channel"]))
        w("| twitches, host `ltr detect` / M4 (onsets within one frame) | %d / %d%s | same |"
          % (m4["twitches_host"], m4["twitches_m4"], "" if m4["events_match"] else " (differ)"))
        w("| double-precision functions reachable from `ltr_detector_process` | %s | none |"
          % (", ".join(m4["double_reachable"]) or "none"))
        w("")
        t = m4["targets"]
        targets.append(("Cortex-M4F: <= %d instructions per sample (1 emg @ 2 kHz)"
                        % t["instructions_per_sample"], "%.0f" % m4["instructions_per_sample"],
                        m4["instructions_per_sample"] <= t["instructions_per_sample"]))
        targets.append(("Cortex-M4F: stack of ltr_detector_process <= %d B" % t["stack_bytes"],
                        "%d B" % m4["stack_bytes"], m4["stack_bytes"] <= t["stack_bytes"]))
        targets.append(("Cortex-M4F: .text <= %d B" % t["text_bytes"],
                        "%d B" % lnk.get("text", 0), lnk.get("text", 0) <= t["text_bytes"]))

    rss = load(a.dir, "rss")
    if rss:
        w("### Peak resident memory, %d channels at %d Hz\n" % (rss["channels"], rss["rate_hz"]))
        w("| program | minutes | samples | max RSS | wall time |")
        w("|---|---|---|---|---|")
        for r in rss["results"]:
            w("| %s | %d | %d | %d kB | %.1f s |" % (r["program"], r["minutes"], r["samples"],
                                                     r["max_rss_kb"], r["seconds"]))
        for prog, fl in rss["flat"].items():
            w("\n%s: growth %+d kB from the short to the long stream (%s)." % (
                prog, fl["growth_kb"], "flat" if fl["flat"] else "grows"))
        w("")

    lr = load(a.dir, "longrun")
    if lr:
        hours = lr["hours"]
        w("### Long run: %g h of a simulated session, %d channels at %d Hz\n"
          % (hours[-1], lr["channels"], lr["rate_hz"]))
        w("| program | hours | samples | peak RSS (wait4) | wall time | CPU time |")
        w("|---|---|---|---|---|---|")
        for r in lr["results"]:
            w("| %s | %g | %d | %d kB | %.1f s | %.1f s |" % (
                "ltr stream (pipe)" if r["program"] == "ltr stream" else "in-process driver",
                r["hours"], int(round(r["hours"] * 3600 * lr["rate_hz"])) * lr["channels"],
                r["max_rss_kb"], r["wall_s"], r["cpu_s"]))
        longest = [r for r in lr["results"] if r["hours"] == hours[-1]]
        cols = [p["hours"] for p in longest[0]["checkpoints"] if p["hours"] > 0]
        w("\nVmHWM (and heap in use) during the %g h runs, kB (VmHWM as `/proc` reports it:\n"
          "the kernel updates the high-water mark lazily, so it may dip):\n" % hours[-1])
        w("| program | " + " | ".join("%g h" % h for h in cols) + " |")
        w("|---" * (len(cols) + 1) + "|")
        for r in longest:
            pts = [p for p in r["checkpoints"] if p["hours"] > 0]
            w("| %s | " % ("ltr stream" if r["program"] == "ltr stream" else "in-process")
              + " | ".join(str(p["vmhwm_kb"]) for p in pts) + " |")
            if r["program"] == "in-process" and pts and pts[0].get("heap_kb", -1) >= 0:
                w("| in-process heap | " + " | ".join(str(p["heap_kb"]) for p in pts) + " |")
        for prog, fl in lr["flat"].items():
            if "growth_kb" in fl:
                w("\n%s: peak RSS %+d kB from %g h to %g h (%s)." % (
                    prog, fl["growth_kb"], hours[0], hours[-1],
                    "flat" if fl["flat"] else "grows"))
        for r in longest:
            if r["program"] == "in-process" and r.get("detector_s"):
                w("\nIn-process, %g h: %.1f s of CPU inside `ltr_detector_process` (%.1f "
                  "Msamples/s), %.1f s of CPU in all (the simulator is the rest)." % (
                      r["hours"], r["detector_s"],
                      r["hours"] * 3600 * lr["rate_hz"] * lr["channels"] / r["detector_s"] / 1e6,
                      r["cpu_s"]))
        rows = lr["event_rows"].get(str(hours[-1]), {})
        w("\nEvents in %g h: %s; lost: %d; `ltr stream` wrote the same events as the "
          "library: %s. Machine: %s." % (
              hours[-1], ", ".join("%s %d" % kv for kv in sorted(rows.items())),
              lr["lost_events"],
              ", ".join("%g h %s" % (float(h), "yes" if v else "NO")
                        for h, v in lr["same_events"].items()) or "n/a",
              lr["machine"]))
        w("")

    an = load(a.dir, "analyze")
    if an:
        w("### `ltr analyze` against `ltr detect`: 16 channels at 2000 Hz, float WAV, "
          "OPENBLAS_NUM_THREADS=1\n")
        w("| program | minutes | file | twitches | CPU time | wall time | peak RSS (wait4) |")
        w("|---|---|---|---|---|---|---|")
        for r in an["rows"]:
            for prog in ("detect", "analyze", "analyze --events"):
                if prog not in r:
                    continue
                x = r[prog]
                w("| ltr %s | %d | %.0f MB | %s | %.2f s | %.2f s | %d kB |" % (
                    prog, r["minutes"], r["file_mb"], r["twitches"] if prog != "detect" else "",
                    x["cpu_s"], x["wall_s"], x["maxrss_kb"]))
        first, last = an["rows"][0], an["rows"][-1]
        growth = last["analyze"]["maxrss_kb"] - first["analyze"]["maxrss_kb"]
        w("\nltr analyze: peak RSS %+d kB from %d to %d minutes (%s); CPU time %.2fx "
          "that of ltr detect on the %d-minute file.\n" % (
              growth, first["minutes"], last["minutes"],
              "flat" if abs(growth) < 1024 else "grows", last["ratio_cpu"], last["minutes"]))
        targets.append(("`ltr analyze` < 2x the detector's time, %d min x 16 ch x 2 kHz, one core"
                        % last["minutes"], "%.2fx (CPU time)" % last["ratio_cpu"],
                        last["ratio_cpu"] < 2.0))
        targets.append(("`ltr analyze` memory bounded, not growing with the recording",
                        "%+d kB from %d to %d min" % (growth, first["minutes"], last["minutes"]),
                        abs(growth) < 1024))

    acc = load(a.dir, "accuracy")
    if acc:
        names = [m["name"] for m in acc["methods"]]
        w("### F1 per recording: libltr against the baselines (all baselines offline: rest "
          "statistics from the whole record)\n")
        w("| recording | libltr | " + " | ".join(names) + " |")
        w("|---|---" + "|---" * len(names) + "|")
        for rec in acc["recordings"]:
            rows = {r["method"]: r for r in rec["rows"]}
            ltr = rows["libltr"]["f1"]
            bls = [rows[n]["f1"] for n in names]
            best = max([b for b in bls if b is not None] or [0.0])
            mark = " +" if ltr is not None and ltr > best else ""
            w("| %s | %s%s | %s |" % (rec["name"], fmt(ltr, "%.3f"), mark,
                                      " | ".join(fmt(b, "%.3f") for b in bls)))
        w("\n+ : libltr above every baseline.\n")
        w("### Each method over all recordings (sim: simulated scenarios; MEP: back to back and "
          "with rest)\n")
        w("| method | mode | mean F1 sim | mean F1 MEP | mean sens sim | mean PPV sim | "
          "median latency sim | median onset err sim | median ns/frame |")
        w("|---|---|---|---|---|---|---|---|---|")

        def med(v):
            v = sorted(x for x in v if x is not None)
            if not v:
                return None
            n = len(v)
            return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])

        def mean(v):
            v = [0.0 if x is None else x for x in v]
            return sum(v) / len(v) if v else None

        offline = {m["name"]: m["offline"] for m in acc["methods"]}
        for name in ["libltr"] + names:
            sim = [next(r for r in rec["rows"] if r["method"] == name)
                   for rec in acc["recordings"] if not rec["mep"]]
            mep = [next(r for r in rec["rows"] if r["method"] == name)
                   for rec in acc["recordings"] if rec["mep"]]
            w("| %s | %s | %s | %s | %s | %s | %s ms | %s ms | %s |" % (
                name, "offline" if offline.get(name) else "online",
                fmt(mean([r["f1"] for r in sim]), "%.3f"),
                fmt(mean([r["f1"] for r in mep]), "%.3f") if mep else "n/a",
                fmt(mean([r["sensitivity"] for r in sim]), "%.2f"),
                fmt(mean([r["ppv"] for r in sim]), "%.2f"),
                fmt(med([r["latency_median_ms"] for r in sim])),
                fmt(med([r["onset_error_median_ms"] for r in sim])),
                fmt(med([r["ns_per_frame"] for r in sim]), "%.0f")))
        w("")
        w("### libltr per recording: accuracy, latency, cost\n")
        w("| recording | true | sens | PPV | F1 | onset err (median) | latency median | "
          "latency p90 | fixed delay | ns/frame | F1 with device marks |")
        w("|---|---|---|---|---|---|---|---|---|---|---|")
        for rec in acc["recordings"]:
            rows = {r["method"]: r for r in rec["rows"]}
            r = rows["libltr"]
            mk = rows.get("libltr + marks")
            w("| %s | %d | %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s | %s |" % (
                rec["name"], r["n_truth"], fmt(r["sensitivity"], "%.2f"), fmt(r["ppv"], "%.2f"),
                fmt(r["f1"], "%.3f"), fmt(r["onset_error_median_ms"]),
                fmt(r["latency_median_ms"]), fmt(r["latency_p90_ms"]),
                fmt(rec["fixed_delay_ms"]), fmt(r["ns_per_frame"], "%.0f"),
                fmt(mk["f1"], "%.3f") if mk else "-"))
        w("")
        fr = acc.get("fresh_seeds")
        if fr:
            tuned = {rec["name"]: next(r for r in rec["rows"] if r["method"] == "libltr")["f1"]
                     for rec in acc["recordings"] if not rec["mep"]}
            w("### libltr on fresh seeds (%d-%d, never used for tuning) beside the tuned seeds\n"
              % (fr["first"], fr["first"] + fr["count"] - 1))
            w("| scenario | F1 tuned seeds | F1 fresh seeds | sens fresh | PPV fresh |")
            w("|---|---|---|---|---|")
            for sc in fr["scenarios"]:
                w("| %s | %s | %s | %s | %s |" % (sc["name"], fmt(tuned.get(sc["name"]), "%.3f"),
                                                  fmt(sc["f1"], "%.3f"),
                                                  fmt(sc["sensitivity"], "%.2f"),
                                                  fmt(sc["ppv"], "%.2f")))
            w("| **pooled** | | %s | | |\n" % fmt(fr["pooled_f1"], "%.3f"))
            targets.append(("pooled F1 >= 0.90 on %d fresh seeds per scenario" % fr["count"],
                            fmt(fr["pooled_f1"], "%.3f"), fr["pooled_f1"] >= 0.90))
        for t in acc["targets"]:
            if "goal_ms" in t:
                targets.append(("median latency <= %d ms, %s" % (t["goal_ms"],
                                                                 t["name"].split(", ")[1]),
                                "%s ms from the true onset; decision delay %s ms" % (
                                    fmt(t["measured_ms"]), fmt(t.get("decision_delay_ms"))),
                                t["met"]))
            elif "wins" in t:
                targets.append(("better F1 than every baseline on every recording",
                                "%d of %d recordings" % (t["wins"], t["recordings"]), t["met"]))
            else:
                targets.append(("higher mean F1 than the best baseline by a clear margin",
                                "%.3f vs %.3f (%s): %+.3f" % (t["libltr"], t["best_baseline_f1"],
                                                             t["best_baseline"], t["margin"]),
                                t["margin"] >= 0.05))

    if targets:
        w("### Targets\n")
        w("| target | measured | status |")
        w("|---|---|---|")
        for name, measured, met in targets:
            w("| %s | %s | %s |" % (name, measured, status(met)))
        w("")

    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
