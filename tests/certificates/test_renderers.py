"""The PDFs as a reader sees them: Vietnamese text exactly as given, embedded fonts, a QR code that
decodes from a rendered page and verifies, the Decree 30 blocks, and no database involved."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest

from certificates import signing, tokens
from certificates.documents import PaymentList, PaymentListRow
from certificates.renderers import (
    BeneficiaryStatusRenderer,
    CertificateBatchRenderer,
    HouseholdPovertyRenderer,
    PaymentListRenderer,
)
from tests.certificates.documents import ISSUER, beneficiary_certificate, household_certificate
from tests.certificates.pdf import page_count, pdf_fonts, pdf_text, qr_codes

SIGNER = signing.signer_from_seed(signing.generate_seed())


def signed_url() -> tuple[str, str]:
    claims = tokens.CertificateClaims(
        issuer="registry.example.org",
        kind="household_poverty",
        number="07/GCN-HN.HCN",
        commune_code="18859",
        subject_ss_code="44000000012345",
        issued_at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
        expires_at=datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
        status_index=41,
        status_uri="https://registry.example.org/api/v1/verify/status-list/",
    )
    token = tokens.certificate_token(claims, SIGNER)
    return f"https://registry.example.org/verify/{token}", token


@pytest.mark.parametrize(
    "renderer, document",
    [
        (HouseholdPovertyRenderer, household_certificate()),
        (BeneficiaryStatusRenderer, beneficiary_certificate()),
    ],
    ids=["household_poverty", "beneficiary_status"],
)
def test_text_comes_back_exactly_with_the_decree_30_blocks(renderer, document):
    # No django_db mark: pytest-django fails any database access, so render() reads none.
    pdf = renderer().render([document])
    text = pdf_text(pdf)
    assert "Nguyễn Thị Hồng Nhung" in text
    assert "Quảng Trị" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN" in text and "PHƯỜNG ĐỒNG THUẬN" in text
    assert f"Số: {document.number}" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text and "Lê Văn Thành" in text
    # Decree 30: a day below 10 and a month below 3 take a leading zero, March does not.
    expected_date = {
        "07/GCN-HN.HCN": "Đồng Thuận, ngày 05 tháng 3 năm 2026",
        "03/GXN-UBND": "Đồng Thuận, ngày 09 tháng 01 năm 2026",
    }[document.number]
    assert expected_date in text


def test_household_certificate_shows_the_head_and_the_members_table():
    pdf = HouseholdPovertyRenderer().render([household_certificate(members=4)])
    text = pdf_text(pdf)
    assert "GIẤY CHỨNG NHẬN" in text and "HỘ NGHÈO NĂM 2026" in text
    assert "Vân Kiều" in text and "045175001122" in text
    # A long address wraps after a comma, never inside "tỉnh Quảng Trị".
    assert "tỉnh Quảng Trị" in text
    assert "Số 5 Lê Lợi, Thôn Đông, Phường Đồng Thuận, tỉnh Quảng Trị" in " ".join(text.split())
    for name in ("Hồ Văn Ánh 1", "Hồ Văn Ánh 2", "Hồ Văn Ánh 3"):
        assert name in text
    assert "(4 người)" in text
    assert "31/12/2026" in text


def test_near_poor_household_is_titled_so():
    text = pdf_text(HouseholdPovertyRenderer().render([household_certificate(near_poor=True)]))
    assert "HỘ CẬN NGHÈO NĂM 2026" in text
    assert "HỘ NGHÈO NĂM" not in text


def test_a_large_household_continues_on_a_second_page_with_every_member():
    pdf = HouseholdPovertyRenderer().render([household_certificate(members=30)])
    assert page_count(pdf) == 2
    text = pdf_text(pdf)
    for index in range(1, 30):
        assert f"Hồ Văn Ánh {index}\n" in text or f"Hồ Văn Ánh {index} " in text
    assert "(tiếp theo)" in text and "Lê Văn Thành" in text


def test_beneficiary_certificate_shows_amount_in_figures_and_words_and_since_when():
    text = pdf_text(BeneficiaryStatusRenderer().render([beneficiary_certificate()]))
    assert "750.000 đồng/tháng" in text
    assert "Bảy trăm năm mươi nghìn đồng" in text
    assert "01/2025" in text
    assert "045*******22" in text
    assert "Quyết định số 15/QĐ-UBND ngày 10/02/2025" in text


def test_decomposed_input_is_printed_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert decomposed != "Nguyễn Thị Hồng Nhung"
    pdf = BeneficiaryStatusRenderer().render([beneficiary_certificate(full_name=decomposed)])
    assert "Nguyễn Thị Hồng Nhung" in pdf_text(pdf)


@pytest.mark.parametrize("with_qr", [False, True], ids=["no_qr", "qr"])
def test_every_font_is_embedded_and_no_standard_font_is_referenced(with_qr):
    url = signed_url()[0] if with_qr else None
    for pdf in (
        HouseholdPovertyRenderer().render([household_certificate(verify_url=url)]),
        BeneficiaryStatusRenderer().render([beneficiary_certificate(verify_url=url)]),
    ):
        fonts = pdf_fonts(pdf)
        assert fonts, "no font found at all"
        assert all(fonts.values()), fonts
        assert not any("Helvetica" in name or "Times" in name for name in fonts), fonts
        assert b"/Helvetica" not in pdf and b"/Times-Roman" not in pdf


@pytest.mark.parametrize("scale", [2, 3], ids=["144dpi", "216dpi"])
def test_the_qr_code_decodes_from_a_rendered_page_and_its_token_verifies(scale):
    url, token = signed_url()
    pdf = HouseholdPovertyRenderer().render([household_certificate(verify_url=url)])
    assert qr_codes(pdf, scale=scale) == [url]
    decoded = url.rsplit("/verify/", 1)[1]
    kid, claims = tokens.certificate_token_read(decoded, {SIGNER.kid: SIGNER.cose_key})
    assert kid == SIGNER.kid
    assert claims.number == "07/GCN-HN.HCN" and claims.subject_ss_code == "44000000012345"


def test_without_a_verify_url_there_is_no_qr_code():
    pdf = HouseholdPovertyRenderer().render([household_certificate(verify_url=None)])
    assert qr_codes(pdf) == []
    assert "Quét mã QR" not in pdf_text(pdf)


def test_batch_renderer_puts_each_kind_in_one_file_and_reports_progress():
    url = signed_url()[0]
    documents = [household_certificate(verify_url=url), beneficiary_certificate(verify_url=url)] * 3
    seen = []
    pdf = CertificateBatchRenderer().render(
        iter(documents), total=6, progress=lambda *args: seen.append(args), progress_every=4
    )
    assert page_count(pdf) == 6
    assert [(done, total) for done, total, _ in seen] == [(4, 6), (6, 6)]
    assert qr_codes(pdf, page=5) == [url]
    text = pdf_text(pdf)
    assert text.count("GIẤY CHỨNG NHẬN") == 3 and text.count("GIẤY XÁC NHẬN") == 3


def payment_list(rows: int) -> PaymentList:
    return PaymentList(
        issuer=ISSUER,
        title="DANH SÁCH CHI TRẢ TRỢ CẤP XÃ HỘI THÁNG 12/2026",
        subtitle="Tiền mặt tại điểm chi trả thôn Đông",
        issued_on=date(2026, 12, 1),
        rows=tuple(
            PaymentListRow(
                f"Nguyễn Thị Hồng Nhung {index}", "44000000012345", Decimal(500000 + 5000 * index)
            )
            for index in range(rows)
        ),
    )


def test_payment_list_has_a_signature_column_totals_and_the_total_in_words():
    pdf = PaymentListRenderer().render([payment_list(3)])
    text = pdf_text(pdf)
    assert "Ký nhận" in text and "Mã an sinh" in text
    assert "Nguyễn Thị Hồng Nhung 2" in text and "510.000" in text
    # 500,000 + 505,000 + 510,000
    assert "3 người, 1.515.000 đồng" in text
    assert "Một triệu năm trăm mười lăm nghìn đồng" in text
    assert "NGƯỜI LẬP BIỂU" in text and "KẾ TOÁN" in text and "Lê Văn Thành" in text
    assert all(pdf_fonts(pdf).values())


def test_a_long_payment_list_carries_page_totals_and_keeps_rows_beside_the_signatures():
    pdf = PaymentListRenderer().render([payment_list(40)])
    pages = page_count(pdf)
    assert pages >= 3
    text = pdf_text(pdf)
    assert f"Trang {pages}/{pages}" in text
    assert text.count("Cộng trang") == pages
    total = sum(500000 + 5000 * index for index in range(40))
    assert "40 người, " + f"{total:,}".replace(",", ".") + " đồng" in text
    # The last page holds list rows, not only the signatures.
    last = pypdf.PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    assert "Nguyễn Thị Hồng Nhung 39" in last and "NGƯỜI LẬP BIỂU" in last
