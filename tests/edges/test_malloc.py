"""The single malloc arena: asking for it never fails, whatever the C library."""

from __future__ import annotations

import subprocess
import sys


def test_asking_for_one_arena_is_harmless_and_threads_still_allocate() -> None:
    code = (
        "import threading\n"
        "from app.edges.malloc import use_one_arena\n"
        "use_one_arena()\n"
        "use_one_arena()\n"
        "out = []\n"
        "def work(): out.append(bytes(1 << 20))\n"
        "threads = [threading.Thread(target=work) for _ in range(4)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(len(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "4"
