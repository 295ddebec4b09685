"""《学生基本信息表》 (R10.3) on a real data file: every field under the template's label with codes shown as their
Chinese names, the family members, the signature lines; the photo embedded when the student has one (an empty 照片
box otherwise, also for a file that is no image); a rare character drawn; a whole class one page per student. Text
checked with pdftotext, images counted with pdfimages, pages rendered with pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import pytest

from tests.factories import add_student, class_id_of
from xueji_desktop.models import FamilyMember, Student
from xueji_desktop.services.printing import forms

TODAY = date(2026, 9, 10)
pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfimages") is None,
    reason="poppler-utils (pdftotext, pdfimages) not installed",
)


def _pages(path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def _flat(path) -> str:
    """The text without the spaces pdftotext puts between cells and within wrapped labels."""
    return "".join("".join(_pages(path)).split())


def _images(path) -> int:
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.splitlines()[2:])  # two header lines, then one line per image


def _photo(store, student_id: int, relative: str, content: bytes | None = None) -> None:
    """Give the student a photo at `relative` under the data folder (a real JPEG unless `content` is given)."""
    from PIL import Image

    path = store.folder.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        Image.new("RGB", (295, 413), (180, 200, 240)).save(path, "JPEG")
    else:
        path.write_bytes(content)
    with store.transaction() as session:
        session.get(Student, student_id).photo_path = relative


def test_r10_3_every_field_under_its_label_with_codes_as_names(school, out_dir):
    student = add_student(
        school,
        class_id_of(school, 3),
        name="李小明",
        former_name="李明明",
        ethnicity="02",
        left_behind="2",
        only_child=True,
        migrant_child=False,
        hukou_region="140406",
        hukou_type="2",
        school_number="2023015",
        current_address="山西省长治市潞城区潞华街道幸福里小区12号楼",
        phone="13912345678",
        entry_month="2023-09",
    )
    with school.transaction() as session:
        father = session.get(Student, student).family_members[0]
        father.employer = "潞城区某某机械厂"
        father.address = "潞华街道幸福里小区"
    pages = forms.info_forms(school, [student], out_dir / "信息表.pdf", today=TODAY)
    assert pages == 1
    [page] = _pages(out_dir / "信息表.pdf")
    text = "".join(page.split())
    assert "学生基本信息表" in text and "潞城区实验小学" in text and "2026年9月10日" in text
    for label in (
        "姓名",
        "曾用名",
        "性别",
        "出生日期",
        "出生地",
        "籍贯",
        "民族",
        "国籍/地区",
        "身份证件类型",
        "身份证件号",
        "健康状况",
        "学籍号",
        "学号",
        "年级",
        "班级",
        "入学年月",
        "入学方式",
        "就读方式",
        "现住址",
        "联系电话",
        "户口所在地",
        "户口性质",
        "是否独生子女",
        "是否留守儿童",
        "是否进城务工人员随迁子女",
        "残疾类型",
    ):
        assert label in text, label
    for value in (
        "李小明",
        "李明明",
        "蒙古族",
        "双亲留守儿童",
        "山西省长治市潞城区",
        "非农业户口",
        "居民身份证",
        "中国",
        "2019年3月14日",
        "2023年9月",
        "三年级(1)班",
        "2023015",
        "13912345678",
        "幸福里小区12号楼",
        "就近入学",
        "走读",
        "健康或良好",
    ):
        assert value in text, value
    assert "是否独生子女是" in text and "是否进城务工人员随迁子女否" in text  # 是/否, never True/False
    # the family table: the guardian first, relation by name
    assert (
        "张建军父亲是" in text
        and "王丽母亲否" in text
        and "13800138000" in text
        and "潞城区某某机械厂" in text
    )
    for signer in ("监护人签字", "班主任签字", "学籍管理员签字"):
        assert signer in text
    assert "照片" in text and _images(out_dir / "信息表.pdf") == 0  # no photo yet: the box to stick one on


def test_a_rare_character_in_the_name_prints(school, out_dir):
    """王䶮: 䶮 (U+4DAE) comes from the fallback font, so it is in the text, not a box."""
    student = add_student(school, class_id_of(school, 2), name="王䶮")
    forms.info_forms(school, [student], out_dir / "rare.pdf", today=TODAY)
    assert "王䶮" in _flat(out_dir / "rare.pdf")
    fonts_used = subprocess.run(
        ["pdffonts", str(out_dir / "rare.pdf")], capture_output=True, text=True
    ).stdout
    assert "HanaMinA" in fonts_used


def test_the_photo_is_embedded_when_the_file_is_there(school, out_dir):
    student = add_student(school, class_id_of(school, 1), name="赵小飞")
    _photo(school, student, "photos/zhao.jpg")
    forms.info_forms(school, [student], out_dir / "photo.pdf", today=TODAY)
    assert _images(out_dir / "photo.pdf") == 1
    assert "照片" not in _flat(out_dir / "photo.pdf")
    (school.folder.root / "photos/zhao.jpg").unlink()  # the file went missing: the empty box, no error
    forms.info_forms(school, [student], out_dir / "gone.pdf", today=TODAY)
    assert _images(out_dir / "gone.pdf") == 0 and "照片" in _flat(out_dir / "gone.pdf")


def test_a_file_that_is_no_image_leaves_the_box_empty(school, out_dir):
    student = add_student(school, class_id_of(school, 1), name="钱多多")
    _photo(school, student, "photos/broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    forms.info_forms(school, [student], out_dir / "broken.pdf", today=TODAY)
    assert _images(out_dir / "broken.pdf") == 0 and "照片" in _flat(out_dir / "broken.pdf")


def test_a_photo_path_may_be_absolute(school, out_dir, tmp_path):
    from PIL import Image

    student = add_student(school, class_id_of(school, 1), name="孙小美")
    Image.new("RGBA", (200, 280), (10, 120, 40, 200)).save(tmp_path / "sun.png")  # a PNG with transparency
    with school.transaction() as session:
        session.get(Student, student).photo_path = str(tmp_path / "sun.png")
    forms.info_forms(school, [student], out_dir / "abs.pdf", today=TODAY)
    assert _images(out_dir / "abs.pdf") >= 1  # the picture (and its transparency mask)


def test_a_whole_class_gives_one_page_per_student_in_order(school, out_dir):
    class_id = class_id_of(school, 3)
    names = {"2023003": "周三", "2023001": "周一", "2023002": "周二"}
    ids = {
        number: add_student(school, class_id, name=name, school_number=number)
        for number, name in names.items()
    }
    add_student(school, class_id_of(school, 2), name="别班生")
    with school.transaction() as session:  # left the school: not on the class's forms
        session.get(
            Student, add_student(school, class_id, name="已转出", school_number="2023000")
        ).status = "转出"
    _photo(school, ids["2023002"], "photos/zhou2.jpg")
    pages = forms.class_info_forms(school, class_id, out_dir / "全班.pdf", today=TODAY)
    text = _pages(out_dir / "全班.pdf")
    assert pages == len(text) == 3
    for page, name in zip(text, ("周一", "周二", "周三"), strict=True):  # by 学号
        assert "学生基本信息表" in page and name in page
    assert "别班生" not in "".join(text) and "已转出" not in "".join(text)
    assert _images(out_dir / "全班.pdf") == 1  # only 周二 has a photo


def test_a_large_family_goes_on_to_a_second_page(school, out_dir):
    student = add_student(school, class_id_of(school, 1), name="吴大家")
    with school.transaction() as session:
        for n in range(6):
            session.add(
                FamilyMember(student_id=student, position_in_list=3 + n, name=f"亲属{n}", relation="3")
            )
    pages = forms.info_forms(school, [student], out_dir / "big.pdf", today=TODAY)
    text = _pages(out_dir / "big.pdf")
    assert pages == len(text) == 2
    assert "学生基本信息表（续）" in text[1] and "吴大家" in text[1]
    assert "亲属5" in text[1] and "监护人签字" in text[1] and "监护人签字" not in text[0]


def test_nothing_is_written_for_an_unknown_student(school, out_dir):
    student = add_student(school, class_id_of(school, 1))
    with pytest.raises(LookupError, match="没有编号为 9999 的学生"):
        forms.info_forms(school, [student, 9999], out_dir / "x.pdf", today=TODAY)
    with pytest.raises(ValueError, match="没有选择学生"):
        forms.info_forms(school, [], out_dir / "x.pdf", today=TODAY)
    with pytest.raises(ValueError, match="没有在校学生"):
        forms.class_info_forms(school, class_id_of(school, 2, 2), out_dir / "x.pdf", today=TODAY)
    assert list(out_dir.iterdir()) == []


needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")


@needs_pdftoppm
def test_the_page_stays_inside_its_margins(school, out_dir, tmp_path):
    """Rendered with pdftoppm: an A4 page with ink in its body and none in a 6 mm strip around its edges (nothing
    runs off the paper)."""
    student = add_student(
        school,
        class_id_of(school, 3),
        name="欧阳长名字",
        current_address="山西省长治市潞城区" * 8,
        specialty="书法、围棋、钢琴、游泳、篮球、足球、朗诵、绘画、舞蹈、编程" * 2,
    )
    _photo(school, student, "photos/long.jpg")
    forms.info_forms(school, [student], out_dir / "page.pdf", today=TODAY)
    _assert_inside_margins(out_dir / "page.pdf", tmp_path)


def _assert_inside_margins(pdf, tmp_path) -> None:
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    image = Image.open(tmp_path / "page.png").convert("L")
    width, height = image.size
    assert abs(width - 496) <= 1 and abs(height - 702) <= 1  # A4 at 60 dpi
    strip = round(6 / 25.4 * 60)
    pixels = image.load()
    edge = [
        (x, y)
        for x in range(width)
        for y in range(height)
        if (x < strip or x >= width - strip or y < strip or y >= height - strip) and pixels[x, y] < 200
    ]
    assert edge == []
    body = sum(1 for x in range(0, width, 2) for y in range(0, height, 2) if pixels[x, y] < 128)
    assert body > 2000


def test_a_student_made_today_prints_with_empty_cells(school, out_dir):
    """A record with only the required fields: every empty cell is blank (no 'None'), ready to be filled by hand."""
    with school.transaction() as session:
        now = datetime.now()
        bare = Student(
            name="新生甲",
            gender="2",
            birth_date=date(2020, 1, 2),
            entry_month="2026-09",
            created_at=now,
            updated_at=now,
            status="在读",
        )
        session.add(bare)
        session.flush()
        bare_id = bare.id
    forms.info_forms(school, [bare_id], out_dir / "bare.pdf", today=TODAY)
    text = _flat(out_dir / "bare.pdf")
    assert "新生甲" in text and "女" in text and "None" not in text and "2026年9月" in text
