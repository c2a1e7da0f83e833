"""A local S3 for tests: moto's server on a free port, with a bucket per test.

It speaks the S3 protocol over HTTP like AWS or MinIO, so django-storages, boto3 and a browser
fetching a signed URL all go through the real code paths.
"""
import logging
import socket
import uuid
from contextlib import contextmanager

import boto3
import pytest

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "pakn-test", "aws_secret_access_key": "pakn-test-secret"}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"

moto_server_module = pytest.importorskip("moto.server", reason="moto[server] is in the test extras")
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalS3:
    def __init__(self, port):
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.server = moto_server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)

    def start(self):
        self.server.start()
        return self

    def stop(self):
        self.server.stop()

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, **CREDENTIALS)

    def new_bucket(self):
        name = f"pakn-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket):
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def is_public(self, bucket, key):
        grants = self.client().get_object_acl(Bucket=bucket, Key=key)["Grants"]
        return any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants)

    def storage_options(self, bucket):
        """STORAGES["default"] for a process of the test (same shape as config/settings.py builds)."""
        return {"BACKEND": "core.storage.S3PhotoStorage", "OPTIONS": {
            "bucket_name": bucket, "endpoint_url": self.endpoint, "region_name": REGION,
            "access_key": CREDENTIALS["aws_access_key_id"], "secret_key": CREDENTIALS["aws_secret_access_key"],
            "signature_version": "s3v4", "querystring_expire": 3600, "file_overwrite": True,
            "connect_timeout": 1, "read_timeout": 5, "max_attempts": 1,
        }}

    def environment(self, bucket):
        """The environment variables a server process needs to keep its photos in ``bucket``."""
        return {"AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_ENDPOINT_URL": self.endpoint,
                "AWS_S3_REGION_NAME": REGION, "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
                "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"], "AWS_S3_MAX_ATTEMPTS": "1",
                "AWS_S3_CONNECT_TIMEOUT": "1"}


@contextmanager
def local_s3(port=None):
    server = LocalS3(port or free_port()).start()
    try:
        yield server
    finally:
        server.stop()
