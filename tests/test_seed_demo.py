import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, User
from applications.management.commands.seed_demo import DEMO_PASSWORD


def test_it_creates_the_demo_users_and_can_run_twice(db, capsys):
    call_command("seed_demo", force=True)
    call_command("seed_demo", force=True)
    assert Organisation.objects.count() == 1
    coder = User.objects.get(email="coder@demo.coderfolio.test")
    recruiter = User.objects.get(email="recruiter@demo.coderfolio.test")
    assert coder.is_coder and coder.check_password(DEMO_PASSWORD)
    assert recruiter.is_recruiter and recruiter.organisation.ods_code == "R0D"
    out = capsys.readouterr().out
    assert "coder@demo.coderfolio.test  password: coderfolio-demo" in out


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to create demo accounts"):
        call_command("seed_demo")
    assert not User.objects.exists()
