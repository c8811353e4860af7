"""Decide what a link in a note may do: show a note, scroll, open a web page, or nothing.

Notes folders are often clones of other people's repositories, so a link is untrusted input. The
rules refuse anything that could reach outside the notes folder or hand an option to a program:
other URL schemes, absolute and home paths, ``..`` escapes (also percent-encoded), symlinks out of
the folder, a leading ``-``, and control characters. Resolution never opens a file; the only
filesystem calls are the ``lstat``/``readlink`` that ``os.path.realpath`` makes.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from app.core.sanitize import has_controls

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:(?:[\\/]|$)")
_WEB_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class WebLink:
    url: str


@dataclass(frozen=True, slots=True)
class NoteLink:
    rel: str  # root-relative POSIX path; a folder ends with "/", the root itself is ""
    anchor: str | None


@dataclass(frozen=True, slots=True)
class AnchorLink:
    anchor: str


@dataclass(frozen=True, slots=True)
class Refused:
    reason: str


LinkTarget = WebLink | NoteLink | AnchorLink | Refused


def safe_path(root: Path, rel: str, *, root_is_real: bool = False) -> Path | None:
    """The real path of ``root/rel`` when it stays inside root, judged after symlinks.

    ``abspath`` + ``startswith`` accepts a symlink to ``/etc/passwd`` and a sibling ``notes_evil``;
    ``realpath`` + ``commonpath`` does not. ``root_is_real``: ``root`` is a real path already
    (a hundred sub-indexes are looked up in one root: resolving it once is enough).
    """
    try:
        real_root = str(root) if root_is_real else os.path.realpath(root)
        real = os.path.realpath(os.path.join(real_root, rel))
        inside = os.path.commonpath([real_root, real]) == real_root
    except (OSError, ValueError):  # a NUL byte, a path too long, mixed drive kinds
        return None
    return Path(real) if inside else None


def existing_safe_path(root: Path, rel: str, *, root_is_real: bool = False) -> Path | None:
    """:func:`safe_path` for reading a file that may not be there: None at once when nothing is
    at ``root/rel`` (one ``lstat`` instead of ``realpath``'s walk of every folder on the way).

    A pass over every note of a big index (tags, reading dates) meets mostly notes not written
    yet: 100,000 of them cost seconds of ``realpath`` and nothing here. A name that is there,
    even a symlink, is judged by :func:`safe_path` as always."""
    if not os.path.lexists(os.path.join(root, rel)):  # False for a NUL byte too
        return None
    return safe_path(root, rel, root_is_real=root_is_real)


def real_folder(root: Path) -> Path | None:
    """``root`` with its symlinks resolved, once for a pass over many notes in it (see the
    ``root_is_real`` of :func:`safe_path`), or None when it cannot be."""
    try:
        return Path(os.path.realpath(root))
    except (OSError, ValueError):
        return None


def web_url_problem(url: str) -> str | None:
    """Why a web URL must not reach a browser, or None when it may.

    A URL beginning with ``-`` becomes a browser option (CVE-2026-4519); whitespace and controls
    split or disguise arguments.
    """
    if url.startswith("-"):
        return "it begins with '-'"
    if has_controls(url):
        return "it contains control characters"
    if any(char.isspace() for char in url):
        return "it contains whitespace"
    scheme = _scheme_of(url)
    if scheme not in _WEB_SCHEMES:
        return "only http and https links are opened"
    try:
        host = urlsplit(url).netloc
    except ValueError:
        return "it is not a valid URL"
    if not host:
        return "it names no host"
    return None


def resolve_link(root: Path, base: str | None, target: str) -> LinkTarget:
    """Resolve a link found in the note ``base`` (root-relative; None for the index itself)."""
    target = _strip_angle_brackets(target.strip(" "))
    if not target:
        return Refused("Empty link")
    if has_controls(target):
        return Refused("Link refused: it contains control characters")
    if target.startswith("#"):
        return _anchor_link(target[1:])
    refusal = _local_refusal(target)
    if refusal is not None:
        return Refused(refusal)
    if _scheme_of(target) is not None:
        problem = web_url_problem(target)
        return WebLink(target) if problem is None else Refused(f"Web link refused: {problem}")
    return _note_link(root, base, target)


def _scheme_of(target: str) -> str | None:
    match = _SCHEME.match(target)
    return match.group(1).lower() if match else None


def _strip_angle_brackets(target: str) -> str:
    if len(target) >= 2 and target.startswith("<") and target.endswith(">"):
        return target[1:-1]
    return target


def _anchor_link(fragment: str) -> LinkTarget:
    anchor = unquote(fragment)
    if has_controls(anchor):
        return Refused("Link refused: it contains control characters")
    return AnchorLink(anchor)


def _local_refusal(target: str) -> str | None:
    """Refusals decided by the link's first characters, before any scheme handling."""
    if target.startswith("-"):
        return "Link refused: it begins with '-'"
    if _WINDOWS_DRIVE.match(target):
        return "Link refused: a Windows absolute path"
    if target.startswith(("//", "\\\\")):
        return "Link refused: a protocol-relative link (//host/...)"
    if target.startswith(("/", "\\")):
        return "Link refused: an absolute path"
    if target.startswith("~"):
        return "Link refused: a path in a home folder"
    scheme = _scheme_of(target)
    if scheme is not None and scheme not in _WEB_SCHEMES:
        return f"Link refused: {scheme}: links are not opened"
    return None


def _note_link(root: Path, base: str | None, target: str) -> LinkTarget:
    raw_path, _, raw_fragment = target.partition("#")
    raw_path = raw_path.partition("?")[0]
    decoded = _decode_path(raw_path)
    if isinstance(decoded, Refused):
        return decoded
    anchor = unquote(raw_fragment) if raw_fragment else None
    if anchor is not None and has_controls(anchor):
        return Refused("Link refused: it contains control characters")
    if not decoded:
        return AnchorLink(anchor or "")
    rel = posixpath.normpath(posixpath.join(_folder_of(base), decoded))
    if rel == ".." or rel.startswith("../"):
        return Refused("Link refused: it leads outside the notes folder")
    real = safe_path(root, rel)
    if real is None:
        return Refused("Link refused: it leads outside the notes folder (through a symlink)")
    rel = "" if rel == "." else rel
    if rel and (decoded.endswith("/") or real.is_dir()):
        rel += "/"
    return NoteLink(rel, anchor)


def _decode_path(raw_path: str) -> str | Refused:
    """Percent-decode each segment, refusing encodings that would change the path's shape."""
    segments: list[str] = []
    for raw in raw_path.split("/"):
        segment = unquote(raw)
        if has_controls(segment):
            return Refused("Link refused: it contains control characters")
        if "/" in segment or "\\" in segment:
            return Refused("Link refused: an encoded path separator")
        if segment in (".", "..") and segment != raw:
            return Refused("Link refused: an encoded '..' or '.'")
        segments.append(segment)
    return "/".join(segments)


def _folder_of(base: str | None) -> str:
    if not base:
        return ""
    return base if base.endswith("/") else posixpath.dirname(base)


# -- a link's role: paper, code or blog -------------------------------------------------------

ROLES = ("paper", "code", "blog")
_PAPER_HOSTS = ("arxiv.org", "openreview.net", "aclanthology.org", "doi.org")
_CODE_HOSTS = ("github.com", "gitlab.com")
_LABEL_ROLES = {
    "paper": "paper",
    "arxiv": "paper",
    "pdf": "paper",
    "code": "code",
    "github": "code",
    "blog": "blog",
    "post": "blog",
}
_WORD = re.compile(r"[a-z]+")


def link_role(url: str, label: str = "") -> str:
    """``paper``, ``code`` or ``blog``: the one rule for what a link is.

    The label as the index writes it decides when it names a role (``paper``, ``arXiv``,
    ``pdf``; ``code``, ``github``; ``blog``, ``post``); else the host (arXiv, OpenReview, ACL
    Anthology, DOIs and PDFs are papers; GitHub and GitLab code); anything else is a blog.
    ``add`` labels new links by it, and ``p``, ``c`` and ``b`` open by it.
    """
    for word in _WORD.findall(label.casefold()):
        role = _LABEL_ROLES.get(word)
        if role is not None:
            return role
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "blog"
    if _on_host(host, _PAPER_HOSTS) or parts.path.lower().endswith(".pdf"):
        return "paper"
    if _on_host(host, _CODE_HOSTS):
        return "code"
    return "blog"


def _on_host(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == name or host.endswith("." + name) for name in hosts)
