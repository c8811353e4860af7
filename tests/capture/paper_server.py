"""A stand-in for arXiv and Crossref on 127.0.0.1, serving answers written for these tests.

Each test gets its own server (``ThreadingHTTPServer`` on port 0, in a thread): ``serve`` says
what a path answers (a list of answers is given one per request, the last one repeating), and
``requests`` counts what was asked. The papers below are invented; only the shapes of the
answers follow the services' documented formats.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the headers go out
    stream_bytes: int = 0  # then this many bytes more, without a Content-Length


class PaperServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[str] = []
        self.user_agents: list[str] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append(self.path)
                    server.user_agents.append(self.headers.get("User-Agent", ""))
                    answers = server.routes.get(self.path) or [Answer(404, b"not here")]
                    answer = answers.pop(0) if len(answers) > 1 else answers[0]
                time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    if not answer.stream_bytes:
                        self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                    chunk = b"x" * 65536
                    for _ in range(answer.stream_bytes // len(chunk)):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, path: str, *answers: Answer) -> None:
        self.routes[path] = list(answers)

    @property
    def arxiv_api(self) -> str:
        return f"{self.base}/api/query"

    @property
    def crossref_api(self) -> str:
        return f"{self.base}/crossref"


# --- answers -------------------------------------------------------------------------------------


def atom_feed(*entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"'
        ' xmlns:arxiv="http://arxiv.org/schemas/atom"'
        ' xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n'
        "  <title>query results</title>\n"
        f"  <opensearch:totalResults>{len(entries)}</opensearch:totalResults>\n"
        + "".join(entries)
        + "</feed>\n"
    ).encode()


def atom_entry(
    arxiv_id: str,
    title: str,
    authors: list[str],
    *,
    summary: str = "",
    published: str = "2023-06-05T17:59:00Z",
    doi: str | None = None,
    journal: str | None = None,
) -> str:
    names = "".join(f"    <author><name>{name}</name></author>\n" for name in authors)
    extra = f"    <arxiv:doi>{doi}</arxiv:doi>\n" if doi else ""
    extra += f"    <arxiv:journal_ref>{journal}</arxiv:journal_ref>\n" if journal else ""
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{arxiv_id}v1</id>\n"
        f"    <published>{published}</published>\n"
        f"    <title>{title}</title>\n"
        f"    <summary>{summary}</summary>\n"
        f"{names}{extra}"
        "  </entry>\n"
    )


QUOKKA = atom_feed(
    atom_entry(
        "2306.02707",
        "Quokka: Progressive Hopping from\n      Complex Explanation Traces",
        ["Ada Quokkason", "Bo Tester", "Céline Exemple"],
        summary="  We teach a small model to hop, with $x^2 &lt; y$ kept,\n  across two lines.\n  ",
    )
)

ARXIV_ERROR = atom_feed(
    "  <entry>\n"
    "    <id>http://arxiv.org/api/errors#incorrect_id_format_for_9999.99999</id>\n"
    "    <title>Error</title>\n"
    "    <summary>incorrect id format for 9999.99999</summary>\n"
    "  </entry>\n"
)


def crossref_work(doi: str, **overrides: object) -> bytes:
    work: dict[str, object] = {
        "DOI": doi,
        "type": "proceedings-article",
        "title": ["Wombat: Burrowing   Memory\nfor Operating Systems"],
        "author": [
            {"given": "Dana", "family": "Wombatson", "sequence": "first"},
            {"given": "Eli", "family": "van der Burrow", "sequence": "additional"},
        ],
        "container-title": ["Proceedings of the Imaginary Symposium on Systems"],
        "issued": {"date-parts": [[2023, 10, 23]]},
        "abstract": "<jats:title>Abstract</jats:title><jats:p>Burrows hold <jats:italic>"
        "state</jats:italic> with <jats:inline-formula><jats:tex-math>O(\\log n)</jats:tex-math>"
        "</jats:inline-formula> cost &amp; more.</jats:p>",
        "page": "100-115",
        "publisher": "Imaginary Press",
    }
    work.update(overrides)
    return json.dumps({"status": "ok", "message-type": "work", "message": work}).encode()


def arxiv_path(arxiv_id: str) -> str:
    return f"/api/query?id_list={arxiv_id}"


def crossref_path(doi: str) -> str:
    return f"/crossref/works/{doi}"
