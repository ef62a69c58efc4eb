"""index.pdf: the sections laid out on A4, with a linked table of contents and page numbers.

Every character is set in Noto Sans CJK SC (digests in its mono face), embedded as a subset
(``fonts.py``), so any reader shows the file with no font installed. The PDF is reproducible:
reportlab's invariant mode, and title, author, dates and document id taken from the bundle,
never from the clock.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents  # type: ignore[import-untyped]

from registry.casefile import fonts, pdfa
from registry.casefile.document import Block, Fields, Grid, Para, Section
from registry.domain.clock import SHANGHAI

TITLE = "校外培训预付费退费案件卷宗"
SUBTITLE = "Court case file of a prepaid training-fee refund dispute"
HEADER_LEFT = "退费案件卷宗 Refund case file  {case_id}"
HEADER_RIGHT = "截至日志位置 as of position {position}"
FOOTER = "第 {number} 页 / 共 {total} 页    Page {number} of {total}"
CONTENTS = "目录 Contents"
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
INK = colors.HexColor("#1F2A44")
RULE = colors.HexColor("#9AA3B5")
SHADE = colors.HexColor("#E9EDF4")


def _styles(font: str, mono: str) -> dict[str, ParagraphStyle]:
    def _style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("leading", size * 1.45)
        return ParagraphStyle(name, fontName=font, fontSize=size, wordWrap="CJK", **kw)

    return {
        "title": _style("title", 18, alignment=TA_CENTER, textColor=INK, spaceAfter=4),
        "subtitle": _style("subtitle", 10, alignment=TA_CENTER, textColor=RULE, spaceAfter=12),
        "h1": _style("h1", 13, textColor=INK, spaceBefore=12, spaceAfter=6, keepWithNext=1),
        "subhead": _style(
            "subhead", 10, textColor=INK, spaceBefore=7, spaceAfter=3, keepWithNext=1
        ),
        "body": _style("body", 9, spaceAfter=3),
        "note": _style("note", 7.5, textColor=colors.HexColor("#555555"), spaceAfter=3),
        "cell": _style("cell", 7.8),
        "num": _style("num", 7.8, alignment=TA_RIGHT),
        "mono": ParagraphStyle("mono", fontName=mono, fontSize=6.6, leading=9.5),
        "head": _style("head", 7.8, textColor=INK),
        "label": _style("label", 8.2, textColor=INK),
        "value": _style("value", 8.6),
        "toc": _style("toc", 10.5, leftIndent=6, leading=20),
    }


class Heading(Paragraph):  # type: ignore[misc]
    """A section heading: a bookmark, an outline entry and a line of the table of contents."""

    def __init__(self, text: str, key: str, style: ParagraphStyle, listed: bool = True) -> None:
        super().__init__(escape(text), style)
        self.toc_text = text
        self.key = key
        self.listed = listed


class CaseFileDoc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, out: io.BytesIO, bundle: dict[str, Any], font: str, **kw: Any) -> None:
        super().__init__(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 6 * mm,
            bottomMargin=MARGIN + 4 * mm,
            invariant=1,
            pageCompression=1,
            **kw,
        )
        self.bundle = bundle
        self.font = font
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._header)])

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.key, level=0, closed=False)
            if flowable.listed:
                self.notify("TOCEntry", (0, flowable.toc_text, self.page, flowable.key))

    def _header(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        top = A4[1] - MARGIN
        canv.saveState()
        canv.setFont(self.font, 7.5)
        canv.setFillColor(RULE)
        canv.drawString(MARGIN, top, HEADER_LEFT.format(case_id=self.bundle["case"]["id"]))
        canv.drawRightString(
            A4[0] - MARGIN, top, HEADER_RIGHT.format(position=self.bundle["position"])
        )
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.4)
        canv.line(MARGIN, top - 3, A4[0] - MARGIN, top - 3)
        canv.restoreState()


def _canvas_class(stamp: datetime, font: str) -> type[Canvas]:
    """A canvas that numbers pages "第 N 页 / 共 M 页" and dates the PDF at ``stamp``."""
    pdf_date = stamp.astimezone(SHANGHAI).strftime("D:%Y%m%d%H%M%S+08'00'")

    class NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # The embedded face from the first operator on, so no standard font is referenced.
            kwargs["initialFontName"] = font
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.setDateFormatter(lambda *_: pdf_date)
            # Invariant mode seeds the document id from SOURCE_DATE_EPOCH when it is set; seed
            # it from the export time instead, so the bytes never depend on the environment.
            self._doc.signature = hashlib.md5(pdf_date.encode(), usedforsecurity=False)
            pdfa.mark(self, stamp.astimezone(SHANGHAI))

        def linkRect(self, *args: Any, **kwargs: Any) -> None:  # noqa: N802 (ReportLab's name)
            kwargs.setdefault("F", 4)  # PDF/A: a link annotation is printable
            super().linkRect(*args, **kwargs)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(font, 8)
                self.setFillColor(INK)
                self.drawCentredString(A4[0] / 2, MARGIN, FOOTER.format(number=number, total=total))
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _cells(row: Sequence[str], grid: Grid, st: dict[str, ParagraphStyle]) -> list[Paragraph]:
    def style(i: int) -> ParagraphStyle:
        return st["mono"] if i in grid.mono else st["num"] if i in grid.numeric else st["cell"]

    return [Paragraph(_markup(v), style(i)) for i, v in enumerate(row)]


def _markup(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def _two_lines(header: str) -> str:
    """A bilingual column header: the Chinese name above the English one."""
    chinese, _, english = header.partition(" ")
    return f"{escape(chinese)}<br/>{escape(english)}" if english else escape(header)


def _table(data: list[list[Paragraph]], widths: list[float], header: bool, font: str) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), font),  # else the cells name Helvetica, never embedded
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ]
    commands.append(("BACKGROUND", (0, 0), (-1, 0) if header else (0, -1), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def _flowables(block: Block, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    if isinstance(block, Para):
        return [Paragraph(escape(block.text), st[block.style])]
    if isinstance(block, Fields):
        data = [
            [Paragraph(escape(k), st["label"]), Paragraph(_markup(v), st["value"])]
            for k, v in block.rows
        ]
        return [
            _table(data, [WIDTH * 0.34, WIDTH * 0.66], False, st["body"].fontName),
            Spacer(1, 4),
        ]
    if not block.rows:
        return [Paragraph(escape(block.empty), st["note"])]
    head = [Paragraph(_two_lines(h), st["head"]) for h in block.header]
    data = [head, *(_cells(r, block, st) for r in block.rows)]
    return [
        _table(data, [WIDTH * w for w in block.widths], True, st["body"].fontName),
        Spacer(1, 4),
    ]


def _texts(bundle: dict[str, Any], cover: list[Block], sections: list[Section]) -> list[str]:
    """Every text the PDF may show, for the font cut."""
    texts = [
        TITLE,
        SUBTITLE,
        HEADER_LEFT,
        HEADER_RIGHT,
        FOOTER,
        CONTENTS,
        str(bundle["case"]["id"]),
    ]
    blocks = list(cover)
    for section in sections:
        texts.append(section.heading)
        blocks += section.blocks
    for block in blocks:
        if isinstance(block, Para):
            texts.append(block.text)
        elif isinstance(block, Fields):
            texts += [text for row in block.rows for text in row]
        else:
            texts += [*block.header, block.empty]
            texts += [text for row in block.rows for text in row]
    return texts


def render_pdf(
    bundle: dict[str, Any],
    cover: list[Block],
    sections: list[Section],
    font_file: str = fonts.DEFAULT_FONT_FILE,
) -> bytes:
    """The index PDF: cover facts and contents on page 1, then each section."""
    font, mono = fonts.register(font_file, _texts(bundle, cover, sections))
    st = _styles(font, mono)
    case = bundle["case"]
    exported_at = datetime.fromisoformat(bundle["exported_at"])
    out = io.BytesIO()
    doc = CaseFileDoc(
        out,
        bundle,
        font,
        title=f"退费案件卷宗 {case['id']}",
        author="校外培训机构监管登记系统 training-registry",
        subject=f"Refund case file at log position {bundle['position']}",
        creator="registry.casefile",
        producer="registry.casefile (ReportLab)",
        lang="zh-CN",
    )
    toc = TableOfContents(
        dotsMinLevel=0,
        levelStyles=[st["toc"]],
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    story: list[Flowable] = [
        Paragraph(TITLE, st["title"]),
        Paragraph(SUBTITLE, st["subtitle"]),
    ]
    for block in cover:
        story += _flowables(block, st)
    story += [Heading(CONTENTS, "contents", st["h1"], listed=False), toc, PageBreak()]
    for section in sections:
        story += [CondPageBreak(45 * mm), Heading(section.heading, f"s{section.number}", st["h1"])]
        for block in section.blocks:
            story += _flowables(block, st)
    doc.multiBuild(story, canvasmaker=_canvas_class(exported_at, font))
    return out.getvalue()
