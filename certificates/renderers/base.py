"""The layout of a Vietnamese administrative document (Decree 30/2020/NĐ-CP, Annex I) on a canvas.

Subclasses set page size, margins and fonts as class attributes and draw one document per call
of `draw()`; `render()` turns a sequence of documents into one PDF and returns its bytes. Nothing
here reads the database: renderers receive `certificates.documents` objects.

Drawn straight on the canvas (no platypus): a certificate is a fixed layout, and platypus' flow
machinery would cost more than the whole page.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates import fonts
from certificates.documents import Issuer
from certificates.qr import inline_image_operators, qr_image
from certificates.renderers.tables import RuledTables, nfc
from certificates.wording import document_date

Progress = Callable[[int, int, str], None]
T = TypeVar("T")

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SUB_MOTTO = "Độc lập - Tự do - Hạnh phúc"


class AdministrativeRenderer(RuledTables):
    """Header (issuing body, national motto, number, place and date), title, body, signature."""

    pagesize = A4
    # Decree 30/2020 Annex I §I.2: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
    margin_top = 20 * mm
    margin_bottom = 20 * mm
    margin_left = 30 * mm
    margin_right = 15 * mm
    font = fonts.REGULAR
    font_bold = fonts.BOLD
    font_italic = fonts.ITALIC
    font_bold_italic = fonts.BOLD_ITALIC
    # Body text 13–14 pt; the issuing body and the motto 12–13 pt; "Nơi nhận" 11–12 pt.
    font_size = 13
    header_size = 12.5
    small_size = 11
    leading = 1.35  # × font size
    header_column = 75 * mm  # width of the issuing body's column, left of the motto
    qr_size = 32 * mm
    qr_caption = "Quét mã QR để kiểm tra giấy này còn hiệu lực"
    pdf_title = ""

    # --- the whole file -------------------------------------------------------------------

    def render(
        self,
        documents: Iterable,
        *,
        total: int | None = None,
        progress: Progress | None = None,
        progress_every: int = 50,
    ) -> bytes:
        """One PDF holding every document (one or more pages each), as bytes.

        `progress(done, total, "")` is called every `progress_every` documents and at the end.
        """
        fonts.register()
        buffer = io.BytesIO()
        canvas = Canvas(
            buffer,
            pagesize=self.pagesize,
            initialFontName=self.font,
            initialFontSize=self.font_size,
            pageCompression=1,
            invariant=1,
            lang="vi",
        )
        canvas.setTitle(self.pdf_title)
        canvas.setCreator("Sổ đăng ký đối tượng an sinh xã hội")
        total = len(documents) if total is None else total
        done = 0
        for done, document in enumerate(documents, start=1):
            self.draw(canvas, document)
            if progress is not None and done % progress_every == 0 and done != total:
                progress(done, total, "")
        if progress is not None:
            progress(done, total, "")
        canvas.save()
        return buffer.getvalue()

    def draw(self, canvas: Canvas, document) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- geometry -------------------------------------------------------------------------

    @property
    def width(self) -> float:
        return self.pagesize[0]

    @property
    def height(self) -> float:
        return self.pagesize[1]

    @property
    def left(self) -> float:
        return self.margin_left

    @property
    def right(self) -> float:
        return self.width - self.margin_right

    @property
    def top(self) -> float:
        return self.height - self.margin_top

    def line_height(self, size: float | None = None) -> float:
        return (size or self.font_size) * self.leading

    def reuse(self, canvas, key: tuple, draw: Callable[[], T]) -> T:
        """Draw a block once per PDF as a form XObject, and place that form wherever the same
        block recurs at the same place.

        A batch repeats the motto, the legal basis and the signature block on every page:
        drawing them once and referencing them is most of what keeps a page cheap. `draw`
        returns what the caller needs next (the y below the block), kept with the form.
        """
        forms = canvas.__dict__.setdefault("_reused_forms", {})
        key = (type(self).__name__, *key)
        if key not in forms:
            name = f"Block{len(forms)}"
            canvas.beginForm(name)
            result = draw()
            canvas.endForm()
            forms[key] = (name, result)
        name, result = forms[key]
        canvas.doForm(name)
        return result

    # --- text -----------------------------------------------------------------------------

    def text(self, canvas, x, y, text, *, font=None, size=None, align="left") -> None:
        canvas.setFont(font or self.font, size or self.font_size)
        text = nfc(text)
        if align == "center":
            canvas.drawCentredString(x, y, text)
        elif align == "right":
            canvas.drawRightString(x, y, text)
        else:
            canvas.drawString(x, y, text)

    def wrap(self, text: str, width: float, *, font=None, size=None) -> list[str]:
        return simpleSplit(nfc(text), font or self.font, size or self.font_size, width)

    def paragraph(self, canvas, y, text, *, font=None, size=None, indent=0.0, first=0.0) -> float:
        """Draw wrapped text from `y` down; `first` indents the first line. Returns the next y."""
        font, size = font or self.font, size or self.font_size
        width = self.right - self.left - indent
        lines = self.wrap(text, width - first, font=font, size=size)
        if len(lines) > 1:  # lines after the first may use the full width
            rest = self.wrap(" ".join(lines[1:]), width, font=font, size=size)
            lines = lines[:1] + rest
        for index, line in enumerate(lines):
            x = self.left + indent + (first if index == 0 else 0)
            self.text(canvas, x, y, line, font=font, size=size)
            y -= self.line_height(size)
        return y

    def wrap_parts(self, text: str, width: float, *, font=None, size=None) -> list[str]:
        """Wrap at ", " first, so an address keeps "tỉnh Quảng Trị" on one line."""
        font, size = font or self.font, size or self.font_size
        lines: list[str] = []
        for part in nfc(text).split(", "):
            candidate = f"{lines[-1]}, {part}" if lines else part
            if lines and stringWidth(candidate, font, size) <= width:
                lines[-1] = candidate
            elif stringWidth(part, font, size) <= width:
                if lines:
                    lines[-1] += ","
                lines.append(part)
            else:
                if lines:
                    lines[-1] += ","
                lines.extend(self.wrap(part, width, font=font, size=size))
        return lines

    def field(self, canvas, y, label: str, value: str, *, indent=0.0, parts=False) -> float:
        """ "Label: value" with the value in bold, wrapped under itself if long (at commas
        first when `parts`)."""
        x = self.left + indent
        label = nfc(label) + " "
        self.text(canvas, x, y, label)
        x_value = x + stringWidth(label, self.font, self.font_size)
        wrap = self.wrap_parts if parts else self.wrap
        lines = wrap(value, self.right - x_value, font=self.font_bold)
        for line in lines or [""]:
            self.text(canvas, x_value, y, line, font=self.font_bold)
            y -= self.line_height()
        return y

    # --- the blocks of Decree 30 ----------------------------------------------------------

    def header(self, canvas, issuer: Issuer, number: str, issued_on) -> float:
        """Issuing body (left) and national motto (right), number and place-date below."""
        size = self.header_size
        left_mid = self.left + self.header_column / 2 - 10 * mm
        right_mid = (self.left + self.header_column - 10 * mm + self.right) / 2
        y = self.reuse(
            canvas,
            ("header", issuer.committee, issuer.unit),
            lambda: self._header_blocks(canvas, issuer, left_mid, right_mid),
        )
        if number:
            self.text(canvas, left_mid, y, f"Số: {number}", size=size, align="center")
        self.text(canvas, right_mid, y, document_date(issuer.place, issued_on),
                  font=self.font_italic, size=size, align="center")  # fmt: skip
        return y - self.line_height() * 2

    def _header_blocks(self, canvas, issuer: Issuer, left_mid: float, right_mid: float) -> float:
        size = self.header_size
        y = self.top - size
        self.text(canvas, left_mid, y, issuer.committee.upper(), font=self.font_bold, size=size,
                  align="center")  # fmt: skip
        self.text(canvas, right_mid, y, MOTTO, font=self.font_bold, size=size, align="center")
        y -= self.line_height(size)
        self.text(canvas, left_mid, y, issuer.unit.upper(), font=self.font_bold, size=size,
                  align="center")  # fmt: skip
        self.text(canvas, right_mid, y, SUB_MOTTO, font=self.font_bold, size=size + 0.5,
                  align="center")  # fmt: skip
        # The rules under the issuing body (a third of its width) and under the motto (as wide
        # as "Độc lập - Tự do - Hạnh phúc").
        rule_y = y - 6
        canvas.setLineWidth(0.6)
        canvas.line(left_mid - 12 * mm, rule_y, left_mid + 12 * mm, rule_y)
        half = stringWidth(SUB_MOTTO, self.font_bold, size + 0.5) / 2
        canvas.line(right_mid - half, rule_y, right_mid + half, rule_y)
        return y - self.line_height(size) * 1.6

    def title(self, canvas, y, lines: Sequence[str], *, size: float | None = None) -> float:
        size = size or self.font_size + 1
        return self.reuse(canvas, ("title", tuple(lines), y, size),
                          lambda: self._title(canvas, y, lines, size))  # fmt: skip

    def _title(self, canvas, y, lines: Sequence[str], size: float) -> float:
        middle = (self.left + self.right) / 2
        for line in lines:
            self.text(canvas, middle, y, line, font=self.font_bold, size=size, align="center")
            y -= self.line_height(size)
        return y - self.line_height() * 0.5

    def fixed_paragraph(self, canvas, y, text: str, **options) -> float:
        """`paragraph()` for text that recurs page after page (legal basis): drawn once."""
        key = ("paragraph", text, y, tuple(sorted(options.items())))
        return self.reuse(canvas, key, lambda: self.paragraph(canvas, y, text, **options))

    def centred_line(self, canvas, y, text: str, *, font=None) -> float:
        """A recurring bold line across the page ("… CHỨNG NHẬN:"), drawn once."""

        def draw() -> float:
            middle = (self.left + self.right) / 2
            self.text(canvas, middle, y, text, font=font or self.font_bold, align="center")
            return y - self.line_height() * 1.4

        return self.reuse(canvas, ("centred", text, y), draw)

    def signature(self, canvas, y, issuer: Issuer) -> float:
        """ "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", room for signature and seal, then the name."""
        middle = self.right - 38 * mm
        self.text(canvas, middle, y, issuer.on_behalf, font=self.font_bold, align="center")
        y -= self.line_height()
        self.text(canvas, middle, y, issuer.signatory_title.upper(), font=self.font_bold,
                  align="center")  # fmt: skip
        y -= self.line_height()
        self.text(canvas, middle, y, "(Ký, ghi rõ họ tên và đóng dấu)", font=self.font_italic,
                  size=self.small_size, align="center")  # fmt: skip
        y -= 24 * mm
        if issuer.signatory_name:
            self.text(canvas, middle, y, issuer.signatory_name, font=self.font_bold,
                      align="center")  # fmt: skip
        return y

    def recipients(self, canvas, y, lines: Sequence[str]) -> float:
        """ "Nơi nhận:" in the bottom-left corner, level with the signature block."""
        self.text(canvas, self.left, y, "Nơi nhận:", font=self.font_bold_italic,
                  size=self.small_size + 1)  # fmt: skip
        y -= self.line_height(self.small_size)
        for line in lines:
            self.text(canvas, self.left, y, f"- {line}", size=self.small_size)
            y -= self.line_height(self.small_size)
        return y

    def draw_qr_caption(self, canvas, y) -> float:
        """The caption beside the QR code whose top is at `y`; returns the y for the number."""
        size = self.small_size - 1.5
        caption_x = self.left + self.qr_size + 3 * mm
        line_y = y - size
        for line in self.wrap(self.qr_caption, 46 * mm, size=size):
            self.text(canvas, caption_x, line_y, line, size=size)
            line_y -= self.line_height(size)
        return line_y

    def qr(self, canvas, y, url: str, *, number: str = "", number_y: float | None = None) -> None:
        """The verification QR code on the left from `y` down, its number beside it."""
        canvas.addLiteral(
            inline_image_operators(qr_image(url), self.left, y - self.qr_size, self.qr_size)
        )
        if number and number_y is not None:
            caption_x = self.left + self.qr_size + 3 * mm
            self.text(canvas, caption_x, number_y, f"Số: {number}", size=self.small_size - 1.5)

    def foot(self, canvas, y, issuer: Issuer, recipients, verify_url, number) -> None:
        """ "Nơi nhận" and the QR code on the left, level with the signature on the right."""

        def draw() -> tuple[float, float | None]:
            left_y = self.recipients(canvas, y, recipients)
            self.signature(canvas, y, issuer)
            number_y = self.draw_qr_caption(canvas, left_y) if verify_url else None
            return left_y, number_y

        key = ("foot", issuer, tuple(recipients), y, bool(verify_url))
        left_y, number_y = self.reuse(canvas, key, draw)
        if verify_url:
            self.qr(canvas, left_y, verify_url, number=number, number_y=number_y)

    # The height `foot()` needs: the signature block, or "Nơi nhận" above the QR code.
    foot_height = 52 * mm
