"""The Redis cache backend keeps one redis-py client per connection pool
(essaim.core.redis_cache): no server needed, redis-py connects on the first command."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from essaim.core.redis_cache import RedisCache


def test_one_client_per_pool():
    backend = RedisCache("redis://127.0.0.1:6379/15", {})
    client = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is client
    assert client.connection_pool is backend._cache._get_connection_pool(True)
    # Django's own builds one per operation: what the backend exists for
    django = DjangoRedisCache("redis://127.0.0.1:6379/15", {})
    assert django._cache.get_client() is not django._cache.get_client()


def test_reads_spread_over_replicas_keep_a_client_each():
    backend = RedisCache("redis://127.0.0.1:6379/14,redis://127.0.0.1:6379/15", {})
    writer = backend._cache.get_client(write=True)
    reader = backend._cache.get_client(write=False)  # the only replica
    assert reader is not writer
    assert backend._cache.get_client(write=False) is reader
