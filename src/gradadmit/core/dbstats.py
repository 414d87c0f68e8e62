"""The query planner's statistics (the hourly `database-statistics` job; a worker runs it when it starts).

SQLite plans from statistics only once ANALYZE has run: without them it takes any index on a filtered column for a
selective one. The API's keyset pages (`program_id IN (...) AND id > cursor ORDER BY id LIMIT 101`) then walk the
programme index and sort every application in scope on each page, where with statistics they walk the primary key
and stop after one page. `analysis_limit` bounds the work per index (SQLite samples about that many rows), so the
job stays in milliseconds on a large file. PostgreSQL's autovacuum keeps its own statistics: nothing to do there.
"""

from django.db import connections

SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics(using: str = "default") -> str:
    """ANALYZE the database where its engine needs it; returns what was done (for the job's result)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return f"{connection.vendor}: statistics kept by the server (autovacuum)"
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return "sqlite: analysed"
