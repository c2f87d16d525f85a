"""Self-assessment per life domain: record through the web client, see the chart and the
table change, refuse bad input, keep it encrypted."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portfolio.db import db
from portfolio.entries.models import Item
from portfolio.progress.charts import Series, radar
from tests.conftest import in_app, login, post_form
from tests.web.test_dump import dump_everything


def count_items(app: Flask) -> int:
    return len(in_app(app, lambda: list(db.session.scalars(select(Item.id)))))


def test_record_twice_and_see_first_and_latest(app: Flask, owner_client: FlaskClient) -> None:
    home = owner_client.get("/home").get_data(as_text=True)
    assert "You have not filled this in yet" in home
    form = owner_client.get("/progress/self-assessment").get_data(as_text=True)
    assert form.count('type="radio"') == 50  # ten life domains x five faces
    response = post_form(
        owner_client,
        "/progress/self-assessment",
        {
            "score_language": "2",
            "score_work": "1",
            "score_housing": "3",
            "note": "Eerste maand in Utrecht",
        },
    )
    assert response.location == "/progress/"
    page = owner_client.get("/progress/").get_data(as_text=True)
    assert '<svg class="radar"' in page and "series latest" in page and "series first" not in page
    assert "Eerste maand in Utrecht" in page
    post_form(owner_client, "/progress/self-assessment", {"score_language": "4", "score_work": "3"})
    home = owner_client.get("/home").get_data(as_text=True)
    assert "series first" in home and "series latest" in home
    # The table alternative holds the same figures: language went from 2 to 4.
    row = home.split("Language &amp; learning</th>")[1].split("</tr>")[0]
    assert row == "<td>2</td><td>4</td>"
    housing = home.split("Housing</th>")[1].split("</tr>")[0]
    assert housing == "<td>3</td><td>–</td>"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"score_language": "6"},
        {"score_language": "0"},
        {"score_language": "abc"},
        {"score_nowhere": "3"},
        {"score_language": "3", "note": "x" * 2001},
        {"score_language": "3", "note": "a\x00b"},
    ],
)
def test_bad_answers_explained_and_nothing_stored(
    app: Flask, owner_client: FlaskClient, data: dict
) -> None:
    response = post_form(owner_client, "/progress/self-assessment", data)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert count_items(app) == 0


def test_answers_encrypted_at_rest(app: Flask, owner_client: FlaskClient) -> None:
    post_form(
        owner_client,
        "/progress/self-assessment",
        {"score_health": "1", "note": "Ik slaap slecht sinds de verhuizing"},
    )
    dump = dump_everything(app)
    assert b"Ik slaap slecht" not in dump and b'"health"' not in dump


def test_radar_geometry_and_icons() -> None:
    axes = [("language", "Taal"), ("b", "<b>Werk</b>"), ("c", "Wonen"), ("d", "Geld")]
    svg = str(radar(axes, [Series("latest", {"language": 5, "b": 0, "c": 5})]))
    assert "<b>" not in svg and "Werk" not in svg  # icons on the axes; names are in the table
    assert svg.count('class="axis-icon"') == 4
    # language=5 straight up (0,-120); b missing -> centre; c=5 straight down (0,120); d -> centre.
    assert 'class="series latest" points="0.0,-120.0 0.0,0.0 0.0,120.0 -0.0,0.0"' in svg
    assert str(radar(axes[:2], [])) == ""


def test_demo_portfolio_loads_and_shows(app: Flask) -> None:
    from portfolio.demo import CERTIFICATES, DEMO_PASSPHRASE, DEMO_USER, EXAMS, GOALS

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # goals, 2 self-assessments, 3 language moments, the summary, certificates, 2 kinds of
    # work, exams, a reflection, about me, my integration
    assert count_items(app) == len(GOALS) + 2 + 3 + 1 + len(CERTIFICATES) + 2 + len(EXAMS) + 3
    assert "Her regievoerder: 'sanne'" in result.output  # with a share to look at
    again = app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code != 0 and "already loaded" in again.output
    client = app.test_client()
    login(client, DEMO_USER, DEMO_PASSPHRASE)
    home = client.get("/home").get_data(as_text=True)
    assert "series first" in home
    assert home.count("/portfolio/goals/") >= 3  # goals due soon are listed
    assert "Mijn inburgeringstermijn" in home and "Nog te doen" in home  # the demo is Dutch
    certificates = client.get("/portfolio/?kind=certificates").get_data(as_text=True)
    assert "Bachelor verpleegkunde" in certificates and "1 bestand" in certificates


def test_language_levels_over_time(app: Flask, owner_client: FlaskClient) -> None:
    form = owner_client.get("/progress/language/new").get_data(as_text=True)
    assert form.count('type="radio"') == 25  # five skills x A0-B2
    assert "I can read short, simple texts" in form
    response = post_form(
        owner_client,
        "/progress/language/new",
        {"skill_reading": "A1", "skill_speaking": "A0", "target": "B1"},
    )
    assert response.location == "/progress/language"
    # The next form starts from the last answers.
    again = owner_client.get("/progress/language/new").get_data(as_text=True)
    checked = re.findall(r"<input[^>]*checked[^>]*>", again)
    assert len(checked) == 2 and 'value="A1"' in checked[0] and 'id="skill_reading-1"' in checked[0]
    post_form(
        owner_client,
        "/progress/language/new",
        {"skill_reading": "A2", "skill_speaking": "A1", "skill_knm": "A2", "target": "B1"},
    )
    page = owner_client.get("/progress/language").get_data(as_text=True)
    assert '<polyline class="skill reading"' in page and '<line class="target"' in page
    assert "Your goal level: B1" in page
    assert page.count('<tr><th scope="row">') == 2
    assert "I can read short, simple texts, like a message or a timetable." in page  # now: A2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"skill_reading": "C2"},
        {"skill_reading": "A1", "target": "C1"},
        {"skill_unknown": "A1"},
    ],
)
def test_bad_language_levels_refused(app: Flask, owner_client: FlaskClient, data: dict) -> None:
    response = post_form(owner_client, "/progress/language/new", data)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert count_items(app) == 0


def test_timeline_runs_in_reading_direction() -> None:
    from portfolio.progress.timeline import Line, timeline

    ltr = str(timeline([Line("reading", ["A1", "B1"])], "B1"))
    rtl = str(timeline([Line("reading", ["A1", "B1"])], "B1", rtl=True))
    assert 'points="34.0,122.5 310.0,47.5"' in ltr  # A1 on the left, later B1 on the right
    assert 'points="286.0,122.5 10.0,47.5"' in rtl  # mirrored: time runs right to left
    assert 'class="target"' in ltr and str(timeline([], None)) == ""
