"""Requests to the running server: ab for latency and throughput, http.client where ab can't.

ab sends the same request every time; a move that alternates between two stages and an application
with a fresh address each time are sent one after another with http.client, each timed on its own.
"""

import http.client
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

WARM_UP = 3


@dataclass
class Request:
    """One request as the bench sends it; `path` on the server at 127.0.0.1:`port`."""

    port: int
    path: str
    method: str = "GET"
    headers: dict = None
    body: bytes = b""

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}{self.path}"


def send(request):
    """(status, headers, body) of one request over a new connection, as ab makes one per request."""
    connection = http.client.HTTPConnection("127.0.0.1", request.port, timeout=120)
    try:
        connection.request(request.method, request.path, body=request.body or None, headers=request.headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def probe(request, *, expect):
    """The queries and bytes of one request, read from X-Query-Count and the body."""
    status, headers, body = send(request)
    if status != expect:
        raise CommandError(f"{request.method} {request.path} answered {status}, not {expect}:\n{body[:2000]!r}")
    return {"queries": int(headers["X-Query-Count"]), "bytes": len(body)}


def summary(timings_ms):
    timings_ms = sorted(timings_ms)
    p95 = statistics.quantiles(timings_ms, n=20, method="inclusive")[-1]
    return {"median_ms": round(statistics.median(timings_ms), 1), "p95_ms": round(p95, 1)}


def _ab_args(request, extra):
    args = ["ab", "-q", "-r", *extra]
    for name, value in (request.headers or {}).items():
        args += ["-C", value] if name == "Cookie" else ["-H", f"{name}: {value}"]
    return [*args, request.url]


def _ab(args):
    result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603 (ab, our arguments)
    if result.returncode != 0:
        raise CommandError(f"{' '.join(args)} failed:\n{result.stderr or result.stdout}")
    out = result.stdout
    if "Non-2xx responses" in out:
        raise CommandError(f"{args[-1]} answered errors under ab:\n{out}")
    failed = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", out)
    if failed and any(int(n) for n in failed.groups()):
        # Length failures are pages whose size varies (a nonce, a time); the others are real errors.
        raise CommandError(f"{args[-1]} had failed requests under ab:\n{out}")
    return out


def ab_latency(request, runs):
    """Median and p95 (ms) of `runs` requests one at a time, from ab's own per-request times (-g)."""
    _ab(_ab_args(request, ["-n", str(WARM_UP)]))
    with tempfile.NamedTemporaryFile("r", suffix=".tsv") as data:
        _ab(_ab_args(request, ["-n", str(runs), "-c", "1", "-g", data.name]))
        rows = data.read().splitlines()[1:]  # starttime seconds ctime dtime ttime wait
    return summary([float(row.split("\t")[4]) for row in rows])


def ab_throughput(request, *, concurrency, seconds):
    """Requests per second and p95 (ms) with `concurrency` clients for `seconds`."""
    # -t alone stops at 50,000 requests; the -n after it lifts that cap.
    out = _ab(_ab_args(request, ["-c", str(concurrency), "-t", str(seconds), "-n", "10000000"]))
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))
    p95 = float(re.search(r"^\s+95%\s+(\d+)", out, re.MULTILINE).group(1))
    return {"rps": round(rps, 1), "p95_ms": p95}


def timed(requests, *, expect):
    """Median and p95 (ms) of requests sent one after another; the first WARM_UP are not counted."""
    timings = []
    for index, request in enumerate(requests):
        start = time.perf_counter()
        status, _, body = send(request)
        elapsed = (time.perf_counter() - start) * 1000
        if status != expect:
            raise CommandError(f"{request.method} {request.path} answered {status}, not {expect}:\n{body[:2000]!r}")
        if index >= WARM_UP:
            timings.append(elapsed)
    return summary(timings)


def multipart(fields, files):
    """(body, content type) of a form post; `files` maps a field to (file name, content type, bytes)."""
    uploads = {name: SimpleUploadedFile(filename, content, kind) for name, (filename, kind, content) in files.items()}
    data = {**fields, **uploads}
    return encode_multipart(BOUNDARY, data), MULTIPART_CONTENT


def padded_pdf(size):
    """A valid one-page PDF of `size` bytes: a text page, and a stream of filler to reach the size."""
    text = b"BT /F1 18 Tf 72 720 Td (Curriculum vitae: bench candidate) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]

    def build(filler):
        body = [*objects, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(filler), filler)]
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, content in enumerate(body, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, content)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
        return bytes(out)

    bare = len(build(b""))
    # The filler's length is printed in the file: grow it until the whole is `size` bytes.
    filler = b"0" * (size - bare)
    while len(pdf := build(filler)) > size:
        filler = filler[: len(filler) - (len(pdf) - size)]
    return pdf
