"""Django's Redis cache, with one client object per connection pool instead of one per cache call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` around the pooled connections on every get, set
or delete (its comment invites a custom client for other choices). Building one runs redis-py's whole constructor;
the session, the signed-in user's token and the rate limits make several cache calls a request, and the
constructors came to about 3 % of a page's CPU on the production-like setup (py-spy, bench/profile_deadline.py).
A `redis.Redis` is safe to share between threads (each command takes a connection from the pool), and Django
keeps a cache object per thread anyway: the client is made once per pool and kept.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # connection pool -> redis.Redis over it

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # Django picks the server (a random reader when there are several)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class KeptClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
