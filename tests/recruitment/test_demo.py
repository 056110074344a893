"""seed_demo gives the demo vacancy a lead recruiter, a panel member, and a real
longlist: submitted applications by different coders, strong, partial and weak,
on both routes."""

from django.core.management import call_command

from accounts.models import User
from applications.models import Application
from recruitment.longlist import fill_longlist
from recruitment.models import LonglistEntry, Panel


def test_the_demo_vacancy_has_a_panel_and_a_longlist(db, capsys):
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)  # rebuilt, not doubled
    panel = Panel.objects.get()
    assert panel.lead.email == "recruiter@demo.coderfolio.test"
    assert {m.recruiter.email for m in panel.members.all()} == {
        "recruiter@demo.coderfolio.test",
        "panel@demo.coderfolio.test",
    }
    assert not panel.is_finalised
    assert User.objects.get(email="panel@demo.coderfolio.test").is_recruiter

    applications = Application.objects.filter(vacancy=panel.vacancy)
    assert applications.count() == 6
    assert set(applications.values_list("status", flat=True)) == {"submitted"}
    assert applications.values("applicant").distinct().count() == 6
    assert set(applications.values_list("route", flat=True)) == {"acc", "portfolio"}
    fill_longlist([panel.vacancy.pk])
    piles = set(LonglistEntry.objects.values_list("pile", flat=True))
    assert piles == set(LonglistEntry.Pile.values)
    assert "panel@demo.coderfolio.test  password: coderfolio-demo" in (
        capsys.readouterr().out
    )
