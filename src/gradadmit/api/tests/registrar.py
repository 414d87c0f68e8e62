"""A registrar's script, as the university's student system would run it: plain HTTP and JSON, only the paths
and fields the OpenAPI schema documents, a service token. Used by test_registrar_script.py against a live server.
"""

import csv
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

USED = {("get", "/api/v1/admissions"), ("get", "/api/v1/programs"), ("post", "/api/v1/stage-scores")}


class Api:
    def __init__(self, base_url: str, token: str):
        self.base_url, self.token = base_url.rstrip("/"), token

    def call(self, method: str, path: str, params=None, body=None, headers=None):
        url = self.base_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(
            url, method=method.upper(), data=None if body is None else json.dumps(body).encode()
        )
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def documented(self) -> set[tuple[str, str]]:
        with urllib.request.urlopen(self.base_url + "/api/v1/openapi.json", timeout=30) as response:
            schema = json.loads(response.read())
        return {(method, path) for path, operations in schema["paths"].items() for method in operations}

    def pages(self, path: str, **params):
        cursor = None
        while True:
            status, body = self.call("get", path, {**params, **({"cursor": cursor} if cursor else {})})
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {body}")
            yield from body["items"]
            cursor = body["next_cursor"]
            if cursor is None:
                return


def sync_admitted(api: Api, out_path) -> int:
    """Every admitted applicant (offered a place or checked in) of the token's programmes, to a CSV file."""
    programs = {p["id"]: p for p in api.call("get", "/api/v1/programs")[1]}
    rows = [a for a in api.pages("/api/v1/admissions", limit=100) if a["status"] in ("offered", "checked_in")]
    with open(out_path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["application", "programme", "exam_number", "name_zh", "name_en", "status"])
        for a in rows:
            writer.writerow([a["application_id"], programs[a["program_id"]]["code"], a["exam_number"] or "",
                             a["name_zh"], a["name_en"], a["status"]])  # fmt: skip
    return len(rows)


def post_stage1_scores(api: Api, program_id: int, scores: dict[int, str]):
    """All stage-1 scores of a programme in one write; a retry after a timeout reuses the key (no double write)."""
    body = {"program": program_id, "scores": [{"application": a, "stage": 1, "score": s} for a, s in scores.items()]}
    key = str(uuid.uuid4())
    return api.call("post", "/api/v1/stage-scores", body=body, headers={"Idempotency-Key": key})
