"""Peer of Throughput (figure 3): Python's ProcessPoolExecutor with 2 workers; one thread pumps no-op
jobs, at most 256 in flight (a permit taken before each submit, given back when the job is done).

Usage: python3 process_pool_throughput.py [jobs=200000] [warmup=20000] [in_flight=256]   (prints one row)
"""
import platform
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def noop(x):
    return x


def pump(pool, count, in_flight):
    permits = threading.Semaphore(in_flight)
    failures = []

    def done(future):
        if future.exception() is not None:
            failures.append(future.exception())
        permits.release()

    for i in range(count):
        permits.acquire()
        pool.submit(noop, i).add_done_callback(done)
    for _ in range(in_flight):  # every permit back: every job is done
        permits.acquire()
    if failures:
        raise RuntimeError(f"{len(failures)} jobs failed, the first: {failures[0]!r}")


def main():
    defaults = [200_000, 20_000, 256]
    jobs, warmup, in_flight = [int(a) for a in sys.argv[1:4]] + defaults[len(sys.argv[1:4]):]
    with ProcessPoolExecutor(max_workers=2) as pool:
        pump(pool, warmup, in_flight)
        start = time.perf_counter()
        pump(pool, jobs, in_flight)
        seconds = time.perf_counter() - start
    print(f"| 3 | peer: python {platform.python_version()} ProcessPoolExecutor(2), {in_flight} in flight | pipe "
          f"| {jobs:,} |  |  |  |  | {jobs / seconds:,.0f} jobs/s |")


if __name__ == "__main__":
    main()
