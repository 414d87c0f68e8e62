"""How passwords are stored: Argon2id with OWASP's recommended parameters.

Django's default, PBKDF2-SHA256 with 1,000,000 iterations, costs about 0.55 s of CPU a sign-in on our cores: on the
deadline night a sign-in was the slowest request of the mix and 3 % of the requests took a third of the CPU
(docs/capacity.md). Argon2id is memory-hard (each guess needs its own 19 MiB, which is what makes GPU and ASIC
cracking expensive), the winner of the Password Hashing Competition and Django's recommended hasher. The OWASP
Password Storage Cheat Sheet lists m=19 MiB, t=2, p=1 as its recommended Argon2id configuration, of a defence
equal to its other listed configurations; it costs about 40 ms. Django's own Argon2 defaults (100 MiB, 8 lanes)
cost about 0.33 s of CPU here.

Hashes carry their parameters, so raising them later only needs new values here: `must_update` then re-hashes
each password at its owner's next sign-in, as it does now for the PBKDF2 hashes stored before this hasher.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
