"""Multipart file uploads to the bench server, at full speed or paced (a slow client), with http.client.

    result = upload(port, "/me/applications/1/documents/5/", session, data, rate=1_000_000)

Sends what a browser's XHR upload sends (the upload view's JSON mode): the session and CSRF cookies, the CSRF token
in X-CSRFToken, Accept: application/json, a multipart/form-data body with one part named "file". No Origin header
(plain HTTP from 127.0.0.1: Django checks the token, not the origin).
"""

import http.client
import json
import os
import time
from dataclasses import dataclass

HOST = "127.0.0.1"
CHUNK = 64 * 1024


@dataclass
class UploadResult:
    status: int  # 0: no response (connection error or timeout)
    ok: bool  # HTTP 200 and {"ok": true}
    sent: int  # body bytes
    started: float  # time.monotonic()
    finished: float
    error: str = ""

    @property
    def elapsed(self) -> float:
        return self.finished - self.started


def multipart(data: bytes, filename: str, field: str = "file") -> tuple[bytes, bytes, str]:
    """(head, tail, content type): the body is head + data + tail, so the file itself is never copied."""
    boundary = "----gradadmitbench" + os.urandom(12).hex()
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head, tail, f"multipart/form-data; boundary={boundary}"


def upload(
    port: int,
    path: str,
    cookie: str,
    csrf_token: str,
    data: bytes,
    *,
    filename: str = "document.pdf",
    rate: float | None = None,
    timeout: float = 120.0,
) -> UploadResult:
    """POST one file; with `rate` (bytes/s) the body goes out in CHUNK pieces on a fixed schedule."""
    head, tail, content_type = multipart(data, filename)
    length = len(head) + len(data) + len(tail)
    started = time.monotonic()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.putrequest("POST", path, skip_accept_encoding=True)
        for name, value in (
            ("Content-Type", content_type),
            ("Content-Length", str(length)),
            ("Cookie", cookie),
            ("X-CSRFToken", csrf_token),
            ("Accept", "application/json"),
            ("X-Requested-With", "XMLHttpRequest"),
            ("User-Agent", "gradadmit-bench"),
        ):
            conn.putheader(name, value)
        conn.endheaders()
        if rate is None:
            conn.send(head)
            conn.send(data)
            conn.send(tail)
        else:
            body = memoryview(head + data + tail)
            for offset in range(0, length, CHUNK):
                due = started + offset / rate
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                conn.send(body[offset : offset + CHUNK])
        response = conn.getresponse()
        reply = response.read()
        finished = time.monotonic()
        try:
            ok = response.status == 200 and json.loads(reply).get("ok") is True
        except ValueError:
            ok = False
        error = "" if ok else f"{response.status}: {reply[:300]!r}"
        return UploadResult(response.status, ok, length, started, finished, error)
    except (OSError, http.client.HTTPException) as exc:
        return UploadResult(0, False, length, started, time.monotonic(), repr(exc))
    finally:
        conn.close()


# --- Shared by the upload benchmarks: seeding, the CSRF cookie, checking what was stored ----------------------


@dataclass
class UploadSetup:
    application: int
    requirements: list[int]
    cookie: str  # session + CSRF cookies, as a browser sends them
    csrf_token: str
    cycle: str

    def path(self, index: int) -> str:
        return f"/me/applications/{self.application}/documents/{self.requirements[index]}/"


def prepare(server, items: int) -> UploadSetup:
    """Seed an applicant with `items` 12 MB PDF items, and fetch the documents page once for the CSRF cookie."""
    seeded = json.loads(server.python("bench/seed_uploads.py", "seed", str(items)).stdout.strip().splitlines()[-1])
    session = f"{seeded['cookie_name']}={seeded['session_key']}"
    page = f"/me/applications/{seeded['application']}/documents/"
    reply = server.get(page, cookie=session)
    csrf = reply.cookies().get("csrftoken")
    if reply.status != 200 or not csrf:
        raise RuntimeError(f"GET {page} with the session cookie: {reply.status}, no CSRF cookie:\n{reply.body[:500]!r}")
    return UploadSetup(
        application=seeded["application"],
        requirements=seeded["requirements"],
        cookie=f"{session}; csrftoken={csrf}",
        csrf_token=csrf,
        cycle=seeded["cycle"],
    )


def verify(server, setup: UploadSetup, sent: list[bytes]) -> tuple[int, list[str]]:
    """Every stored document is one of the files sent, byte for byte, and every file sent was stored once.

    Returns (documents stored, problems).
    """
    import hashlib
    from collections import Counter

    stored = json.loads(
        server.python("bench/seed_uploads.py", "verify", str(setup.application)).stdout.strip().splitlines()[-1]
    )["documents"]
    expected = Counter(hashlib.sha256(data).hexdigest() for data in sent)
    sizes = {hashlib.sha256(data).hexdigest(): len(data) for data in sent}
    problems = []
    seen = Counter()
    for doc in stored:
        seen[doc["disk_sha256"]] += 1
        if doc["disk_sha256"] != doc["sha256"]:
            problems.append(f"document {doc['id']}: file on disk differs from its recorded SHA-256")
        if doc["disk_sha256"] not in expected:
            problems.append(f"document {doc['id']}: stored bytes match no file sent (sanitised={doc['sanitized']})")
        elif doc["disk_size"] != sizes[doc["disk_sha256"]] or doc["size"] != doc["disk_size"]:
            problems.append(f"document {doc['id']}: size {doc['size']}/{doc['disk_size']} on disk, sent otherwise")
        if doc["sanitized"]:
            problems.append(f"document {doc['id']}: marked sanitised, but only clean PDFs were sent")
    for digest, count in expected.items():
        if seen[digest] != count:
            problems.append(f"file {digest[:12]}: sent {count} time(s), stored {seen[digest]} time(s)")
    return len(stored), problems
