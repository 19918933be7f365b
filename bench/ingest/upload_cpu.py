"""CPU the upload service spends to receive one large CSV, against hashing and writing it.

Starts a Tansu broker, task-tracker and `mauzo-upload` as processes (as `mauzo up` does, local
object store), then posts a ~94 MB CSV several times with one persistent client. For each post
it reads the upload process's CPU seconds (user + system, /proc/<pid>/stat) before and after.
The floor, measured in this run on the same bytes: this process reading the file in 1 MB
pieces, hashing them with sha256 and writing them to a new file.

`--spool` sends the datasource after the file, so the service spools it before storing it.

Run: uv run python bench/ingest/upload_cpu.py [--rows 1000000] [--runs 5] [--spool]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from sales_csv import write_sales_csv

from mauzo_common.auth.principal import Role
from mauzo_common.testing.auth import auth
from mauzo_common.testing.components import tansu_broker
from mauzo_common.testing.services import service_process

PIECE = 1024 * 1024
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def child_pid(script: str) -> int:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and script.encode() in cmdline:
            return int(proc.name)
    raise SystemExit(f"no {script} process")


def floor(csv: Path, out: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to hash and write the file in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    digest = hashlib.sha256()
    with csv.open("rb") as source, out.open("wb") as target:
        while piece := source.read(PIECE):
            digest.update(piece)
            target.write(piece)
    result = time.perf_counter() - wall, time.process_time() - cpu
    out.unlink()
    return result


def spooled_body(csv: Path, boundary: str, datasource: str) -> Iterator[bytes]:
    """The file part first, the datasource after it: the service has to spool."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{csv.name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    with csv.open("rb") as handle:
        while piece := handle.read(64 * 1024):
            yield piece
    yield (
        f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="datasource"\r\n\r\n'
        f"{datasource}\r\n--{boundary}--\r\n"
    ).encode()


def post(client: httpx.Client, url: str, csv: Path, datasource: str, spool: bool) -> None:
    if spool:
        boundary = uuid.uuid4().hex
        response = client.post(
            url,
            content=spooled_body(csv, boundary, datasource),
            headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        )
    else:
        with csv.open("rb") as handle:
            response = client.post(
                url,
                data={"datasource": datasource},
                files={"file": (csv.name, handle, "text/csv")},
            )
    if response.status_code != 202:
        raise SystemExit(f"upload answered {response.status_code}: {response.text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--spool", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mauzo-bench-upload-cpu-") as tmp:
        work = Path(tmp)
        csv = write_sales_csv(work / "sales.csv", args.rows)
        size_mb = csv.stat().st_size / 1e6
        env = {"MAUZO_DATA_DIR": str(work / "data"), "MAUZO_LOG_LEVEL": "WARNING"}
        with tansu_broker() as bootstrap:
            env["MAUZO_KAFKA_BOOTSTRAP"] = bootstrap
            with service_process("task-tracker", env, work / "tracker.log") as tracker:
                env["MAUZO_TASK_TRACKER_URL"] = tracker
                with service_process("upload", env, work / "upload.log") as upload:
                    pid = child_pid("mauzo-upload")
                    url = upload + "/api/ingest/upload"
                    floors, walls, cpus = [], [], []
                    with httpx.Client(timeout=300, auth=auth(Role.ADMIN)) as client:
                        post(client, url, csv, "bench_upload_cpu_warmup", args.spool)
                        for run in range(args.runs):
                            floors.append(floor(csv, work / "floor.out"))
                            cpu, wall = cpu_seconds(pid), time.perf_counter()
                            post(client, url, csv, f"bench_upload_cpu_{run}", args.spool)
                            walls.append(time.perf_counter() - wall)
                            cpus.append(cpu_seconds(pid) - cpu)
    floor_wall = statistics.median(f[0] for f in floors)
    floor_cpu = statistics.median(f[1] for f in floors)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    cpus_text = ", ".join(f"{c:.2f}" for c in cpus)
    mode = "datasource after the file (spooled)" if args.spool else "datasource first"
    print(f"file: {args.rows:,} rows, {size_mb:.1f} MB; {mode}; {args.runs} runs")
    print(f"floor (sha256 + write, 1 MB pieces): wall {floor_wall:.3f}s, CPU {floor_cpu:.3f}s")
    print(f"upload service: median wall {wall:.3f}s, CPU {cpu:.3f}s (CPU of each: {cpus_text})")
    print(f"ratio CPU/floor CPU: {cpu / floor_cpu:.2f}x, wall/floor wall: {wall / floor_wall:.2f}x")


if __name__ == "__main__":
    main()
