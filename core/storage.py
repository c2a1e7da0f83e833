"""Photos in an S3-compatible bucket (AWS S3, MinIO, Ceph, …) through django-storages.

Private by default: every object is written private and ``url()`` is always a signed URL valid for
at most an hour, even when a custom domain (a CDN) is configured, since django-storages would give a
plain custom-domain URL there. A photo the public may see is made public-read with ``set_public``
and linked by ``public_url``: a plain, stable URL that browsers and a CDN can cache. Which photos
are public is decided elsewhere (``workflow.photos``); this class only carries it out.
"""
from botocore.config import Config
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

MAX_SIGNED_URL_SECONDS = 3600


class S3PhotoStorage(S3Storage):
    def __init__(self, **settings):
        defaults = self.get_default_settings()
        timeouts = {name: settings.pop(name, defaults[name])
                    for name in ("connect_timeout", "read_timeout", "max_attempts")}
        if settings.get("client_config") is None:
            # Short timeouts and few retries: a bucket that does not answer makes a submission
            # fail in seconds with a clear error, not hang the worker.
            settings["client_config"] = Config(
                s3={"addressing_style": settings.get("addressing_style")},
                signature_version=settings.get("signature_version") or "s3v4",
                connect_timeout=timeouts["connect_timeout"], read_timeout=timeouts["read_timeout"],
                retries={"max_attempts": timeouts["max_attempts"], "mode": "standard"},
            )
        super().__init__(**settings)

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_acl": True, "connect_timeout": 3,
                "read_timeout": 20, "max_attempts": 3}

    def _key(self, name):
        return self._normalize_name(clean_name(name))

    def url(self, name, parameters=None, expire=None, http_method=None):
        """A signed URL, valid for ``querystring_expire`` seconds and never more than an hour."""
        expire = min(expire or self.querystring_expire, MAX_SIGNED_URL_SECONDS)
        params = {**(parameters or {}), "Bucket": self.bucket.name, "Key": self._key(name)}
        return self.connection.meta.client.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expire, HttpMethod=http_method)

    def public_url(self, name):
        """A plain URL for a public-read object (signed instead when public ACLs are off)."""
        if not self.public_acl:
            return self.url(name)
        if self.custom_domain:
            return f"{self.url_protocol}//{self.custom_domain}/{filepath_to_uri(self._key(name))}"
        return self.unsigned_connection.meta.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket.name, "Key": self._key(name)})

    def set_public(self, name, public):
        """Make one object readable by anyone, or by no one without a signature."""
        if not self.public_acl:
            return
        self.connection.meta.client.put_object_acl(
            Bucket=self.bucket.name, Key=self._key(name), ACL="public-read" if public else "private")

    def check(self):
        """Raise if the bucket cannot be reached with these credentials (readiness probe)."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket.name)
