"""Throughput of the embedded judge on the bundled τ²-bench transcripts.

    python bench/local_judge.py [--transcripts 2] [--dimensions 8] [--threads N]

Prints judgments per second, prompt tokens evaluated per second, the share of prompt tokens served from the KV
cache (the transcript prefix reused across dimensions, the policy reused across transcripts), and the latency of
the first (cold) and later (warm) dimensions of each transcript. Bounded: at most 6 transcripts x 8 dimensions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path

from judges import JudgeConfig, JudgeRequest, read_transcripts
from judges.backends.local import LocalBackend
from prompts import load_rubric, load_template, render

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=2, choices=range(1, 7))
    parser.add_argument("--dimensions", type=int, default=8, choices=range(1, 9))
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    rubric = load_rubric("interaction-v1")
    template = load_template("level-v1")
    files = sorted((ROOT / "data" / "tau2-airline").glob("*.subset.json"))
    transcripts = list(read_transcripts(files).transcripts)[: args.transcripts]
    dimensions = rubric.dimensions[: args.dimensions]

    started = time.perf_counter()
    backend = LocalBackend(JudgeConfig(judge="local", threads=args.threads, progress=False))
    load_s = time.perf_counter() - started
    cold: list[float] = []
    warm: list[float] = []
    evaluated = cached = 0

    async def run() -> None:
        nonlocal evaluated, cached
        for transcript in transcripts:
            text = transcript.render()
            for k, dimension in enumerate(dimensions):
                request = JudgeRequest(transcript=transcript, dimensions=(dimension,),
                                       messages=render(template, text, rubric, (dimension,)),
                                       answer_prefix=template.answer_prefix)  # fmt: skip
                t0 = time.perf_counter()
                completion = await backend.complete(request)
                (cold if k == 0 else warm).append(time.perf_counter() - t0)
                evaluated += completion.usage.prompt_tokens
                cached += completion.usage.cached_tokens
        await backend.aclose()

    t0 = time.perf_counter()
    asyncio.run(run())
    wall = time.perf_counter() - t0
    n = len(cold) + len(warm)
    print(f"model load                       {load_s:8.2f} s")
    print(f"judgments                        {n:8d} ({len(transcripts)} transcripts x {len(dimensions)} dimensions)")
    print(f"wall                             {wall:8.1f} s")
    print(f"judgments / s                    {n / wall:8.3f}")
    print(f"prompt tokens evaluated / s      {evaluated / wall:8.1f}")
    print(f"share of prompt tokens cached    {cached / (cached + evaluated):8.3f}")
    print(f"first dimension per transcript   {statistics.mean(cold):8.2f} s (mean)")
    if warm:
        print(f"further dimensions               {statistics.mean(warm):8.2f} s (mean)")
        print(f"cold / warm latency ratio        {statistics.mean(cold) / statistics.mean(warm):8.1f}")


if __name__ == "__main__":
    main()
