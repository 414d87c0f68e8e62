"""PostgreSQL binds parameters on the server and prepares the statements a connection runs again and again; a pooler
that cannot keep prepared statements turns that off (GRADADMIT_DB_PREPARE_THRESHOLD=off)."""

from gradadmit.testing.settings_probe import settings_with

OPTIONS = "settings.DATABASES['default'].get('OPTIONS', {})"
POSTGRES = "postgres://nobody@127.0.0.1:1/none"


def test_postgresql_prepares_a_statement_run_five_times(tmp_path):
    options = settings_with(tmp_path, OPTIONS, DATABASE_URL=POSTGRES)
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5


def test_behind_a_pooler_nothing_is_prepared(tmp_path):
    options = settings_with(tmp_path, OPTIONS, DATABASE_URL=POSTGRES, GRADADMIT_DB_PREPARE_THRESHOLD="off")
    assert options["server_side_binding"] is True and options["prepare_threshold"] is None


def test_sqlite_has_neither(tmp_path):
    options = settings_with(tmp_path, OPTIONS)
    assert "server_side_binding" not in options and "prepare_threshold" not in options
