"""Which entries hold a filter word, found from the index's words instead of from every entry.

A filter word holds no whitespace (the query is split on it), so it is inside a haystack exactly
when it is inside one of the haystack's whitespace-separated words, and inside a tag exactly
when it is inside one of the tag's words. An index has far fewer distinct words than it has
entries, so a keystroke tests the vocabulary and joins the entries of the words that hold it:
a frequent word's entries are one integer with a bit per entry (joined by ``|`` in C), a rare
word's a short array of positions. Testing ``word in haystack`` over 50,000 haystacks took
5-7 ms a key; this takes well under one.

Built once per model, off the event loop (with the notes' tags, see ``ui/filtering.py``).
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping
from itertools import chain, compress

from app.core.model import Entry, Index

# A word in at least 1/DENSE_SHARE of the entries keeps a bit mask (N/8 bytes), else an array
# of positions (4 bytes each): the smaller of the two.
DENSE_SHARE = 32
# More rare positions than N/SPARSE_SHARE to set one by one for a word: testing every entry is
# about as fast, so ``holding`` says so (None) and the caller scans.
SPARSE_SHARE = 8

_BITS = [bytes((byte >> bit) & 1 for bit in range(8)) for byte in range(256)]


class WordIndex:
    """The entries of ``index`` by the words of their haystacks and of their notes' ``tags``."""

    __slots__ = ("_dense", "_last", "_size", "_sparse", "_vocabulary", "index", "tags")

    def __init__(self, index: Index, tags: Mapping[str, tuple[str, ...]]) -> None:
        self.index = index
        self.tags = tags
        entries = index.entries
        self._size = size = len(entries)
        # Counted first (in C), so a frequent word's bits are set as they are found: its
        # positions are never listed, and building peaks at the rare words' arrays.
        counts = Counter(chain.from_iterable(_words_of(entry, tags) for entry in entries))
        dense_from = max(1, size // DENSE_SHARE)
        packed = {
            word: bytearray(_bytes_for(size)) for word, n in counts.items() if n >= dense_from
        }
        sparse: dict[str, array[int]] = {}
        for number, entry in enumerate(entries):
            byte, bit = number >> 3, 1 << (number & 7)
            for word in _words_of(entry, tags):
                bits = packed.get(word)
                if bits is not None:
                    bits[byte] |= bit
                elif word in sparse:
                    sparse[word].append(number)
                else:
                    sparse[word] = array("i", (number,))
        self._dense: dict[str, int] = {
            word: int.from_bytes(bits, "little") for word, bits in packed.items()
        }
        self._sparse = sparse
        self._vocabulary: list[str] = list(counts)
        # The last word asked and the vocabulary words holding it: typing on narrows them.
        self._last: tuple[str, list[str]] = ("", self._vocabulary)

    def serves(self, index: Index, tags: Mapping[str, tuple[str, ...]] | None) -> bool:
        """Whether this was built for ``index`` with these tags (by identity: a new read is new)."""
        return index is self.index and (tags or None) is (self.tags or None)

    def holding(self, word: str) -> int | None:
        """A bit per entry (bit ``i``: ``index.entries[i]``) whose haystack or tags hold
        ``word``; None when so many rare words hold it that testing every entry is as fast."""
        last_word, last_words = self._last
        candidates = last_words if last_word and last_word in word else self._vocabulary
        words = [known for known in candidates if word in known]
        self._last = (word, words)
        mask = 0
        rare: list[array[int]] = []
        count, limit = 0, self._size // SPARSE_SHARE
        dense, sparse = self._dense, self._sparse
        for known in words:
            bits = dense.get(known)
            if bits is not None:
                mask |= bits
                continue
            positions = sparse[known]
            count += len(positions)
            if count > limit:
                return None
            rare.append(positions)
        if rare:
            packed = bytearray(mask.to_bytes(_bytes_for(self._size), "little"))
            for positions in rare:
                for number in positions:
                    packed[number >> 3] |= 1 << (number & 7)
            mask = int.from_bytes(packed, "little")
        return mask

    def entries(self, mask: int) -> list[Entry]:
        """The entries whose bits are set in ``mask``, in document order."""
        if not mask:
            return []
        packed = mask.to_bytes(_bytes_for(self._size), "little")
        return list(compress(self.index.entries, b"".join(map(_BITS.__getitem__, packed))))


def word_index_for(
    index: Index, tags: Mapping[str, tuple[str, ...]], previous: WordIndex | None
) -> WordIndex:
    """The words of ``index``: ``previous``'s, when it was built for the same haystacks and
    tags (a mark or a save that changed no title or heading reads a new model of the same
    words: comparing them is a millisecond at 50,000 entries, gathering them again ~300 ms of
    the interpreter that the repaint of the mark waits on)."""
    if previous is not None and _same_words(previous, index, tags):
        carried = object.__new__(WordIndex)
        carried.index, carried.tags = index, tags
        carried._size = previous._size
        carried._dense, carried._sparse = previous._dense, previous._sparse
        carried._vocabulary = previous._vocabulary
        carried._last = ("", previous._vocabulary)
        return carried
    return WordIndex(index, tags)


def _same_words(previous: WordIndex, index: Index, tags: Mapping[str, tuple[str, ...]]) -> bool:
    old, new = previous.index.entries, index.entries
    if len(old) != len(new) or (previous.tags or {}) != (tags or {}):
        return False
    return all(a.haystack == b.haystack for a, b in zip(old, new, strict=True))


def _words_of(entry: Entry, tags: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The distinct words of the entry's haystack and of its note's tags (folded)."""
    entry_tags = tags.get(entry.key) if tags else None
    if not entry_tags:
        return set(entry.haystack.split())
    return set(" ".join((entry.haystack, *(tag.casefold() for tag in entry_tags))).split())


def _bytes_for(size: int) -> int:
    return (size + 7) // 8
