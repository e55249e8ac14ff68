"""Several partnerships through Streamlit's AppTest (docs/architecture.md): each partnership's own public access and
upload limit, the picker's choice in the URL, and a plain message for a partnership that cannot be shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import hosting, store
from metrics.access import Actor
from metrics.config import ROOT
from tests import partnership_fixture as two
from tests.conftest import AS_OF

APP = str(ROOT / "dashboard" / "app.py")
HOME_NAME = "Leicestershire ICT Partnership"


@pytest.fixture
def db(_demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = two.install(_demo_template, tmp_path, AS_OF)
    monkeypatch.setenv("CHARTER_DB", str(path))
    monkeypatch.setattr("dashboard.resources.today", lambda: AS_OF)
    return path


def _set(db: Path, code: str | None, column: str, value: object) -> None:
    with store.connect(hosting.path_for(db, code)) as con:
        con.execute(f"UPDATE core.partnership SET {column} = $v", {"v": value})  # noqa: S608 - the tests' own columns


def _labels(at: AppTest) -> list[str]:
    return [box.label for box in at.sidebar.selectbox]


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "There is no partnership" in w.value]


def test_a_partnership_open_to_the_public_is_shown_when_the_install_is_not(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC", "false")
    _set(db, two.OTHER, "public", True)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert "Partnership" not in _labels(at)  # one partnership to see: no picker
    assert [t.value for t in at.title] == ["Overview"]
    assert at.caption[0].value.startswith(f"{two.OTHER_NAME} · ")
    assert at.query_params["partnership"] == two.OTHER
    text = "\n".join(m.value for m in at.markdown)
    assert "Swale Borough Council" in text and "Blaby" not in text


def test_a_partnership_closed_to_the_public_is_not_shown_and_says_so_plainly(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC", "true")
    _set(db, two.OTHER, "public", False)
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["partnership"] = two.OTHER.lower()
    at.run()
    assert not at.exception
    assert _warnings(at) == [
        f"There is no partnership {two.OTHER} that you can see here, so {HOME_NAME} is shown. "
        "Choose another in the sidebar, or sign in to see more."
    ]
    assert "Partnership" not in _labels(at)
    assert at.caption[0].value.startswith(f"{HOME_NAME} · ")
    text = "\n".join(m.value for m in at.markdown)
    assert "Swale" not in text and "Kent" not in text


def test_the_picker_switches_partnership_and_the_url_follows(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC", "true")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert _labels(at)[0] == "Partnership"
    picker = at.sidebar.selectbox[0]
    assert picker.options == [HOME_NAME, two.OTHER_NAME] and picker.value == "LICTP"
    at.sidebar.selectbox[2].select("MBC").run()  # Melton, in LICTP only: the choice of council starts afresh
    picker.select(two.OTHER).run()
    assert not at.exception
    assert at.caption[0].value.startswith(f"{two.OTHER_NAME} · ")
    assert dict(at.query_params) == {"partnership": two.OTHER, "quarter": "2025/26 Q2"}
    councils = at.sidebar.selectbox[2]
    assert councils.value == "All partners"
    assert councils.options == ["All partners", "Hinckley & Bosworth Borough Council", *two.OTHER_COUNCILS]


def test_each_partnership_has_its_own_upload_limit(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC", "true")
    monkeypatch.setenv("CHARTER_MAX_UPLOAD_MB", "20")
    _set(db, two.OTHER, "max_upload_mb", 3)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["actor"] = Actor.administrator("home admin")
    at.session_state[f"actor_{two.OTHER}"] = Actor.administrator("other admin")
    limits = {}
    for code in ("LICTP", two.OTHER):
        at.query_params["partnership"] = code
        at.session_state["partnership"] = code
        at.switch_page("app_pages/upload.py").run()
        assert not at.exception, code
        uploader = at.get("file_uploader")[0]
        limits[code] = uploader.proto.help
    assert "up to 20 MB" in limits["LICTP"]
    assert "up to 3 MB" in limits[two.OTHER]


def test_signing_in_to_a_partnership_by_its_code(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARTER_PUBLIC", "false")
    two.add_account(db, two.OTHER, "kent@example.org", "a long test password")
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert at.text_input[0].label == "Partnership code" and at.text_input[0].value == "LICTP"
    at.text_input[0].input("nope")
    at.text_input[1].input("kent@example.org")
    at.text_input[2].input("a long test password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["There is no partnership NOPE here: check its code."]
    at.text_input[0].input("LICTP")
    at.button[0].click().run()  # the same e-mail and password, checked in LICTP's own accounts: none there
    assert [e.value for e in at.error] == ["The e-mail or password is wrong, or the account may not sign in."]
    at.text_input[0].input(" ktip ")
    at.button[0].click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]
    assert at.caption[0].value.startswith(f"{two.OTHER_NAME} · ")
    assert at.query_params["partnership"] == two.OTHER
    assert at.session_state[f"actor_{two.OTHER}"].email == "kent@example.org"
    assert "actor" not in at.session_state
