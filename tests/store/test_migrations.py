"""Alembic migrations: `upgrade head` on an empty file gives exactly the models' schema, downgrade undoes it, and the
append-only history tables (status_change, audit_event, attachment) refuse UPDATE and DELETE by trigger."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError

from tests.factories import add_student
from xueji_desktop.migrations.runner import alembic_config, current_revision, head_revision, upgrade_to_head
from xueji_desktop.models import (
    AbsenceRecord,
    Attachment,
    Base,
    CertificateIssue,
    FitnessResult,
    HolidayList,
    PaperArchivePlace,
    PeExemption,
    Procedure,
    ProcedureEvent,
    ProcedureProof,
    RecordConsultation,
    SanctionLifting,
    StatusChange,
    StudentAward,
    StudentSanction,
    UploadBatch,
    YearEnd,
)
from xueji_desktop.models.history import APPEND_ONLY_TABLES, DocumentSetting


@pytest.fixture
def empty_engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    yield engine
    engine.dispose()


def test_upgrade_head_on_an_empty_file_matches_the_models(empty_engine):
    with empty_engine.begin() as connection:
        assert current_revision(connection) is None
        command.upgrade(alembic_config(connection), "head")
    with empty_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        assert (
            current_revision(connection)
            == head_revision()
            == ScriptDirectory.from_config(alembic_config()).get_current_head()
        )
        tables = set(inspect(connection).get_table_names())
        assert set(Base.metadata.tables) <= tables


def test_the_append_only_triggers_exist_after_upgrade(empty_engine):
    with empty_engine.begin() as connection:
        upgrade_to_head(connection)
        triggers = {
            row[0]
            for row in connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    assert triggers == {f"{table}_no_{verb}" for table in APPEND_ONLY_TABLES for verb in ("update", "delete")}


def test_downgrade_to_base_and_upgrade_again(empty_engine):
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        command.downgrade(alembic_config(connection), "base")
        left = set(inspect(connection).get_table_names()) - {"alembic_version"}
        assert left == set()
        assert (
            connection.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type='trigger'").scalar()
            == 0
        )
        command.upgrade(alembic_config(connection), "head")
        assert current_revision(connection) == head_revision()


def test_an_up_to_date_file_is_left_alone(store):
    """Store.open upgrades on every open; at head it does nothing (and does not import alembic to find out)."""
    with store.engine.begin() as connection:
        assert current_revision(connection) == head_revision()
        upgrade_to_head(connection)
        assert current_revision(connection) == head_revision()


def _history_rows(store):
    """One row in each append-only table."""
    student_id = add_student(store)
    now = datetime.now()
    with store.transaction() as session:
        change = StatusChange(
            student_id=student_id,
            kind="admission",
            effective_date=date(2026, 9, 1),
            status_before=None,
            status_after="在读",
            actor="测试",
            created_at=now,
        )
        session.add(change)
        session.flush()
        session.add(
            Attachment(
                student_id=student_id,
                status_change_id=change.id,
                kind="户籍证明",
                original_name="户口簿.pdf",
                stored_name="a.pdf",
                sha256="0" * 64,
                actor="测试",
                created_at=now,
            )
        )
        session.add(
            UploadBatch(
                kind="new_students",
                file_name="新生.xlsx",
                student_ids=f"[{student_id}]",
                student_count=1,
                actor="测试",
                created_at=now,
            )
        )
        procedure = Procedure(
            student_id=student_id,
            student_name="张三",
            kind="suspension",
            opened_on=date(2026, 10, 8),
            actor="测试",
            created_at=now,
        )
        session.add(procedure)
        session.flush()
        session.add(
            ProcedureEvent(
                procedure_id=procedure.id,
                track="steps",
                state="已申请",
                on=date(2026, 10, 8),
                actor="测试",
                created_at=now,
            )
        )
        attachment = session.query(Attachment).one()
        session.add(ProcedureProof(procedure_id=procedure.id, attachment_id=attachment.id))
        session.add(
            AbsenceRecord(
                student_id=student_id,
                term_start=date(2026, 9, 1),
                longest_continuous_weeks=2,
                total_weeks=3,
                contacted_family=True,
                actor="测试",
                created_at=now,
            )
        )
        session.add(
            CertificateIssue(
                kind="enrolment_proof",
                number="2026-0001",
                student_id=student_id,
                content="{}",
                digest="0" * 16,
                issued_on=date(2026, 11, 29),
                actor="测试",
                created_at=now,
            )
        )
        session.add(DocumentSetting(key="letterhead", value="某某学校", actor="测试", created_at=now))
        session.add(
            HolidayList(
                year=2027,
                entries='[["2027-10-01", "休", "国庆节"]]',
                origin="录入",
                actor="测试",
                created_at=now,
            )
        )
        # R35.1 查阅登记 and R5.1 where a paper file is kept
        session.add(
            RecordConsultation(
                on=date(2026, 11, 30),
                visitor="赵强",
                organisation="潞城区公安分局",
                basis="介绍信",
                basis_number="潞公函〔2026〕12号",
                student_id=student_id,
                what="学生基本信息",
                copies_out=False,
                actor="测试",
                created_at=now,
            )
        )
        session.add(
            PaperArchivePlace(
                student_id=student_id,
                item="学生学籍档案",
                place="档案室 · 3号柜 · 第2层 · 12盒",
                actor="测试",
                created_at=now,
            )
        )
        # 第三十一条、第三十二条: an award, a sanction and its lifting (migration 0010)
        session.add(
            StudentAward(
                student_id=student_id,
                level="校级",
                title="三好学生",
                awarded_on=date(2026, 12, 1),
                issuer="潞城区实验小学",
                actor="测试",
                created_at=now,
            )
        )
        sanction = StudentSanction(
            student_id=student_id,
            kind="警告",
            reason="多次违反课堂纪律",
            decided_on=date(2026, 11, 2),
            document_number="潞实小〔2026〕3号",
            actor="测试",
            created_at=now,
        )
        session.add(sanction)
        session.flush()
        session.add(
            SanctionLifting(
                sanction_id=sanction.id,
                lifted_on=date(2027, 5, 2),
                reason="表现良好",
                actor="测试",
                created_at=now,
            )
        )
        # 第二十九条: a 体质健康 result and a 体育免修 (migration 0011)
        session.add(
            FitnessResult(
                student_id=student_id,
                school_year=2026,
                total_score=72.5,
                grade="及格",
                source="测试",
                actor="测试",
                created_at=now,
            )
        )
        session.add(
            PeExemption(
                student_id=student_id,
                school_year=2026,
                exempt=True,
                reason="心脏手术后一年内",
                actor="测试",
                created_at=now,
            )
        )
        # 第十五条、第二十九条: a year end (migration 0012)
        session.add(
            YearEnd(
                ended_year=2026,
                new_year=2027,
                effective_date=date(2027, 7, 20),
                backup_file="backups/year_end/xueji-20270720.sqlite3",
                summary="{}",
                actor="测试",
                created_at=now,
            )
        )


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_append_only_tables_refuse_update_and_delete(store, table):
    _history_rows(store)
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(IntegrityError, match=f"{table} 是只追加的历史记录，不能修改或删除"):
            with store.engine.begin() as connection:
                connection.exec_driver_sql(statement)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() >= 1
