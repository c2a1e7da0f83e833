"""The demo province: Bắc Ninh's agencies, categories, routing and deadline policies, and the texts
sample cases are written from. Read by ``manage.py seed_demo``; nothing here touches the database.

Agency and category codes are the ones the API exposes, so keep them stable once published.
Since the 2025 reform the province has two levels of government (province, then ward/commune),
Bắc Ninh took in Bắc Giang, and several departments merged (e.g. Planning and Investment into
Finance, Labour into Home Affairs, Natural Resources into Agriculture and Environment).
"""
from decimal import Decimal

DEMO_PASSWORD = "demo-pakn-2026"

PROVINCE_AGENCY = "ubnd-tinh"
RECEPTION_AGENCY = "ttpvhcc"
OFFICER_AGENCY = "so-xay-dung"

# (code, Vietnamese name, English name)
PROVINCE = (PROVINCE_AGENCY, "UBND tỉnh Bắc Ninh", "Bắc Ninh Provincial People's Committee")
RECEPTION = (RECEPTION_AGENCY, "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
             "Bắc Ninh Public Administration Service Centre")

# (code, Vietnamese name, English name, requires approval)
DEPARTMENTS = [
    (OFFICER_AGENCY, "Sở Xây dựng", "Department of Construction", False),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", True),
    ("so-tai-chinh", "Sở Tài chính", "Department of Finance", False),
    ("so-y-te", "Sở Y tế", "Department of Health", True),
    ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "Department of Education and Training", False),
    ("so-cong-thuong", "Sở Công Thương", "Department of Industry and Trade", False),
    ("so-van-hoa-the-thao-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism",
     False),
    ("cong-an-tinh", "Công an tỉnh Bắc Ninh", "Bắc Ninh Provincial Police", True),
    ("so-noi-vu", "Sở Nội vụ", "Department of Home Affairs", False),
    ("so-tu-phap", "Sở Tư pháp", "Department of Justice", False),
    ("thue-tinh", "Thuế tỉnh Bắc Ninh", "Bắc Ninh Provincial Tax Office", False),
    ("bhxh-tinh", "Bảo hiểm xã hội tỉnh Bắc Ninh", "Bắc Ninh Social Security", False),
]

UTILITIES = [
    ("dien-luc-bac-ninh", "Công ty Điện lực Bắc Ninh", "Bắc Ninh Power Company", False),
    ("nuoc-sach-bac-ninh", "Công ty CP Nước sạch Bắc Ninh", "Bắc Ninh Clean Water JSC", False),
    ("moi-truong-do-thi", "Công ty Môi trường đô thị Bắc Ninh", "Bắc Ninh Urban Environment Company", False),
]

# Ward/commune people's committees of the demo, by the ward's code in ``vietnam-provinces``
# (the committee's name is built from the ward's current name), with a rough centre for map pins.
WARD_COMMITTEES = [
    ("9187", "ubnd-kinh-bac", False, (21.1861, 106.0763)),
    ("9169", "ubnd-vu-ninh", False, (21.1975, 106.0830)),
    ("9190", "ubnd-vo-cuong", False, (21.1660, 106.0540)),
    ("7210", "ubnd-bac-giang", True, (21.2730, 106.1940)),
    ("7228", "ubnd-da-mai", False, (21.2850, 106.1700)),
    ("9367", "ubnd-tu-son", False, (21.1180, 105.9610)),
    ("9382", "ubnd-dong-nguyen", False, (21.1280, 105.9760)),
    ("9400", "ubnd-thuan-thanh", False, (21.0500, 106.0880)),
    ("9247", "ubnd-que-vo", False, (21.1500, 106.1600)),
    ("7777", "ubnd-viet-yen", False, (21.2700, 106.1000)),
    ("9193", "ubnd-yen-phong", False, (21.2000, 105.9530)),
    ("9319", "ubnd-tien-du", False, (21.1240, 106.0300)),
]

# (code, Vietnamese, English, kinds, sort order). The first must take on-site feedback: clients
# offer the first category by default, and on-site reports are most of what phones send.
ON_SITE, PROCEDURE, BUSINESS = "on_site", "procedure", "business"
CATEGORIES = [
    ("chieu-sang", "Chiếu sáng công cộng", "Public lighting", [ON_SITE], 10),
    ("rac-thai", "Rác thải, vệ sinh môi trường", "Waste and sanitation", [ON_SITE], 20),
    ("giao-thong", "Giao thông, đường sá", "Roads and traffic", [ON_SITE], 30),
    ("ngap-ung", "Ngập úng, thoát nước", "Flooding and drainage", [ON_SITE], 40),
    ("cay-xanh", "Cây xanh đô thị", "Urban trees", [ON_SITE], 50),
    ("lan-chiem-via-he", "Lấn chiếm vỉa hè, lòng đường", "Sidewalk and roadway encroachment", [ON_SITE], 60),
    ("cap-nuoc", "Cấp nước sinh hoạt", "Water supply", [ON_SITE, PROCEDURE], 70),
    ("dien", "Cung cấp điện", "Electricity supply", [ON_SITE, PROCEDURE], 80),
    ("tieng-on", "Tiếng ồn", "Noise", [ON_SITE], 90),
    ("o-nhiem-moi-truong", "Ô nhiễm môi trường", "Pollution", [ON_SITE, BUSINESS], 100),
    ("xay-dung-trai-phep", "Xây dựng trái phép, sai phép", "Unlicensed construction", [ON_SITE], 110),
    ("an-toan-thuc-pham", "An toàn thực phẩm", "Food safety", [ON_SITE, BUSINESS], 120),
    ("an-ninh-trat-tu", "An ninh, trật tự", "Public order and security", [ON_SITE], 130),
    ("dat-dai", "Đất đai", "Land", [PROCEDURE, ON_SITE], 140),
    ("cap-phep-xay-dung", "Cấp phép xây dựng", "Building permits", [PROCEDURE], 150),
    ("ho-tich", "Hộ tịch, chứng thực", "Civil registration and certification", [PROCEDURE], 160),
    ("cu-tru", "Cư trú, căn cước", "Residence and identity cards", [PROCEDURE], 170),
    ("dang-ky-kinh-doanh", "Đăng ký kinh doanh", "Business registration", [BUSINESS, PROCEDURE], 180),
    ("thue", "Thuế, phí, lệ phí", "Taxes and fees", [BUSINESS, PROCEDURE], 190),
    ("bao-hiem-xa-hoi", "Bảo hiểm xã hội, bảo hiểm y tế", "Social and health insurance", [PROCEDURE, BUSINESS], 200),
    ("y-te", "Y tế, khám chữa bệnh", "Health care", [ON_SITE, PROCEDURE], 210),
    ("giao-duc", "Giáo dục, đào tạo", "Education", [PROCEDURE, ON_SITE], 220),
    ("dau-tu", "Đầu tư, hỗ trợ doanh nghiệp", "Investment and business support", [BUSINESS], 230),
    ("chinh-sach-xa-hoi", "Chính sách xã hội, người có công", "Social welfare", [PROCEDURE], 240),
    ("van-hoa-du-lich", "Văn hóa, du lịch, quảng cáo", "Culture, tourism and advertising", [ON_SITE, BUSINESS], 250),
    ("khac", "Lĩnh vực khác", "Other", [ON_SITE, PROCEDURE, BUSINESS], 900),
]

# Category → the agency that handles it anywhere in the province. "khac" has no rule on purpose:
# reception decides.
CATEGORY_ROUTES = {
    "chieu-sang": OFFICER_AGENCY, "giao-thong": OFFICER_AGENCY, "ngap-ung": OFFICER_AGENCY,
    "cay-xanh": OFFICER_AGENCY, "lan-chiem-via-he": OFFICER_AGENCY, "xay-dung-trai-phep": OFFICER_AGENCY,
    "cap-phep-xay-dung": OFFICER_AGENCY, "rac-thai": "moi-truong-do-thi", "cap-nuoc": "nuoc-sach-bac-ninh",
    "dien": "dien-luc-bac-ninh", "tieng-on": "cong-an-tinh", "an-ninh-trat-tu": "cong-an-tinh",
    "cu-tru": "cong-an-tinh", "o-nhiem-moi-truong": "so-nong-nghiep-moi-truong",
    "dat-dai": "so-nong-nghiep-moi-truong", "an-toan-thuc-pham": "so-y-te", "y-te": "so-y-te",
    "ho-tich": "so-tu-phap", "dang-ky-kinh-doanh": "so-tai-chinh", "dau-tu": "so-tai-chinh",
    "thue": "thue-tinh", "bao-hiem-xa-hoi": "bhxh-tinh", "giao-duc": "so-giao-duc-dao-tao",
    "chinh-sach-xa-hoi": "so-noi-vu", "van-hoa-du-lich": "so-van-hoa-the-thao-du-lich",
}
# On-site matters a ward committee handles itself within its ward (these rules outrank the above).
# Street lighting stays with the department everywhere, so the first category always reaches it.
WARD_ROUTED_CATEGORIES = ["rac-thai", "lan-chiem-via-he", "tieng-on"]
CATEGORY_RULE_PRIORITY = 10
WARD_RULE_PRIORITY = 20

# (category code or None, priority, reception, handling, return) in working hours.
DEADLINE_POLICIES = [
    (None, "normal", Decimal(8), Decimal("37.5"), Decimal("7.5")),
    (None, "urgent", Decimal(2), Decimal(4), Decimal(2)),
    (None, "complex", Decimal(8), Decimal("112.5"), Decimal("7.5")),
    # A power cut or a burst main cannot wait five days; a building permit has its own legal term.
    ("dien", "normal", Decimal(4), Decimal(15), Decimal(4)),
    ("cap-nuoc", "normal", Decimal(4), Decimal(15), Decimal(4)),
    ("cap-phep-xay-dung", "normal", Decimal(8), Decimal(75), Decimal("7.5")),
]

# username, last name, first name
DEMO_USERS = {
    "tiepnhan": ("Nguyễn Thị", "Lan"),
    "xuly": ("Trần Văn", "Minh"),
    "giamsat": ("Lê Hoàng", "Nam"),
    "admin": ("Phạm Quốc", "Hùng"),
}

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Ngô", "Bùi", "Đặng", "Dương", "Đinh",
                "Phan", "Trịnh", "Lương", "Hà", "Nghiêm", "Chu"]
MIDDLE_NAMES = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Thu", "Quang", "Hữu", "Ngọc", "Xuân", "Hồng", "Kim"]
GIVEN_NAMES = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Huyền", "Khánh",
               "Linh", "Long", "Mai", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
               "Việt", "Yến"]

STREETS = ["Lý Thái Tổ", "Nguyễn Gia Thiều", "Trần Hưng Đạo", "Ngô Gia Tự", "Huyền Quang", "Nguyễn Trãi",
           "Kinh Dương Vương", "Lý Anh Tông", "Nguyễn Văn Cừ", "Hoàng Quốc Việt", "Bình Than", "Thiên Đức",
           "Lý Thường Kiệt", "Minh Khai", "Trần Phú", "Xương Giang", "Hoàng Văn Thụ", "Nguyễn Thị Minh Khai",
           "Lê Lợi", "Hùng Vương", "Nguyễn Đăng Đạo", "Âu Cơ"]
PLACES = ["chợ Nhớn", "công viên Nguyễn Văn Cừ", "bến xe khách Bắc Ninh", "hồ Đồng Trầm", "cổng KCN Quế Võ",
          "cổng KCN VSIP", "chợ Đình Bảng", "Trường THCS Ninh Xá", "khu đô thị Hòa Long", "nhà văn hóa khu phố 3",
          "cầu Hòa Long", "bờ sông Thương", "khu tái định cư Đồng Nguyên", "ngã sáu Bắc Ninh",
          "Bệnh viện Đa khoa tỉnh", "cổng chợ Thương"]

# Each sample: category, kind, title, description, answer (+ optional priority). Placeholders:
# {duong} a street, {noi} a landmark, {phuong} the ward, {so} a number, {ngay} a number of days.
SAMPLES = [
    ("chieu-sang", ON_SITE, "Đèn đường hỏng trên đường {duong}",
     "Cụm đèn chiếu sáng từ số nhà {so} đến ngã tư đường {duong} ({phuong}) bị tắt đã hơn {ngay} ngày. "
     "Buổi tối đoạn đường rất tối, học sinh đi học về và người đi bộ rất nguy hiểm. Đề nghị kiểm tra, sửa chữa.",
     "Đơn vị quản lý chiếu sáng đã kiểm tra, thay bộ đèn LED và cáp cấp nguồn bị chập tại tủ điện của tuyến. "
     "Hệ thống chiếu sáng đã hoạt động bình thường. Cảm ơn ông/bà đã phản ánh."),
    ("chieu-sang", ON_SITE, "Đèn chiếu sáng bật cả ban ngày gần {noi}",
     "Toàn bộ đèn đường khu vực gần {noi} sáng cả ngày từ sáng đến chiều, gây lãng phí điện. "
     "Tình trạng đã kéo dài khoảng {ngay} ngày.",
     "Bộ hẹn giờ của tủ điều khiển chiếu sáng bị lỗi đã được thay mới; đèn bật, tắt đúng khung giờ quy định."),
    ("chieu-sang", ON_SITE, "Cột đèn nghiêng có nguy cơ đổ trên đường {duong}",
     "Cột đèn trước số nhà {so} đường {duong} bị xe tải va chạm, nghiêng hẳn ra lòng đường, dây điện lộ ra ngoài. "
     "Đề nghị xử lý gấp để tránh tai nạn.",
     "Ngay trong ngày đơn vị đã cắt điện tuyến, căng dây cảnh báo và thay cột đèn mới. Chủ phương tiện gây "
     "hư hỏng đã được xác định và chịu chi phí khắc phục.", "urgent"),
    ("rac-thai", ON_SITE, "Rác thải đổ trộm ven kênh Bắc Hưng Hải",
     "Đoạn bờ kênh Bắc Hưng Hải gần {noi} thuộc {phuong} bị đổ trộm rác thải sinh hoạt và phế thải xây dựng "
     "thành đống lớn, bốc mùi hôi, ruồi muỗi nhiều. Đề nghị thu dọn và xử lý người đổ trộm.",
     "Đã huy động xe và nhân công thu dọn khoảng 6 tấn rác, phun khử khuẩn khu vực. Địa phương đã lắp biển "
     "cấm đổ rác và camera giám sát, giao tổ dân phố tuần tra vào buổi tối."),
    ("rac-thai", ON_SITE, "Rác không được thu gom đúng lịch tại {phuong}",
     "Điểm tập kết rác đầu ngõ {so} đường {duong} đã {ngay} ngày không có xe đến thu gom, rác tràn ra đường, "
     "mùi hôi thối ảnh hưởng đến các hộ dân xung quanh.",
     "Do xe chuyên dùng của tuyến bị hỏng nên lịch thu gom bị gián đoạn. Đơn vị đã bố trí xe thay thế, thu gom "
     "hết rác tồn đọng và khôi phục lịch thu gom hằng ngày vào 18 giờ."),
    ("rac-thai", ON_SITE, "Thùng rác công cộng hỏng, rác tràn ra vỉa hè đường {duong}",
     "Các thùng rác công cộng trên vỉa hè đường {duong} đoạn gần {noi} bị vỡ nắp, thủng đáy, rác rơi vãi "
     "ra vỉa hè. Đề nghị thay thùng mới.",
     "Đã thay 8 thùng rác mới loại 240 lít trên tuyến và bổ sung lượt quét dọn vào buổi trưa."),
    ("giao-thong", ON_SITE, "Ổ gà lớn trên đường Lý Thái Tổ",
     "Trên đường Lý Thái Tổ đoạn trước số nhà {so} xuất hiện nhiều ổ gà sâu khoảng 10–15 cm, trời mưa đọng "
     "nước không nhìn thấy, đã có người đi xe máy bị ngã. Đề nghị sớm vá sửa.",
     "Đơn vị quản lý đường đã vá sửa các ổ gà bằng bê tông nhựa nóng; tuyến đường đã được đưa vào kế hoạch "
     "thảm lại mặt đường trong quý tới."),
    ("giao-thong", ON_SITE, "Nắp cống vỡ giữa lòng đường {duong}",
     "Nắp hố ga giữa lòng đường {duong} gần {noi} bị vỡ, lộ hố sâu, rất nguy hiểm cho người tham gia giao thông, "
     "nhất là buổi tối. Người dân đã tạm cắm cành cây để cảnh báo.",
     "Đã đặt biển cảnh báo trong đêm và thay nắp hố ga bằng gang chịu lực vào sáng hôm sau.", "urgent"),
    ("giao-thong", ON_SITE, "Biển báo giao thông bị cây che khuất gần {noi}",
     "Biển báo cấm rẽ trái tại nút giao gần {noi} bị cành cây che khuất hoàn toàn, nhiều xe vi phạm mà không biết. "
     "Đề nghị cắt tỉa cây hoặc di chuyển biển báo.",
     "Đã cắt tỉa cành cây và nâng độ cao biển báo theo đúng quy chuẩn."),
    ("giao-thong", ON_SITE, "Đèn tín hiệu giao thông không hoạt động tại nút giao đường {duong}",
     "Đèn tín hiệu tại nút giao đường {duong} với đường {duong2} bị tắt từ sáng, giờ cao điểm ùn tắc kéo dài.",
     "Bộ điều khiển đèn tín hiệu bị hỏng do sét đã được thay thế; trong thời gian sửa chữa Cảnh sát giao thông "
     "đã phân luồng tại nút giao.", "urgent"),
    ("giao-thong", ON_SITE, "Gờ giảm tốc tự phát trên đường {duong}",
     "Một số hộ dân tự đổ gờ giảm tốc bằng bê tông rất cao trên đường {duong}, xe máy đi qua dễ bị ngã. "
     "Đề nghị kiểm tra và tháo dỡ.",
     "Đã phối hợp với địa phương tháo dỡ 3 gờ giảm tốc tự phát và lắp vạch sơn giảm tốc đúng quy chuẩn."),
    ("ngap-ung", ON_SITE, "Ngập úng sau mưa lớn tại {phuong}",
     "Sau trận mưa tối qua, đường {duong} đoạn gần {noi} ngập sâu khoảng 40 cm, nước vào cả nhà dân, "
     "xe máy chết máy hàng loạt. Năm nào mưa to cũng ngập như vậy.",
     "Đã vận hành trạm bơm tiêu úng, nạo vét 300 m cống thoát nước trên tuyến. Dự án cải tạo hệ thống thoát nước "
     "khu vực đã được phê duyệt và sẽ thi công trong năm nay.", "urgent"),
    ("ngap-ung", ON_SITE, "Cống thoát nước bị tắc, nước thải tràn ra đường {duong}",
     "Cống thoát nước trước số nhà {so} đường {duong} bị tắc, nước thải đen bốc mùi tràn lên mặt đường "
     "đã {ngay} ngày.",
     "Đơn vị thoát nước đã hút bùn, thông tắc cống và kiểm tra toàn tuyến; nguyên nhân do rác thải xây dựng "
     "lấp cửa thu nước."),
    ("cay-xanh", ON_SITE, "Cây đổ chắn ngang đường {duong} sau giông",
     "Cơn giông chiều nay làm một cây xà cừ lớn trên đường {duong} bật gốc, đổ chắn ngang đường và đè lên "
     "dây điện. Đề nghị xử lý khẩn cấp.",
     "Lực lượng cây xanh đã cắt, dọn cây đổ, thông đường trong 2 giờ và phối hợp Điện lực khôi phục đường dây.",
     "urgent"),
    ("cay-xanh", ON_SITE, "Cây xanh mục gốc trước {noi}",
     "Hàng cây trước {noi} có cây bị mục rỗng gốc, nghiêng về phía lòng đường, mùa mưa bão rất nguy hiểm.",
     "Đã khảo sát, chặt hạ 2 cây mục gốc và trồng thay thế cây sấu theo đúng chủng loại quy hoạch."),
    ("cay-xanh", ON_SITE, "Đề nghị cắt tỉa cành cây chạm đường dây điện trên đường {duong}",
     "Nhiều cành cây trên đường {duong} vươn ra chạm vào đường dây điện, mỗi khi có gió lại chập cháy tóe lửa.",
     "Đã phối hợp với Điện lực cắt điện và cắt tỉa toàn bộ cành cây vi phạm hành lang an toàn lưới điện."),
    ("lan-chiem-via-he", ON_SITE, "Lấn chiếm vỉa hè để kinh doanh trên đường {duong}",
     "Các hộ kinh doanh trên đường {duong} đoạn từ số {so} bày hàng hóa, bàn ghế kín vỉa hè, người đi bộ "
     "phải xuống lòng đường.",
     "Tổ kiểm tra trật tự đô thị đã lập biên bản, yêu cầu các hộ thu dọn và ký cam kết; địa phương duy trì "
     "kiểm tra thường xuyên trên tuyến."),
    ("lan-chiem-via-he", ON_SITE, "Trông giữ xe trái phép chiếm hết vỉa hè trước {noi}",
     "Trước {noi} có người trông giữ xe máy trái phép chiếm toàn bộ vỉa hè và một phần lòng đường, "
     "thu tiền cao hơn quy định.",
     "Lực lượng chức năng đã giải tỏa điểm trông giữ xe trái phép, xử phạt vi phạm hành chính người vi phạm."),
    ("tieng-on", ON_SITE, "Tiếng ồn karaoke đến khuya tại {phuong}",
     "Một hộ gia đình ở ngõ {so} đường {duong} hát karaoke với loa công suất lớn đến 23–24 giờ hằng đêm, "
     "ảnh hưởng nghiêm trọng đến giấc ngủ của người già và trẻ nhỏ.",
     "Công an phường đã làm việc, nhắc nhở và xử phạt hộ gia đình theo quy định về gây tiếng ồn trong khu dân cư; "
     "hộ gia đình đã cam kết không tái phạm."),
    ("tieng-on", ON_SITE, "Xưởng cơ khí gây tiếng ồn ban đêm gần {noi}",
     "Xưởng cơ khí gần {noi} hoạt động cả ban đêm, tiếng cắt, mài kim loại rất lớn, người dân xung quanh "
     "không thể nghỉ ngơi.",
     "Đoàn kiểm tra đã đo tiếng ồn vượt quy chuẩn, xử phạt cơ sở và yêu cầu chỉ hoạt động từ 7 giờ đến 21 giờ."),
    ("cap-nuoc", ON_SITE, "Nước sinh hoạt có mùi lạ, màu vàng đục",
     "Mấy ngày nay nước máy tại khu dân cư đường {duong} ({phuong}) có màu vàng đục và mùi tanh, "
     "gia đình không dám dùng để nấu ăn.",
     "Công ty đã lấy mẫu nước xét nghiệm (đạt quy chuẩn), xả cặn tuyến ống nhánh và súc rửa đường ống. "
     "Chất lượng nước đã ổn định; khách hàng có thể liên hệ đường dây nóng nếu còn hiện tượng trên."),
    ("cap-nuoc", PROCEDURE, "Mất nước sinh hoạt nhiều ngày không báo trước",
     "Khu vực {phuong} bị mất nước {ngay} ngày liên tiếp mà không có thông báo trước, người dân phải mua nước "
     "bình để dùng.",
     "Nguyên nhân do sự cố bơm tại nhà máy; công ty xin lỗi khách hàng vì không thông báo kịp thời, đã khắc phục "
     "và sẽ nhắn tin báo trước mọi lần tạm ngừng cấp nước."),
    ("cap-nuoc", ON_SITE, "Vỡ đường ống nước trên đường {duong}",
     "Đường ống nước sạch trên vỉa hè đường {duong} trước số nhà {so} bị vỡ, nước chảy lênh láng ra đường "
     "từ đêm qua.",
     "Đội sửa chữa đã khóa van, thay đoạn ống bị vỡ và hoàn trả mặt vỉa hè.", "urgent"),
    ("dien", ON_SITE, "Mất điện kéo dài tại {phuong}",
     "Khu vực {phuong} mất điện từ 8 giờ sáng đến chiều chưa có lại, không có thông báo lịch cắt điện. "
     "Nhiều hộ có người già, trẻ nhỏ rất vất vả trong thời tiết nắng nóng.",
     "Sự cố do máy biến áp quá tải đã được khắc phục, điện được cấp lại; công ty đã lắp thêm một trạm biến áp "
     "để giảm tải cho khu vực.", "urgent"),
    ("dien", ON_SITE, "Dây điện võng thấp nguy hiểm trên đường {duong}",
     "Dây điện hạ thế trên đường {duong} gần {noi} võng thấp chỉ khoảng 3 m, xe tải qua lại có thể vướng.",
     "Đã căng lại dây và thay cột trung gian, bảo đảm khoảng cách an toàn theo quy định."),
    ("dien", PROCEDURE, "Hóa đơn tiền điện tăng bất thường",
     "Hóa đơn tiền điện tháng này của gia đình tôi tăng gấp đôi so với tháng trước dù sử dụng như bình thường. "
     "Đề nghị kiểm tra lại công tơ.",
     "Công ty đã kiểm tra công tơ tại nhà khách hàng, công tơ hoạt động bình thường; sản lượng tăng do thời tiết "
     "nắng nóng và biểu giá bậc thang. Chi tiết đã được gửi kèm."),
    ("o-nhiem-moi-truong", ON_SITE, "Khói bụi từ lò đốt rác gần khu dân cư {phuong}",
     "Lò đốt rác gần {noi} thường đốt vào ban đêm, khói đen và mùi khét bay vào khu dân cư, nhiều người bị ho.",
     "Đoàn kiểm tra liên ngành đã lấy mẫu khí thải, yêu cầu dừng vận hành lò đốt cho đến khi hoàn thành nâng cấp "
     "hệ thống xử lý khí thải."),
    ("o-nhiem-moi-truong", BUSINESS, "Nước thải chưa xử lý chảy ra sông Cầu",
     "Một cơ sở sản xuất giấy ở {phuong} xả nước thải màu đen chưa qua xử lý trực tiếp ra sông Cầu, "
     "cá chết nổi trắng một đoạn.",
     "Đã kiểm tra, lấy mẫu nước thải vượt quy chuẩn nhiều lần; cơ sở bị xử phạt, đình chỉ hoạt động xả thải "
     "và buộc khắc phục hậu quả.", "complex"),
    ("xay-dung-trai-phep", ON_SITE, "Công trình xây dựng không che chắn trên đường {duong}",
     "Công trình nhà ở tại số {so} đường {duong} không che chắn, vật liệu và bụi rơi xuống đường, "
     "rất nguy hiểm cho người đi đường.",
     "Đã lập biên bản yêu cầu chủ đầu tư che chắn công trình, vệ sinh mặt đường; công trình đã khắc phục."),
    ("xay-dung-trai-phep", ON_SITE, "Xây dựng nhà trên đất nông nghiệp tại {phuong}",
     "Tại cánh đồng gần {noi} có người đang xây dựng nhà kiên cố trên đất nông nghiệp, "
     "không có giấy phép.",
     "Địa phương đã lập biên bản vi phạm, đình chỉ thi công và buộc tháo dỡ phần công trình xây dựng trái phép.",
     "complex"),
    ("an-toan-thuc-pham", ON_SITE, "Cơ sở sản xuất giò chả không bảo đảm vệ sinh",
     "Một cơ sở sản xuất giò chả trong ngõ {so} đường {duong} chế biến trên nền đất, sử dụng phụ gia không "
     "rõ nguồn gốc.",
     "Đoàn kiểm tra an toàn thực phẩm đã kiểm tra, tiêu hủy sản phẩm không rõ nguồn gốc và xử phạt cơ sở."),
    ("an-toan-thuc-pham", ON_SITE, "Nghi ngộ độc thực phẩm tại bếp ăn tập thể",
     "Sau bữa trưa tại bếp ăn của một công ty ở {noi}, nhiều công nhân bị đau bụng, nôn. "
     "Đề nghị kiểm tra nguồn thực phẩm của bếp ăn.",
     "Ngành y tế đã điều tra, lấy mẫu thực phẩm lưu; các công nhân đã được điều trị ổn định. Đơn vị cung cấp "
     "suất ăn bị đình chỉ hoạt động để khắc phục.", "urgent"),
    ("an-ninh-trat-tu", ON_SITE, "Thanh niên đua xe, lạng lách ban đêm trên đường {duong}",
     "Khoảng 23 giờ các tối cuối tuần có nhóm thanh niên tụ tập đua xe, rú ga trên đường {duong}, "
     "gây mất an ninh trật tự.",
     "Công an đã tăng cường tuần tra, kiểm soát vào ban đêm và xử lý các trường hợp vi phạm."),
    ("an-ninh-trat-tu", ON_SITE, "Tụ tập đánh bạc tại bãi đất trống gần {noi}",
     "Bãi đất trống gần {noi} thường có nhóm người tụ tập đánh bạc vào buổi chiều, gây mất trật tự.",
     "Công an phường đã kiểm tra, giải tán và xử lý theo quy định; khu vực được đưa vào địa bàn tuần tra."),
    ("dat-dai", PROCEDURE, "Chậm cấp giấy chứng nhận quyền sử dụng đất",
     "Tôi nộp hồ sơ đăng ký cấp giấy chứng nhận quyền sử dụng đất tại {phuong} đã hơn {ngay} ngày, quá hạn hẹn "
     "trả nhưng chưa nhận được kết quả và không được thông báo lý do.",
     "Hồ sơ chậm do phải xác minh nguồn gốc đất; Văn phòng đăng ký đất đai đã hoàn thiện và trả kết quả, "
     "đồng thời có văn bản xin lỗi vì trễ hẹn.", "complex"),
    ("dat-dai", PROCEDURE, "Thắc mắc về giá bồi thường giải phóng mặt bằng",
     "Gia đình tôi có đất thu hồi để làm đường tại {phuong}, đề nghị giải thích căn cứ tính giá bồi thường "
     "vì thấp hơn giá thị trường nhiều.",
     "Giá bồi thường được xác định theo bảng giá đất và hệ số điều chỉnh do UBND tỉnh ban hành; chi tiết căn cứ "
     "đã được gửi kèm. Ông/bà có thể liên hệ Hội đồng bồi thường để được giải thích trực tiếp."),
    ("cap-phep-xay-dung", PROCEDURE, "Chậm cấp giấy phép xây dựng nhà ở riêng lẻ",
     "Tôi nộp hồ sơ xin cấp giấy phép xây dựng nhà ở riêng lẻ tại {phuong} đã {ngay} ngày nhưng chưa có kết quả, "
     "gọi điện hỏi thì được trả lời đang chờ ý kiến.",
     "Hồ sơ đã được thẩm định và cấp giấy phép; kết quả được trả qua Cổng dịch vụ công và tại Trung tâm Phục vụ "
     "hành chính công."),
    ("cap-phep-xay-dung", PROCEDURE, "Hỏi thủ tục xin phép cải tạo, sửa chữa nhà",
     "Gia đình tôi muốn cải tạo, nâng thêm một tầng nhà ở đường {duong}. Đề nghị hướng dẫn hồ sơ cần chuẩn bị "
     "và thời gian giải quyết.",
     "Hồ sơ gồm đơn đề nghị, bản vẽ hiện trạng và bản vẽ cải tạo, giấy tờ về quyền sử dụng đất; thời hạn giải "
     "quyết 15 ngày. Ông/bà có thể nộp trực tuyến trên Cổng dịch vụ công quốc gia."),
    ("ho-tich", PROCEDURE, "Chậm cấp trích lục khai sinh trực tuyến",
     "Tôi đăng ký khai sinh cho con qua Cổng dịch vụ công đã {ngay} ngày mà hồ sơ vẫn ở trạng thái đang xử lý.",
     "Hồ sơ bị treo do lỗi đồng bộ dữ liệu dân cư; Sở đã phối hợp khắc phục, trích lục khai sinh đã được cấp."),
    ("ho-tich", PROCEDURE, "Yêu cầu nộp giấy tờ không cần thiết khi đăng ký kết hôn",
     "Khi đăng ký kết hôn tại {phuong}, cán bộ yêu cầu nộp bản sao chứng thực sổ hộ khẩu trong khi đã có dữ liệu "
     "dân cư. Đề nghị làm rõ.",
     "Yêu cầu trên không đúng quy định; Sở đã chấn chỉnh cán bộ tư pháp – hộ tịch và hướng dẫn sử dụng dữ liệu "
     "dân cư thay cho giấy tờ."),
    ("cu-tru", PROCEDURE, "Không đăng ký được thường trú trực tuyến trên VNeID",
     "Tôi thử đăng ký thường trú qua ứng dụng VNeID nhiều lần nhưng đều báo lỗi ở bước nộp hồ sơ.",
     "Lỗi do tệp đính kèm vượt dung lượng cho phép; Công an tỉnh đã hướng dẫn cách nén tệp và hồ sơ của "
     "ông/bà đã được tiếp nhận."),
    ("dang-ky-kinh-doanh", BUSINESS, "Thủ tục đăng ký hộ kinh doanh kéo dài",
     "Tôi nộp hồ sơ đăng ký hộ kinh doanh tại {phuong} đã {ngay} ngày, bị yêu cầu bổ sung nhiều lần, "
     "mỗi lần một nội dung khác nhau.",
     "Sở đã rà soát, hồ sơ được cấp giấy chứng nhận; cán bộ tiếp nhận bị nhắc nhở vì yêu cầu bổ sung không "
     "một lần theo quy định."),
    ("dang-ky-kinh-doanh", BUSINESS, "Hồ sơ thay đổi đăng ký doanh nghiệp bị trả lại nhiều lần",
     "Công ty chúng tôi nộp hồ sơ thay đổi người đại diện theo pháp luật, bị trả lại ba lần với lý do khác nhau.",
     "Hồ sơ đã được hướng dẫn hoàn thiện một lần và cấp giấy chứng nhận thay đổi trong 2 ngày làm việc."),
    ("thue", BUSINESS, "Chậm hoàn thuế giá trị gia tăng cho doanh nghiệp xuất khẩu",
     "Doanh nghiệp chúng tôi tại {noi} nộp hồ sơ hoàn thuế GTGT đã {ngay} ngày, quá thời hạn luật định "
     "nhưng chưa được giải quyết.",
     "Hồ sơ thuộc diện kiểm tra trước hoàn thuế; cơ quan thuế đã hoàn tất kiểm tra và ra quyết định hoàn thuế."),
    ("thue", PROCEDURE, "Không tra cứu được nghĩa vụ thuế đất trên cổng điện tử",
     "Tôi không tra cứu được số tiền thuế sử dụng đất phi nông nghiệp phải nộp trên cổng thuế điện tử.",
     "Dữ liệu đã được cập nhật; ông/bà có thể tra cứu và nộp trực tuyến qua ứng dụng eTax Mobile."),
    ("bao-hiem-xa-hoi", PROCEDURE, "Chậm giải quyết chế độ thai sản",
     "Tôi nộp hồ sơ hưởng chế độ thai sản qua công ty đã hơn {ngay} ngày mà chưa nhận được tiền.",
     "Hồ sơ đã được giải quyết, tiền trợ cấp đã chuyển vào tài khoản của bà; việc chậm do đơn vị sử dụng lao động "
     "nộp hồ sơ muộn."),
    ("bao-hiem-xa-hoi", BUSINESS, "Công ty nợ đóng bảo hiểm xã hội của công nhân",
     "Công ty nơi tôi làm việc ở {noi} trừ tiền bảo hiểm hằng tháng nhưng đã {ngay} tháng không đóng cho "
     "cơ quan bảo hiểm.", "Cơ quan bảo hiểm xã hội đã thanh tra, yêu cầu công ty nộp đủ số tiền nợ và tiền chậm "
     "đóng; quá trình đóng của người lao động đã được ghi nhận đầy đủ.", "complex"),
    ("y-te", ON_SITE, "Người bệnh chờ khám quá lâu tại bệnh viện",
     "Tôi đưa người nhà đến khám tại {noi} từ 6 giờ sáng nhưng đến trưa vẫn chưa được khám, khu chờ quá tải.",
     "Bệnh viện đã bổ sung bàn khám, mở thêm quầy lấy số tự động và triển khai đặt lịch khám trực tuyến."),
    ("y-te", PROCEDURE, "Trạm y tế không có thuốc cho người bệnh mạn tính",
     "Trạm y tế {phuong} nhiều tháng nay không có thuốc huyết áp cấp theo bảo hiểm y tế, người bệnh phải tự mua.",
     "Sở Y tế đã điều chuyển thuốc từ kho dự trữ và đẩy nhanh gói thầu thuốc cho tuyến y tế cơ sở."),
    ("giao-duc", PROCEDURE, "Thu các khoản ngoài quy định đầu năm học",
     "Trường tiểu học ở {phuong} thu nhiều khoản đầu năm học như quỹ lớp, tiền mua máy điều hòa, "
     "không rõ căn cứ.",
     "Sở đã kiểm tra, yêu cầu nhà trường trả lại các khoản thu không đúng quy định và công khai các khoản "
     "thu trên bảng tin."),
    ("giao-duc", ON_SITE, "Ùn tắc trước cổng trường giờ tan học",
     "Giờ tan học trước cổng {noi} phụ huynh dừng đỗ xe tràn ra lòng đường, gây ùn tắc nghiêm trọng.",
     "Nhà trường đã bố trí tan học lệch giờ giữa các khối và phối hợp công an phường phân luồng giờ cao điểm."),
    ("dau-tu", BUSINESS, "Doanh nghiệp chưa được hướng dẫn thủ tục thuê đất trong khu công nghiệp",
     "Doanh nghiệp chúng tôi đã có chủ trương đầu tư tại {noi} nhưng chưa được hướng dẫn rõ trình tự thuê đất.",
     "Sở đã tổ chức buổi làm việc, hướng dẫn trình tự thủ tục và cử đầu mối theo dõi hỗ trợ doanh nghiệp."),
    ("chinh-sach-xa-hoi", PROCEDURE, "Chậm chi trả trợ cấp cho người cao tuổi",
     "Mẹ tôi trên 80 tuổi ở {phuong}, {ngay} tháng nay chưa nhận được trợ cấp xã hội hằng tháng.",
     "Việc chậm chi trả do chuyển đổi hình thức chi trả qua tài khoản; tiền trợ cấp đã được chi đủ các tháng "
     "còn thiếu."),
    ("van-hoa-du-lich", ON_SITE, "Biển quảng cáo lắp đặt trái phép che khuất tầm nhìn",
     "Tại nút giao gần {noi} có biển quảng cáo lớn dựng trái phép trên vỉa hè, che khuất tầm nhìn của người "
     "điều khiển phương tiện.",
     "Đã xác định biển quảng cáo không có giấy phép, buộc chủ biển tháo dỡ và xử phạt theo quy định."),
    ("van-hoa-du-lich", ON_SITE, "Nhà văn hóa khu phố xuống cấp",
     "Nhà văn hóa khu phố gần {noi} bị thấm dột, trần bong tróc, không bảo đảm an toàn khi tổ chức họp dân.",
     "Công trình đã được đưa vào danh mục sửa chữa năm nay; địa phương đã tạm gia cố phần trần bị bong tróc."),
    ("khac", ON_SITE, "Đề nghị lắp camera an ninh tại khu vực {noi}",
     "Khu vực {noi} thường xảy ra trộm cắp xe máy, đề nghị lắp camera giám sát.",
     "Đề xuất đã được đưa vào danh sách lắp đặt camera an ninh của đề án đô thị thông minh giai đoạn tới."),
]

DUPLICATE_PREFIX = "Tôi cũng muốn phản ánh việc này: "

REJECTIONS = {
    "complaint": "Nội dung ông/bà gửi là khiếu nại đối với quyết định hành chính, thuộc phạm vi điều chỉnh của "
                 "Luật Khiếu nại. Đề nghị gửi đơn trực tiếp đến cơ quan đã ban hành quyết định hoặc Ban Tiếp công "
                 "dân tỉnh để được giải quyết theo đúng trình tự.",
    "not_in_scope": "Nội dung không thuộc phạm vi tiếp nhận phản ánh, kiến nghị của tỉnh (tranh chấp dân sự giữa các "
                    "cá nhân). Đề nghị ông/bà liên hệ Tòa án nhân dân có thẩm quyền.",
    "insufficient": "Phản ánh chưa có địa điểm và nội dung cụ thể, đã đề nghị bổ sung nhưng không nhận được "
                    "thông tin. Ông/bà có thể gửi phản ánh mới với đầy đủ thông tin.",
    "duplicate": "Nội dung trùng với phản ánh đã được tiếp nhận và đang xử lý; kết quả sẽ được công khai trên hệ "
                 "thống.",
    "abusive": "Phản ánh có ngôn từ xúc phạm, không phù hợp nên không được tiếp nhận.",
    "spam": "Nội dung là quảng cáo, không phải phản ánh, kiến nghị.",
}
REJECTION_WEIGHTS = {"complaint": 40, "not_in_scope": 20, "insufficient": 15, "duplicate": 5, "abusive": 8,
                     "spam": 12}

INFO_REQUESTS_RECEPTION = [
    "Đề nghị ông/bà cung cấp địa chỉ cụ thể (số nhà, ngõ, đường) nơi xảy ra sự việc.",
    "Đề nghị bổ sung ảnh chụp hiện trường để cơ quan chức năng xác minh.",
    "Đề nghị cung cấp số biên nhận hoặc mã hồ sơ thủ tục hành chính đã nộp.",
]
INFO_REQUESTS_AGENCY = [
    "Đề nghị cho biết thời điểm cụ thể sự việc thường xảy ra để lực lượng chức năng kiểm tra.",
    "Đề nghị cung cấp số điện thoại liên hệ để cán bộ hẹn lịch kiểm tra tại nhà.",
    "Đề nghị gửi bản chụp giấy tờ liên quan (hóa đơn, biên nhận hồ sơ).",
]
INFO_REPLIES = [
    "Địa điểm là ngõ {so} đường {duong}, gần {noi}.",
    "Tôi đã bổ sung thông tin theo yêu cầu, sự việc vẫn đang tiếp diễn.",
    "Mã hồ sơ và biên nhận tôi đã gửi kèm; có thể liên hệ tôi vào giờ hành chính.",
    "Sự việc thường xảy ra khoảng 21–23 giờ các ngày cuối tuần.",
]
EXTENSION_REASONS = [
    "Cần phối hợp với đơn vị thi công và địa phương khảo sát hiện trường.",
    "Phải lấy mẫu xét nghiệm, chờ kết quả phân tích của cơ quan chuyên môn.",
    "Nội dung liên quan nhiều cơ quan, cần tổ chức họp liên ngành.",
]
RETURN_REASONS = [
    "Nội dung không thuộc thẩm quyền của đơn vị; đề nghị chuyển UBND phường nơi xảy ra sự việc.",
    "Hạng mục do doanh nghiệp dịch vụ công quản lý, không thuộc phạm vi của đơn vị.",
]
TRANSFER_REASONS = [
    "Chuyển đúng cơ quan quản lý chuyên ngành.",
    "Theo phân cấp quản lý, nội dung do đơn vị khác giải quyết.",
]
SEND_BACK_REASONS = [
    "Bổ sung căn cứ pháp lý và thời hạn khắc phục cụ thể trong nội dung trả lời.",
    "Trả lời chưa đầy đủ các nội dung người dân phản ánh, đề nghị hoàn thiện.",
]
RATING_COMMENTS = {
    "satisfied": ["Xử lý nhanh, cảm ơn các cơ quan.", "Rất hài lòng, vấn đề đã được giải quyết triệt để.", ""],
    "acceptable": ["Đã xử lý nhưng còn chậm.", "Tạm ổn, mong duy trì kiểm tra thường xuyên.", ""],
    "dissatisfied": ["Thực tế vẫn chưa được khắc phục như trả lời.", "Trả lời chung chung, chưa giải quyết được.",
                     "Vẫn còn tái diễn sau vài ngày."],
}

# What reception turns away, by reason (category, kind, title, description); duplicates reuse SAMPLES.
REJECTED_SAMPLES = {
    "complaint": ("dat-dai", PROCEDURE, "Khiếu nại quyết định thu hồi đất của gia đình",
                  "Tôi không đồng ý với quyết định thu hồi đất số {so}/QĐ-UBND đối với thửa đất của gia đình tại "
                  "{phuong}, đề nghị hủy quyết định và xem xét lại."),
    "not_in_scope": ("khac", PROCEDURE, "Tranh chấp lối đi chung với hàng xóm",
                     "Nhà hàng xóm xây tường lấn lối đi chung của hai gia đình ở ngõ {so} đường {duong}, "
                     "đề nghị cơ quan nhà nước buộc họ trả lại lối đi."),
    "insufficient": ("khac", ON_SITE, "Phản ánh tình trạng ở khu phố",
                     "Khu phố nhà tôi có nhiều vấn đề, đề nghị chính quyền xuống kiểm tra."),
    "abusive": ("khac", ON_SITE, "Bức xúc với cán bộ",
                "Nội dung có lời lẽ thiếu văn hóa, xúc phạm cán bộ (đã được ẩn)."),
    "spam": ("khac", BUSINESS, "Dịch vụ làm hồ sơ nhanh giá rẻ",
             "Nhận làm mọi loại giấy tờ nhanh, giá rẻ, bao đậu, liên hệ ngay để được tư vấn."),
}
