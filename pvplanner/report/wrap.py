"""Line breaking for mixed Chinese and Latin text.

Chinese may break between any two characters, Latin text only at spaces; a line must not
start with closing punctuation (，。、）…) nor end with an opening one (（《“), the basic
rules of Chinese typesetting (GB/T 15834, W3C "Requirements for Chinese Text Layout"). The
width of a piece of text comes from a ``measure`` function, so the PDF (exact font metrics)
and the SVG roof sketch (an estimate) share the rules.
"""

from __future__ import annotations

from collections.abc import Callable

#: Characters that must not start a line.
NO_LINE_START = frozenset("，。、；：！？）》」』】〕”’％%,.;:!?)]}·…—～")
#: Characters that must not end a line.
NO_LINE_END = frozenset("（《「『【〔“‘([{")


def is_wide(char: str) -> bool:
    """True for CJK ideographs, kana, hangul and full-width forms (breakable anywhere)."""
    return ord(char) >= 0x2E80


def tokens(text: str) -> list[str]:
    """Unbreakable pieces: Latin words with their trailing spaces, single wide characters."""
    out: list[str] = []
    word = ""
    for char in text:
        if is_wide(char):
            if word:
                out.append(word)
                word = ""
            out.append(char)
        elif char == " ":
            word += char
            out.append(word)
            word = ""
        else:
            word += char
    if word:
        out.append(word)
    return out


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (explicit newlines are kept).

    Parameters
    ----------
    text : str
        Text, possibly with ``\\n``.
    width : float
        Available width, in the units of ``measure``.
    measure : callable
        Width of a string.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for token in tokens(paragraph):
            if not line or measure("".join([*line, token]).rstrip()) <= width:
                line.append(token)
                continue
            carry: list[str] = []
            # Keep closing punctuation with the piece before it, opening with the next one.
            if token[0] in NO_LINE_START and len(line) > 1:
                carry.insert(0, line.pop())
            while len(line) > 1 and line[-1].rstrip()[-1:] in NO_LINE_END:
                carry.insert(0, line.pop())
            lines.append("".join(line).rstrip())
            rest = _split_long("".join([*carry, token]).lstrip(), width, measure, lines)
            line = [rest]
        lines.append("".join(line).rstrip())
    return lines


def _split_long(line: str, width: float, measure: Callable[[str], float],
                lines: list[str]) -> str:
    """Cut a piece wider than the line (a long word or number) at character boundaries."""
    while len(line) > 1 and measure(line.rstrip()) > width:
        cut = len(line) - 1
        while cut > 1 and measure(line[:cut]) > width:
            cut -= 1
        lines.append(line[:cut])
        line = line[cut:]
    return line
