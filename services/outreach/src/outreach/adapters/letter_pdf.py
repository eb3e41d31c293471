"""A fast PDF writer for letters: the same A4 layout as the fpdf2 path in `letters.to_pdf` (margins,
sizes, line heights, `## ` headings), in about a millisecond instead of 100 to 200 ms.

fpdf2 parses both TrueType files for every document, breaks lines by re-measuring the line for every
character, and subsets the fonts with fontTools for every document (docs/performance.md, issue 23).
Here the fonts are subset once per process to the characters letters use (Latin-1, Latin Extended-A
and some punctuation) and their PDF objects (font program, widths, ToUnicode map) are built once;
a letter then costs its line breaking, one compressed content stream per page and the assembly.
The subset font is about 13 KB compressed per face, so a letter is about as large as fpdf2's.

A text with a character outside the subset returns None; the caller then takes the fpdf2 path.
"""

from __future__ import annotations

import io
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

MM = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = 210.0, 297.0  # A4 in mm
LEFT, TOP, RIGHT = 25.0, 20.0, 25.0  # as letters.to_pdf sets them
BREAK_AT = PAGE_H - 20.0  # fpdf2's automatic page break margin is 2 cm
CELL_MARGIN = 1.0  # fpdf2's cell padding (a tenth of its default 1 cm margin)
TEXT_W = PAGE_W - LEFT - RIGHT - 2 * CELL_MARGIN
HEADING = (12.0, 6.0)  # (points, line height in mm)
BODY = (10.5, 5.2)
BEFORE_HEADING, BLANK_LINE = 2.0, 3.0
# Lines kept per cache: a template has some dozens, each letter adds a few that name its resident.
# At 20,000 they held about 5 MB after 25,000 letters with distinct names; at 2,000 nothing to see.
CACHED_LINES = 2_000

# What letters may contain: Latin-1, Latin Extended-A (Ş, Ł, Ő ...), the euro and typographic punctuation.
CHARACTERS = [*range(0x20, 0x7F), *range(0xA0, 0x180),
              0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026, 0x20AC]
# The wider set, prepared only when a letter needs it (a larger font in each such letter): Latin
# Extended-B and Latin Extended Additional as well (Ș, ț, Nguyễn ...). Beyond that, fpdf2.
WIDE_CHARACTERS = [*CHARACTERS, *range(0x180, 0x250), *range(0x1E00, 0x1F00)]


@dataclass(frozen=True)
class _Face:
    """One font (regular or bold), subset and turned into PDF objects once."""

    hex_of: dict[str, str]  # character -> its glyph id as four hex digits (Identity-H)
    width_of: dict[str, float]  # character -> advance in thousandths of the font size
    objects: list[bytes]  # Type0 font, CIDFont, descriptor, font program, ToUnicode: numbered from `first`
    first: int


def _stream(dictionary: str, data: bytes) -> bytes:
    return (f"<< {dictionary} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")


def _face(path: Path, first: int, tag: str, characters: tuple[int, ...]) -> _Face:
    font = TTFont(path, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []  # no shaping, as fpdf2 without HarfBuzz
    options.hinting = False
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "MATH"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    program = buffer.getvalue()
    font = TTFont(io.BytesIO(program))
    scale = 1000 / font["head"].unitsPerEm
    glyph_order = font.getGlyphOrder()
    advances = [round(font["hmtx"][name][0] * scale) for name in glyph_order]
    hex_of, width_of, to_unicode = {}, {}, []
    for code, name in sorted(font.getBestCmap().items()):
        gid = font.getGlyphID(name)
        hex_of[chr(code)] = f"{gid:04X}"
        width_of[chr(code)] = advances[gid]
        to_unicode.append(f"<{gid:04X}> <{code:04X}>")
    name = f"{tag}+{font['name'].getDebugName(6) or path.stem}"
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    bbox = " ".join(str(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
    cap_height = round(getattr(os2, "sCapHeight", 0) * scale) or round(hhea.ascent * scale)
    cmap = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
            "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(to_unicode), 100):  # at most 100 entries per block
        chunk = to_unicode[start:start + 100]
        cmap += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
    cmap += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    cid, descriptor, program_obj, unicode_obj = first + 1, first + 2, first + 3, first + 4
    objects = [
        (f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H "
         f"/DescendantFonts [{cid} 0 R] /ToUnicode {unicode_obj} 0 R >>").encode(),
        (f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} "
         f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
         f"/FontDescriptor {descriptor} 0 R /CIDToGIDMap /Identity /DW {advances[0]} "
         f"/W [0 [{' '.join(map(str, advances))}]] >>").encode(),
        (f"<< /Type /FontDescriptor /FontName /{name} /Flags 32 /FontBBox [{bbox}] /ItalicAngle 0 "
         f"/Ascent {round(hhea.ascent * scale)} /Descent {round(hhea.descent * scale)} /CapHeight {cap_height} "
         f"/StemV 80 /MissingWidth {advances[0]} /FontFile2 {program_obj} 0 R >>").encode(),
        _stream(f"/Filter /FlateDecode /Length1 {len(program)}", zlib.compress(program, 9)),
        _stream("/Filter /FlateDecode", zlib.compress("\n".join(cmap).encode(), 9)),
    ]
    return _Face(hex_of, width_of, objects, first)


class LetterPdf:
    """Lays out and writes letters with one regular and one bold font, prepared once."""

    FIRST_FONT_OBJECT = 4  # 1 catalog, 2 pages, 3 info; then both faces' five objects; then the pages

    def __init__(self, regular: Path, bold: Path, characters: tuple[int, ...] = tuple(CHARACTERS)) -> None:
        self.regular = _face(regular, self.FIRST_FONT_OBJECT, "VRGAAA", characters)
        self.bold = _face(bold, self.FIRST_FONT_OBJECT + 5, "VRGAAB", characters)
        self._fonts = [*self.regular.objects, *self.bold.objects]
        self._regular_characters = {*self.regular.hex_of, "\n", "\r"}
        self._bold_characters = set(self.bold.hex_of)
        # Most lines are the template's own and recur in every letter: their breaks are kept, and the
        # text operators of each broken line at each height on the page.
        self._wrapped: dict[tuple[str, bool], list[str]] = {}
        self._shown: dict[tuple[str, bool, float], str] = {}

    def _wrap_cached(self, line: str, bold: bool) -> list[str]:
        """The line broken to the text width, each part as the hex string of its glyph ids."""
        key = (line, bold)
        lines = self._wrapped.get(key)
        if lines is None:
            face = self.bold if bold else self.regular
            hex_of = face.hex_of
            lines = ["".join([hex_of[c] for c in part])
                     for part in self._wrap(line, face, HEADING[0] if bold else BODY[0]) or [""]]
            if len(self._wrapped) >= CACHED_LINES:  # bounded: lines that name a resident recur rarely
                self._wrapped.clear()
            self._wrapped[key] = lines
        return lines

    def supports(self, text: str) -> bool:
        return set(text) <= self._regular_characters and all(
            set(line[3:]) <= self._bold_characters for line in text.splitlines() if line.startswith("## "))

    def _wrap(self, line: str, face: _Face, size: float) -> list[str]:
        """fpdf2's multi_cell: break at spaces, a word longer than the line at a character."""
        width_of = face.width_of
        room = TEXT_W * 1000 / size * MM  # the line's width in thousandths of the font size
        space = width_of[" "]
        lines: list[str] = []
        current: list[str] = []
        used = 0.0
        for word in line.split(" "):
            width = sum(width_of[c] for c in word)
            extra = width + (space if current else 0)
            if used + extra <= room:
                current.append(word)
                used += extra
                continue
            if current:
                lines.append(" ".join(current))
            current, used = [], 0.0
            while width > room:  # a word longer than a line
                taken, part = 0.0, 0
                while part < len(word) and taken + width_of[word[part]] <= room:
                    taken += width_of[word[part]]
                    part += 1
                part = max(part, 1)
                lines.append(word[:part])
                word = word[part:]
                width = sum(width_of[c] for c in word)
            current, used = [word], width
        if current:
            lines.append(" ".join(current))
        return lines

    def render(self, text: str, *, title: str) -> bytes | None:
        """The letter as PDF bytes, or None when the text has a character outside the fonts' subset."""
        if not self.supports(text):
            return None
        pages: list[list[str]] = [[]]
        y = TOP
        for line in text.splitlines():
            if line.startswith("## "):
                face, tag, (size, height), line = self.bold, "/F2", HEADING, line[3:]
                y += BEFORE_HEADING
            elif line.strip():
                face, tag, (size, height) = self.regular, "/F1", BODY
            else:
                y += BLANK_LINE
                continue
            bold = face is self.bold
            for glyphs in self._wrap_cached(line, bold):
                if y + height > BREAK_AT:
                    pages.append([])
                    y = TOP
                shown = self._shown.get((glyphs, bold, y))
                if shown is None:
                    baseline = PAGE_H - (y + 0.5 * height + 0.3 * size / MM)
                    shown = (f"BT {tag} {size:.2f} Tf {(LEFT + CELL_MARGIN) * MM:.2f} {baseline * MM:.2f} Td "
                             f"<{glyphs}> Tj ET")
                    if len(self._shown) >= CACHED_LINES:  # bounded, as the line breaks are
                        self._shown.clear()
                    self._shown[(glyphs, bold, y)] = shown
                pages[-1].append(shown)
                y += height
        return self._assemble(pages, title)

    def _assemble(self, pages: list[list[str]], title: str) -> bytes:
        first_page = self.FIRST_FONT_OBJECT + len(self._fonts)
        page_ids = [first_page + 2 * i for i in range(len(pages))]
        title_hex = "FEFF" + title.encode("utf-16-be").hex().upper()
        objects: list[bytes] = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {len(pages)} >>".encode(),
            f"<< /Title <{title_hex}> /Producer (Vroeg) >>".encode(),
            *self._fonts,
        ]
        resources = (f"/Resources << /Font << /F1 {self.regular.first} 0 R /F2 {self.bold.first} 0 R >> >>"
                     f" /MediaBox [0 0 {PAGE_W * MM:.2f} {PAGE_H * MM:.2f}]")
        for page_id, content in zip(page_ids, pages, strict=True):
            objects.append(f"<< /Type /Page /Parent 2 0 R {resources} /Contents {page_id + 1} 0 R >>".encode())
            objects.append(_stream("/Filter /FlateDecode", zlib.compress("\n".join(content).encode(), 1)))
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode()
            out += body
            out += b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
        out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


_lock = threading.Lock()
_writers: dict[tuple[Path, Path, tuple[int, ...]], LetterPdf] = {}


def letter_pdf(regular: Path, bold: Path, characters: tuple[int, ...] = tuple(CHARACTERS)) -> LetterPdf:
    """The process's writer for these fonts, prepared on first use (a few hundred ms) and then kept."""
    key = (regular, bold, characters)
    with _lock:  # letters are laid out in worker threads
        if key not in _writers:
            _writers[key] = LetterPdf(regular, bold, characters)
        return _writers[key]
