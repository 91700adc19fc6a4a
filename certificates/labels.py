"""The words printed on certificates. Documents are Vietnamese whatever the reader's UI language,
so these are plain strings, not translations.
"""

from __future__ import annotations

DECREE_20 = "Nghị định số 20/2021/NĐ-CP"
ORDINANCE_02 = "Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14"
DECREE_176 = "Nghị định số 176/2025/NĐ-CP"

PROGRAMMES = {
    "social_assistance": "Trợ cấp xã hội hằng tháng",
    "meritorious": "Trợ cấp ưu đãi người có công với cách mạng",
    "social_pension": "Trợ cấp hưu trí xã hội",
}

PROGRAMME_BASIS = {
    "social_assistance": f"Căn cứ {DECREE_20} ngày 15 tháng 3 năm 2021 của Chính phủ quy định "
    "chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội;",
    "meritorious": f"Căn cứ {ORDINANCE_02};",
    "social_pension": f"Căn cứ {DECREE_176} của Chính phủ về trợ cấp hưu trí xã hội;",
}

# Categories whose very name reveals HIV status (Decree 20/2021 Art. 5(3) and 5(8)): the
# certificate names the programme only, as the public posting must never show HIV status.
UNDISCLOSED_CATEGORIES = frozenset({"5.3", "5.8"})
UNDISCLOSED = f"Đối tượng bảo trợ xã hội theo Điều 5 {DECREE_20}"

_SA = f"Điều 5 {DECREE_20}"
_MC = "khoản 1 Điều 3 Pháp lệnh số 02/2020/UBTVQH14"
CATEGORIES = {
    "5.1": f"Trẻ em dưới 16 tuổi không có nguồn nuôi dưỡng (khoản 1 {_SA})",
    "5.2": f"Người từ 16 đến dưới 22 tuổi không có nguồn nuôi dưỡng đang đi học (khoản 2 {_SA})",
    "5.4": f"Người thuộc hộ nghèo, hộ cận nghèo đơn thân đang nuôi con (khoản 4 {_SA})",
    "5.5a": "Người cao tuổi thuộc hộ nghèo không có người có nghĩa vụ và quyền phụng dưỡng "
    f"(điểm a khoản 5 {_SA})",
    "5.5b": "Người từ đủ 75 tuổi đến 80 tuổi thuộc hộ nghèo, hộ cận nghèo ở xã, thôn vùng đồng "
    f"bào dân tộc thiểu số và miền núi đặc biệt khó khăn (điểm b khoản 5 {_SA})",
    "5.5c": "Người từ đủ 80 tuổi trở lên không có lương hưu hoặc trợ cấp bảo hiểm xã hội hằng "
    f"tháng (điểm c khoản 5 {_SA})",
    "5.5d": "Người cao tuổi thuộc hộ nghèo đủ điều kiện vào cơ sở trợ giúp xã hội, được chăm sóc "
    f"tại cộng đồng (điểm d khoản 5 {_SA})",
    "5.6": f"Người khuyết tật nặng, người khuyết tật đặc biệt nặng (khoản 6 {_SA})",
    "5.7": "Trẻ em dưới 3 tuổi thuộc hộ nghèo, hộ cận nghèo ở vùng đồng bào dân tộc thiểu số và "
    f"miền núi đặc biệt khó khăn (khoản 7 {_SA})",
    "pension": f"Người hưởng trợ cấp hưu trí xã hội ({DECREE_176})",
    "a": f"Người hoạt động cách mạng trước ngày 01 tháng 01 năm 1945 (điểm a {_MC})",
    "b": "Người hoạt động cách mạng từ ngày 01 tháng 01 năm 1945 đến ngày khởi nghĩa tháng Tám "
    f"năm 1945 (điểm b {_MC})",
    "c": f"Liệt sĩ (điểm c {_MC})",
    "d": f"Bà mẹ Việt Nam anh hùng (điểm d {_MC})",
    "dd": f"Anh hùng Lực lượng vũ trang nhân dân (điểm đ {_MC})",
    "e": f"Anh hùng Lao động trong thời kỳ kháng chiến (điểm e {_MC})",
    "g": f"Thương binh, người hưởng chính sách như thương binh (điểm g {_MC})",
    "h": f"Bệnh binh (điểm h {_MC})",
    "i": f"Người hoạt động kháng chiến bị nhiễm chất độc hóa học (điểm i {_MC})",
    "k": f"Người hoạt động cách mạng, hoạt động kháng chiến bị địch bắt tù, đày (điểm k {_MC})",
    "l": "Người hoạt động kháng chiến giải phóng dân tộc, bảo vệ Tổ quốc, làm nghĩa vụ quốc tế "
    f"(điểm l {_MC})",
    "m": f"Người có công giúp đỡ cách mạng (điểm m {_MC})",
    "relative": "Thân nhân của người có công với cách mạng (khoản 2 Điều 3 Pháp lệnh số "
    "02/2020/UBTVQH14)",
}

RELATIONS = {
    "head": "Chủ hộ",
    "spouse": "Vợ/chồng",
    "child": "Con",
    "parent": "Bố/mẹ",
    "grandchild": "Cháu",
    "sibling": "Anh/chị/em",
    "other": "Khác",
}

POVERTY_REVIEW_BASIS = (
    "Căn cứ Quyết định số 24/2021/QĐ-TTg ngày 16 tháng 7 năm 2021 của Thủ tướng Chính phủ quy "
    "định quy trình rà soát hộ nghèo, hộ cận nghèo hằng năm;"
)


def category_label(category: str) -> str:
    if category in UNDISCLOSED_CATEGORIES:
        return UNDISCLOSED
    return CATEGORIES.get(category, category)
