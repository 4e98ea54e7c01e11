"""One machine-readable line per figure a benchmark compares, which
bench/run-all gathers into the summary table at the end of `make bench`:

  BENCH-SUMMARY {"benchmark": ..., "metric": ..., "unit": ..., "ours": X,
                 "peer": Y, "peer_name": ..., "better": "higher"|"lower"}

ratio = ours/peer when higher is better, peer/ours when lower is better,
so a ratio above 1 always means ours is ahead."""
import json

PREFIX = "BENCH-SUMMARY "


def emit(benchmark, metric, unit, ours, peer, peer_name, better="higher"):
    assert better in ("higher", "lower")
    print(PREFIX + json.dumps({"benchmark": benchmark, "metric": metric, "unit": unit,
                               "ours": float(ours), "peer": float(peer),
                               "peer_name": peer_name, "better": better}), flush=True)


def ratio(row):
    ours, peer = row["ours"], row["peer"]
    if ours <= 0 or peer <= 0:
        return float("nan")
    return ours / peer if row["better"] == "higher" else peer / ours


def table(lines):
    """The summary table (markdown) from BENCH-SUMMARY lines."""
    rows = [json.loads(l[len(PREFIX):]) for l in lines if l.startswith(PREFIX)]
    out = ["| benchmark | figure | ours | peer | peer's | ratio (>1: ours ahead) |",
           "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        out.append(f"| {r['benchmark']} | {r['metric']} ({r['unit']}, {r['better']} is better) "
                   f"| {r['ours']:.4g} | {r['peer_name']} | {r['peer']:.4g} | {ratio(r):.2f}x |")
    return "\n".join(out)


if __name__ == "__main__":
    import sys
    print(table(sys.stdin.read().splitlines()))
