"""HTML to PDF for every document the platform generates (DPIA, FRIA, registration sheet, annual report,
evaluation export…), as tagged PDF/UA-1: the structure tree (headings, lists, tables, reading order),
the language and the title travel with the file, so screen readers can read it (RGAA criterion 13.3,
« documents bureautiques accessibles »). WeasyPrint builds the tags from the HTML's own structure: the
source HTML must carry ``<html lang>`` and a ``<title>``."""

from __future__ import annotations

from weasyprint import HTML

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)  # type: ignore[no-any-return]
