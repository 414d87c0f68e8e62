"""The default setup's shared cache: Django's file cache, culled at most once a minute per process.

Django's FileBasedCache counts its entries on every write by listing the whole directory (`_cull`). With a session
and a few rate-limit counters per applicant that is thousands of files, milliseconds on every sign-in, recommender
link and cached session save. Entries still expire as Django's do (an expired file is removed when read); the
directory is trimmed to MAX_ENTRIES (a third of it removed when over) on the first write of each minute.
"""

import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_INTERVAL_SECONDS = 60


class FileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._next_cull = 0.0

    def _cull(self):
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + CULL_INTERVAL_SECONDS  # threads may both cull once: harmless
        super()._cull()
