"""What makes index.pdf a PDF/A-2b candidate beyond its embedded fonts: XMP metadata that
repeats the document information, an sRGB output intent, and printable link annotations.

ReportLab writes neither the XMP packet's PDF/A identification nor an output intent, so they
are added to the document's catalog here. The sRGB profile is LittleCMS's (through Pillow,
which ReportLab already needs), with its creation date fixed so the bytes stay reproducible.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from PIL import ImageCms
from reportlab.pdfbase.pdfdoc import (  # type: ignore[import-untyped]
    XMP,
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFStream,
    PDFString,
)

PACKET = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description>
    <rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt>
   </dc:description>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>{creator}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{producer}</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


class UnfilteredXMP(XMP):  # type: ignore[misc]
    """The XMP stream written as plain text, with no Filter key (PDF/A wants it readable)."""

    def format(self, document: Any) -> bytes:
        saved, document.defaultStreamFilters = document.defaultStreamFilters, None
        try:
            formatted: bytes = super().format(document)
        finally:
            document.defaultStreamFilters = saved
        return formatted


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile whose creation date is fixed (bytes 24-35 of the header)."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    date = (2020, 1, 1, 0, 0, 0)
    profile[24:36] = b"".join(n.to_bytes(2, "big") for n in date)
    return bytes(profile)


def mark(canvas: Any, stamp: datetime) -> None:
    """Add the XMP packet and the sRGB output intent to ``canvas``'s document catalog."""
    doc = canvas._doc

    def packet(document: Any) -> bytes:
        info = document.info
        return PACKET.format(
            title=escape(info.title),
            author=escape(info.author),
            subject=escape(info.subject),
            creator=escape(info.creator),
            producer=escape(info.producer),
            keywords=escape(info.keywords),
            date=stamp.isoformat(timespec="seconds"),
        ).encode("utf-8")

    metadata = UnfilteredXMP(creator=packet)
    profile = PDFStream(PDFDictionary({"N": 3}), srgb_profile())
    intent = PDFDictionary(
        {
            "Type": PDFName("OutputIntent"),
            "S": PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": PDFString("sRGB IEC61966-2.1"),
            "Info": PDFString("sRGB IEC61966-2.1"),
            "DestOutputProfile": doc.Reference(profile),
        }
    )
    catalog = doc.Catalog
    catalog.Metadata = metadata
    catalog.OutputIntents = PDFArray([intent])
    # The catalog writes only the keys its class names; let it write the output intents too.
    catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
