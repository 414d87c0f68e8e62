"""The Redis cache keeps one client per connection pool (core.rediscache) and still behaves as Django's."""

import pytest
import redis

from gradadmit.core.rediscache import KeptClientRedisCache

URL = "redis://127.0.0.1:6379/13"  # a database of its own; emptied by each test


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis not reachable at {URL} (scripts/system_deps.sh --test installs and starts it)")
    yield KeptClientRedisCache(URL, {"KEY_PREFIX": "kept"})
    redis.Redis.from_url(URL).flushdb()


def test_one_client_for_every_call(cache, monkeypatch):
    cache.set("warm", 1)
    made = []
    original = redis.Redis.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting)
    cache.set("a", 1)
    cache.get("a")
    cache.incr("a")
    cache.delete("a")
    assert made == []
    assert cache._cache.get_client() is cache._cache.get_client(write=True)  # one server: reads and writes share it


def test_behaves_as_djangos_cache(cache):
    assert cache.add("key", "value") is True
    assert cache.add("key", "other") is False
    assert cache.get("key") == "value"
    cache.set_many({"x": 1, "y": {"nested": [1, 2]}})
    assert cache.get_many(["x", "y", "missing"]) == {"x": 1, "y": {"nested": [1, 2]}}
    assert cache.incr("x", 5) == 6
    cache.delete_many(["x", "y"])
    assert cache.get("x") is None and cache.get("key") == "value"
    assert cache.touch("key", 60) is True
    cache.clear()
    assert cache.get("key") is None


def test_several_servers_get_a_client_each():
    cache = KeptClientRedisCache(f"{URL};redis://127.0.0.1:6379/14", {})
    client = cache._cache
    assert client.get_client(write=True) is client.get_client(write=True)
    assert client.get_client(write=False) is not client.get_client(write=True)  # reads go to the second server
    assert client.get_client(write=False).connection_pool is client._get_connection_pool(write=False)
