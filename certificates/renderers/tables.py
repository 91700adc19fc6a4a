"""Ruled tables drawn cell by cell on the canvas: members of a household, payment list rows."""

from __future__ import annotations

import unicodedata

from reportlab.pdfbase.pdfmetrics import stringWidth


def nfc(text: str) -> str:
    # Decomposed input would be drawn (and extracted) decomposed; the font has every
    # precomposed Vietnamese letter.
    return unicodedata.normalize("NFC", text or "")


class RuledTables:
    """Needs the renderer's fonts, sizes, margins and `text()` / `line_height()`."""

    def fit(self, text: str, width: float, *, font=None, size=None) -> float:
        """The font size (down to 7 pt) at which `text` fits in `width`: a cell never overflows."""
        font, size = font or self.font, size or self.font_size
        while size > 7 and stringWidth(nfc(text), font, size) > width:
            size -= 0.5
        return size

    def table(self, canvas, y, columns, rows, *, bottom: float | None = None, row_height=None):
        """A ruled table from `y` down; columns are (heading, width, align), a heading may have
        two lines ("Năm sinh\\nNam"); rows are tuples of text.

        Stops above `bottom` and returns (next y, rows left to draw on the next page).
        """
        size = self.small_size
        row_height = row_height or self.line_height(size) + 3
        heading_lines = max(len(heading.split("\n")) for heading, _, _ in columns)
        heading_height = self.line_height(size) * heading_lines + 3
        edges = [self.left]
        for _, width, _ in columns:
            edges.append(edges[-1] + width)
        limit = bottom if bottom is not None else self.margin_bottom

        def cell(x, width, align, baseline, value, font):
            fitted = self.fit(value, width - 6, font=font, size=size)
            if align == "center":
                self.text(canvas, x + width / 2, baseline, value, font=font, size=fitted,
                          align="center")  # fmt: skip
            elif align == "right":
                self.text(canvas, x + width - 3, baseline, value, font=font, size=fitted,
                          align="right")  # fmt: skip
            else:
                self.text(canvas, x + 3, baseline, value, font=font, size=fitted)

        top = y

        def headings() -> None:
            for (heading, width, _), x in zip(columns, edges, strict=False):
                parts = heading.split("\n")
                baseline = top - (heading_height - len(parts) * self.line_height(size)) / 2 - size
                for part in parts:
                    cell(x, width, "center", baseline, part, self.font_bold)
                    baseline -= self.line_height(size)

        self.reuse(canvas, ("table", tuple(columns), top), headings)
        canvas.setLineWidth(0.5)
        lines = [top, top - heading_height]
        current = top - heading_height
        drawn = 0
        for row in rows:
            if current - row_height < limit:
                break
            for (_, width, align), value, x in zip(columns, row, edges, strict=False):
                cell(x, width, align, current - (row_height + size) / 2 + 1.5, value, self.font)
            current -= row_height
            lines.append(current)
            drawn += 1
        for line_y in lines:
            canvas.line(edges[0], line_y, edges[-1], line_y)
        for x in edges:
            canvas.line(x, top, x, current)
        return current - self.line_height() * 0.8, list(rows[drawn:])
