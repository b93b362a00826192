#!/usr/bin/env python3
"""Parsing and the final table of bench/compare.sh (stdlib only).

  compare-report.py metric FILE NAME            sum of a metric's series in a /metrics dump
  compare-report.py quantile FILE NAME Q        histogram quantile (PromQL-style interpolation) over all series
  compare-report.py gc GCLOG                    key=value: GC pause p99/max, heap after GC, full GCs
  compare-report.py fio FIO.json                key=value: MB/s and fsyncs/s
  compare-report.py backlog SAMPLES             key=value: mean sealed backlog of the middle and last third
  compare-report.py rss SAMPLES                 key=value: mean anonymous resident memory (MiB) of the middle and last third
  compare-report.py table RESULTS               the final table (RESULTS holds "section key=value ..." lines)
"""
import json
import math
import re
import statistics
import sys


def series(path, name):
    for line in open(path):
        if line.startswith('#'):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)', line)
        if m and m.group(1) == name:
            yield (m.group(2) or ''), float(m.group(3))


def metric(path, name):
    return sum(v for _, v in series(path, name))


def quantile(path, name, q):
    buckets = {}
    for labels, v in series(path, name + '_bucket'):
        le = re.search(r'[{,]le="([^"]+)"', labels).group(1)
        le = math.inf if le == '+Inf' else float(le)
        buckets[le] = buckets.get(le, 0) + v
    if not buckets:
        return float('nan')
    les = sorted(buckets)
    total = buckets[les[-1]]
    if total == 0:
        return float('nan')
    rank = q * total
    prev_le, prev_count = 0.0, 0.0
    for le in les:
        count = buckets[le]
        if count >= rank:
            if le == math.inf:
                return prev_le
            return prev_le + (le - prev_le) * (rank - prev_count) / max(count - prev_count, 1e-9)
        prev_le, prev_count = le, count
    return les[-1]


def gc(path):
    pauses, after, full = [], [], 0
    pat = re.compile(r'GC\(\d+\) (Pause [^0-9]*?)\s+(\d+)M->(\d+)M\((\d+)M\) ([\d.]+)ms')
    for line in open(path):
        m = pat.search(line)
        if m:
            pauses.append(float(m.group(5)))
            after.append(int(m.group(3)))
            if 'Pause Full' in m.group(1):
                full += 1
    if not pauses:
        return 'gc_pauses=0 gc_p99_ms=0 gc_max_ms=0 gc_over_100ms=0 heap_after_gc_max_mb=0 full_gcs=0'
    s = sorted(pauses)
    p99 = s[min(len(s) - 1, math.ceil(0.99 * len(s)) - 1)]
    return (f'gc_pauses={len(s)} gc_p99_ms={p99:.1f} gc_max_ms={s[-1]:.1f} gc_over_100ms={sum(1 for p in s if p > 100)} '
            f'heap_after_gc_max_mb={max(after)} full_gcs={full}')


def fio(path):
    text = open(path).read()
    data = json.loads(text[text.index('{'):])
    w = data['jobs'][0]['write']
    # one fdatasync per write (--fdatasync=1); fio counts them in sync.lat_ns.N
    syncs = data['jobs'][0].get('sync', {}).get('lat_ns', {}).get('N') or w['total_ios']
    fsyncs = syncs / (data['jobs'][0]['job_runtime'] / 1000)
    return f'mb_per_s={w["bw_bytes"] / 1e6:.1f} fsyncs_per_s={fsyncs:.0f}'


def backlog(path):
    """The sealed backlog's mean over the middle and the last third of a step's samples.

    The first third is the warm-up (JIT, the first seals, the first rollups catching up).
    After it a rollup that keeps up leaves a stationary sawtooth (files wait for the
    interval or rollup.backlogThreshold), so a mean over many teeth is stable; a rollup that
    falls behind raises the last third's mean by its deficit times a third of the step.
    """
    mid, last, top, n = thirds(path)
    return f'backlog_mid={mid:.0f} backlog_last={last:.0f} backlog_max={top:.0f} samples={n}'


def rss(path):
    """The server's anonymous resident memory (RssAnon, kB samples) over the middle and the last third of a step, in MiB.

    Anonymous, not all of VmRSS: the memory-mapped seen-id files count in VmRSS as the kernel
    pages them in, and they grow with the ids by design. Heap, metaspace and code cache level
    off after the warm-up; anonymous memory still climbing from the middle to the last third is
    native memory growing with the work (a leak: every Parquet file once left its zstd context
    behind).
    """
    mid, last, top, n = thirds(path)
    if n < 3:
        return 'rss_mid_mib=n/a rss_last_mib=n/a rss_max_mib=n/a'
    return f'rss_mid_mib={mid / 1024:.0f} rss_last_mib={last / 1024:.0f} rss_max_mib={top / 1024:.0f}'


def thirds(path):
    """Mean of the middle and of the last third of "time value" samples, the max after the first third, the count."""
    values = [float(line.split()[1]) for line in open(path) if len(line.split()) == 2]
    if len(values) < 3:
        return 0.0, 0.0, 0.0, len(values)
    third = len(values) // 3
    mid, last = values[third:2 * third], values[2 * third:]
    return statistics.fmean(mid), statistics.fmean(last), max(values[third:]), len(values)


def kv(line):
    return dict(p.split('=', 1) for p in line.split()[1:] if '=' in p)


def num(x, digits=0):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 'n/a'
    return f'{x:,.{digits}f}'


def table(path):
    res = {}
    multi = {}
    for line in open(path):
        if not line.strip():
            continue
        sec = line.split()[0]
        d = kv(line)
        res[sec] = d
        multi.setdefault(sec, []).append(d)

    def f(sec, key):
        try:
            return float(res[sec][key])
        except (KeyError, ValueError):
            return float('nan')

    def med(sec, key):
        vals = [float(d[key]) for d in multi.get(sec, []) if key in d]
        if not vals:
            return float('nan'), float('nan'), float('nan'), 0
        return statistics.median(vals), min(vals), max(vals), len(vals)

    def ratio(a, b):
        return 'n/a' if not (a == a and b == b) or b == 0 else f'{a / b:.2f}×'

    info = res.get('run', {})
    out = []
    out.append(f"bench/compare.sh ({info.get('mode', '?')}): {info.get('date', '')}, {info.get('cores', '?')} cores, "
               f"{info.get('mem', '?')}, {info.get('java', '?')}, Gravix -Xms = -Xmx = {info.get('heap', '?')}, load client on the same cores")
    out.append('')
    out.append('| what | events/s (or MB/s) | ack p50 ms | ack p99 ms | other |')
    out.append('|---|---|---|---|---|')

    def ingest_row(label, sec, extra=''):
        if sec not in res:
            return
        d = res[sec]
        other = []
        if 'events_per_fsync' in d:
            other.append(f"{num(float(d['events_per_fsync']), 1)} events/fsync ({num(float(d['fsyncs_per_s']))} fsyncs/s)")
        other.append(f"statuses {d.get('statuses')}")
        other.append(f"client CPU {float(d.get('client_cpu_share', 'nan')) * 100:.0f} % of 2 cores")
        out.append(f"| {label} | {num(f(sec, 'events_per_s'))} | {num(f(sec, 'p50_ms'), 1)} | {num(f(sec, 'p99_ms'), 1)} | {'; '.join(other)}{extra} |")

    ingest_row('Gravix ingest, JSON, batches of 500, 8 connections', 'gravix_json500')
    ingest_row('Gravix ingest, JSON 500 × 8 paced at half that rate, rollup caught up, warm', 'gravix_json500_half')
    ingest_row('Gravix ingest, protobuf, batches of 500, 8 connections', 'gravix_proto500')
    ingest_row('Gravix ingest, JSON, 1 event per request, 32 clients', 'gravix_json1')
    ingest_row('HTTP ceiling (no-op Dropwizard app), JSON, 500 × 8', 'noop_json500')
    ingest_row('HTTP ceiling, protobuf, 500 × 8', 'noop_proto500')
    ingest_row('HTTP ceiling, JSON, 1 × 32', 'noop_json1')
    ingest_row('ClickHouse 18.16, INSERT … FORMAT JSONEachRow, 500 × 8', 'clickhouse500')
    if 'fio' in res:
        out.append(f"| disk ceiling: fio sequential 64 KiB writes + fdatasync each | {num(f('fio', 'mb_per_s'), 1)} MB/s | | | "
                   f"{num(f('fio', 'fsyncs_per_s'))} fsyncs/s (= {num(f('fio', 'fsyncs_per_s') * 64 * 1024 / 1e6, 1)} MB/s at one fsync per 64 KiB) |")
    g, gl, gh, gn = med('rollup_gravix', 'events_per_s')
    d_, dl, dh, dn = med('rollup_duckdb', 'events_per_s')
    gb = med('rollup_gravix', 'bytes_per_event')[0]
    db = med('rollup_duckdb', 'bytes_per_event')[0]
    if gn:
        r0 = res['rollup_gravix']
        out.append(f"| rollup, Gravix: sealed spool → ZSTD Parquet, dt/hour, dedupe ({r0.get('sent')} events, {r0.get('rows')} distinct) | "
                   f"{num(g)} (median of {gn}; {num(gl)}–{num(gh)}) | | | {num(gb, 2)} Parquet bytes/event; {r0.get('files')} files; JVM {info.get('rollup_opts', '')} |")
    if dn:
        r0 = res['rollup_duckdb']
        out.append(f"| rollup, DuckDB JDBC (2 threads): NDJSON → ZSTD Parquet, dt/hour, dedupe on event_id | "
                   f"{num(d_)} (median of {dn}; {num(dl)}–{num(dh)}) | | | {num(db, 2)} Parquet bytes/event; {r0.get('files')} files |")
    s = res.get('sustained', {})
    if s and s.get('rate') == 'nan':
        out.append(f"| sustained end-to-end, Gravix JSON 500 × 8, rollup at default settings, {s.get('step_seconds')} s per rate | "
                   f"none of the tried rates passed (lowest tried: {num(float(s.get('lowest_failed', 'nan')))}); see the search below | | | |")
    elif s:
        out.append(f"| sustained end-to-end, Gravix JSON 500 × 8, rollup at default settings, {s.get('step_seconds')} s per rate | "
                   f"{num(float(s.get('rate', 'nan')))} | {s.get('p50_ms', 'n/a')} | {s.get('p99_ms', 'n/a')} | "
                   f"lake freshness p99 {s.get('freshness_p99_s', 'n/a')} s; GC pause p99 {s.get('gc_p99_ms', 'n/a')} ms, max {s.get('gc_max_ms', 'n/a')} ms, "
                   f"{s.get('gc_over_100ms', 'n/a')} over 100 ms, {s.get('full_gcs', 'n/a')} full GCs; heap after GC max {s.get('heap_after_gc_max_mb', 'n/a')} MB; "
                   f"client CPU {float(s.get('client_cpu_share', 'nan')) * 100:.0f} % of 2 cores |")
    out.append('')
    out.append('| ratio | value |')
    out.append('|---|---|')
    out.append(f"| Gravix JSON / ClickHouse (500 × 8) | {ratio(f('gravix_json500', 'events_per_s'), f('clickhouse500', 'events_per_s'))} |")
    out.append(f"| Gravix protobuf / Gravix JSON (500 × 8) | {ratio(f('gravix_proto500', 'events_per_s'), f('gravix_json500', 'events_per_s'))} |")
    if 'gravix_json500_half' in res:
        out.append(f"| ack p99 at half the JSON burst rate (goal: ≤ 20 ms) | {num(f('gravix_json500_half', 'p99_ms'), 1)} ms |")
    out.append(f"| Gravix / HTTP ceiling, JSON 500 × 8 | {ratio(f('gravix_json500', 'events_per_s'), f('noop_json500', 'events_per_s'))} |")
    out.append(f"| Gravix / HTTP ceiling, protobuf 500 × 8 | {ratio(f('gravix_proto500', 'events_per_s'), f('noop_proto500', 'events_per_s'))} |")
    out.append(f"| Gravix / HTTP ceiling, JSON 1 × 32 | {ratio(f('gravix_json1', 'events_per_s'), f('noop_json1', 'events_per_s'))} |")
    out.append(f"| rollup events/s, Gravix / DuckDB (medians) | {ratio(g, d_)} |")
    out.append(f"| Parquet bytes/event, Gravix / DuckDB | {ratio(gb, db)} |")
    out.append(f"| sustained end-to-end / ClickHouse insert rate | {ratio(float(s.get('rate', 'nan')) if s else float('nan'), f('clickhouse500', 'events_per_s'))} |")
    steps = multi.get('step', [])
    if steps:
        out.append('')
        out.append('Sustained search (each rate on a fresh server, -Xms = -Xmx = ' + info.get('heap', '?') + '):')
        out.append('')
        out.append('| rate | achieved | verdict | 503/errors | sealed backlog mean, middle → last third (max) | freshness p99 s | ack p99 ms | GC p99 / max ms | heap after GC max MB | anonymous resident MiB, middle → last third | seen ids: count, heap / disk MiB |')
        out.append('|---|---|---|---|---|---|---|---|---|---|---|')
        for st in steps:
            out.append(f"| {num(float(st['rate']))} | {num(float(st['events_per_s']))} | {st['verdict'].replace('_', ' ')} | {st['errors']} | "
                       f"{num(float(st['backlog_mid']) / 1e6, 1)} → {num(float(st['backlog_last']) / 1e6, 1)} MB ({num(float(st['backlog_max']) / 1e6)}) | {st['freshness_p99_s']} | {st['p99_ms']} | "
                       f"{st['gc_p99_ms']} / {st['gc_max_ms']} | {st['heap_after_gc_max_mb']} | {st.get('rss_mid_mib', 'n/a')} → {st.get('rss_last_mib', 'n/a')} | "
                       f"{num(float(st.get('seen_ids', 'nan')))}, {st.get('seen_heap_mb', 'n/a')} / {st.get('seen_disk_mb', 'n/a')} |")
    print('\n'.join(out))


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'metric':
        print(f'{metric(sys.argv[2], sys.argv[3]):.0f}')
    elif cmd == 'quantile':
        v = quantile(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        print('nan' if v != v else f'{v:.1f}')
    elif cmd == 'gc':
        print(gc(sys.argv[2]))
    elif cmd == 'fio':
        print(fio(sys.argv[2]))
    elif cmd == 'backlog':
        print(backlog(sys.argv[2]))
    elif cmd == 'rss':
        print(rss(sys.argv[2]))
    elif cmd == 'table':
        table(sys.argv[2])
    else:
        sys.exit('unknown command ' + cmd)
